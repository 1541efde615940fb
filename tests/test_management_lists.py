"""Organisations and reference lists in the management area: an administrator adds and edits
organisations (a coordinator only the own organisation's working rules) and keeps the reference
lists in order; an item that records use is switched off, never deleted."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, Region
from audit.models import AuditAction, AuditEvent
from contacts.models import Authority, Topic
from management.services import REFERENCE_MODELS
from programmes.models import Service
from tests.factories import ContactFactory, police_directorate


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- organisations -------------------------------------------------------------------------------


def test_administrator_adds_an_organisation_and_its_first_service(administrator):
    client = _signed_in(administrator)
    response = client.post(
        reverse("management:organisation_create"),
        {"name": "Romodrom, o.p.s.", "kind": Organisation.Kind.NGO, "no_contact_days": 21},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(name="Romodrom, o.p.s.")
    assert (organisation.kind, organisation.no_contact_days) == (Organisation.Kind.NGO, 21)
    assert AuditEvent.objects.filter(action=AuditAction.ORGANISATION_CREATED, object_id=str(organisation.pk)).exists()

    response = client.post(
        reverse("management:organisation_service_create", args=[organisation.pk]),
        {"name": "Terénní program", "kind": "field_programmes", "capacity": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(organisation=organisation)
    assert service.activity_types.exists()  # the usual activity types to start from
    detail = client.get(reverse("management:organisation_detail", args=[organisation.pk])).content.decode()
    assert "Terénní program" in detail


def test_the_kind_of_service_is_checked_before_anything_is_saved(administrator, drom):
    response = _signed_in(administrator).post(
        reverse("management:organisation_service_create", args=[drom.pk]), {"name": "Bez druhu", "kind": ""}
    )
    assert response.status_code == 400
    assert not Service.objects.filter(name="Bez druhu").exists()


def test_a_police_directorate_runs_no_service_and_needs_its_region(administrator):
    client = _signed_in(administrator)
    response = client.post(
        reverse("management:organisation_create"), {"name": "KŘP Nový", "kind": "police", "no_contact_days": 30}
    )
    assert response.status_code == 400
    assert "Krajské ředitelství policie potřebuje svůj kraj." in response.content.decode()
    police = police_directorate("CZ064")
    response = client.post(
        reverse("management:organisation_service_create", args=[police.pk]),
        {"name": "Služba", "kind": "field_programmes"},
    )
    assert response.status_code == 400
    assert not Service.objects.filter(organisation=police).exists()


def test_an_organisation_name_is_unique_whatever_the_capitals(administrator, drom):
    response = _signed_in(administrator).post(
        reverse("management:organisation_create"),
        {"name": drom.name.upper(), "kind": Organisation.Kind.NGO, "no_contact_days": 30},
    )
    assert response.status_code == 400
    assert "Organizace tohoto názvu už existuje." in response.content.decode()


def test_the_kind_of_an_organisation_with_users_does_not_change(administrator, alice):
    organisation = alice.organisation
    response = _signed_in(administrator).post(
        reverse("management:organisation_edit", args=[organisation.pk]),
        {
            "name": organisation.name,
            "kind": "police",
            "region": Region.objects.get(code="CZ064").pk,
            "no_contact_days": 30,
        },
    )
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.kind == Organisation.Kind.NGO


def test_a_coordinator_sets_the_working_rules_but_not_the_name_or_kind(carol):
    organisation = carol.organisation
    response = _signed_in(carol).post(
        reverse("management:organisation_edit", args=[organisation.pk]),
        {"name": "Přejmenováno", "kind": "ministry", "no_contact_days": 45, "founded_on": "2010-05-01"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.kind, organisation.no_contact_days) == (
        "DROM, romské středisko",
        Organisation.Kind.NGO,
        45,
    )
    assert AuditEvent.objects.filter(action=AuditAction.ORGANISATION_CHANGED, object_id=str(organisation.pk)).exists()


def test_a_coordinator_cannot_add_organisations_nor_services_here(carol):
    client = _signed_in(carol)
    assert client.get(reverse("management:organisation_create")).status_code == 403
    assert (
        client.get(reverse("management:organisation_service_create", args=[carol.organisation_id])).status_code == 403
    )
    # The coordinator's own services are kept on the programme pages, linked from here.
    detail = client.get(reverse("management:organisation_detail", args=[carol.organisation_id])).content.decode()
    assert reverse("programmes:service_list") in detail


def test_the_organisation_list_is_counted_in_a_fixed_number_of_queries(administrator, django_assert_max_num_queries):
    for _number in range(5):
        Organisation.objects.create(name=f"Organizace {_number}", kind=Organisation.Kind.NGO)
    client = _signed_in(administrator)
    # session, user, device (2), organisations with counts, the menu's checks: at most 10
    with django_assert_max_num_queries(10):
        assert client.get(reverse("management:organisation_list")).status_code == 200


# -- reference lists -----------------------------------------------------------------------------


def _list(kind: str) -> str:
    return reverse("management:reference_list", args=[kind])


def test_a_new_topic_comes_last_and_moves_up_in_the_contact_form(administrator):
    client = _signed_in(administrator)
    response = client.post(
        reverse("management:reference_create", args=["topics"]), {"name": "Lichva", "is_active": "on"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(name="Lichva")
    assert list(Topic.objects.all())[-1] == topic
    assert AuditEvent.objects.filter(action=AuditAction.REFERENCE_CHANGED, object_id=str(topic.pk)).exists()

    client.post(reverse("management:reference_move", args=["topics", topic.pk]), {"direction": "up"})
    client.post(reverse("management:reference_move", args=["topics", topic.pk]), {"direction": "up"})

    # The order every form offers (contacts/forms.py takes the active topics in the list's order).
    names = [item.name for item in Topic.objects.all()]
    assert names.index("Lichva") == len(names) - 3
    assert [item.ordering for item in Topic.objects.all()] == list(range(len(names)))


def test_a_switched_off_item_is_no_longer_offered(administrator):
    authority = Authority.objects.filter(is_active=True).first()
    assert authority is not None
    _signed_in(administrator).post(reverse("management:reference_toggle", args=["authorities", authority.pk]))
    authority.refresh_from_db()
    assert not authority.is_active
    assert not Authority.objects.filter(is_active=True, pk=authority.pk).exists()
    page = _signed_in(administrator).get(_list("authorities")).content.decode()
    assert authority.name in page  # still listed, to be switched on again


@pytest.mark.parametrize("kind", ["authorities", "topics", "crime_types"])
def test_an_unused_item_can_be_deleted(administrator, kind):
    client = _signed_in(administrator)
    data = {"authorities": {"name": "Nový úřad", "kind": "office"}, "topics": {"name": "Nové téma"}}.get(
        kind, {"section": "§999", "name": "Nový trestný čin"}
    )
    client.post(reverse("management:reference_create", args=[kind]), {**data, "is_active": "on"})
    model = REFERENCE_MODELS[kind]
    item = model._default_manager.get(name=data["name"])
    response = client.post(reverse("management:reference_delete", args=[kind, item.pk]))
    assert response.status_code == 302
    assert not model._default_manager.filter(pk=item.pk).exists()


def test_an_item_in_use_cannot_be_deleted_only_switched_off(administrator, own_contact):
    topic = Topic.objects.create(name="Používané téma")
    own_contact.topics.add(topic)
    authority = Authority.objects.create(name="Používaný úřad", kind=Authority.Kind.OFFICE)
    ContactFactory(assistant=own_contact.assistant, authority=authority, clients=list(own_contact.clients.all()))
    client = _signed_in(administrator)

    for kind, item in (("topics", topic), ("authorities", authority)):
        response = client.post(reverse("management:reference_delete", args=[kind, item.pk]), follow=True)
        assert "už záznamy používají, proto ji nelze smazat" in response.content.decode()
        assert type(item)._default_manager.filter(pk=item.pk).exists()
    assert own_contact.topics.filter(pk=topic.pk).exists()


def test_a_duplicate_item_is_refused(administrator):
    Topic.objects.create(name="Dluhy")
    response = _signed_in(administrator).post(
        reverse("management:reference_create", args=["topics"]), {"name": "dluhy"}
    )
    assert response.status_code == 400
    assert "Položka s touto hodnotou už v seznamu je." in response.content.decode()
    assert Topic.objects.filter(name__iexact="dluhy").count() == 1


def test_a_coordinator_does_not_keep_the_shared_lists(carol):
    assert _signed_in(carol).get(_list("topics")).status_code == 403
