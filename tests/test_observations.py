"""Locality observations: rules of the record, who sees which, the police's reply."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from observations import services
from observations.models import Observation, ObservationKind, PassedTo, PoliceReply
from observations.selectors import visible_observations
from tests.factories import ObservationFactory, UserFactory, a_locality, police_directorate


def _fields(**overrides):
    return {
        "observed_on": timezone.localdate(),
        "locality": a_locality(),
        "kind": ObservationKind.DRUG_PARAPHERNALIA,
        "description": "Použité injekční stříkačky v pískovišti za domem č. 12.",
        "passed_to": PassedTo.POLICE,
        **overrides,
    }


# -- the record ---------------------------------------------------------------------------------


def test_create_copies_the_organisation_and_encrypts_the_description(alice):
    observation = services.observation_create(by=alice, **_fields())
    assert observation.organisation_id == alice.organisation_id
    assert observation.assistant == alice
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM observations_observation WHERE id = %s", [observation.pk])
        [stored] = cursor.fetchone() or [""]
    assert "stříkačky" not in stored
    assert Observation.objects.get(pk=observation.pk).description == _fields()["description"]


def test_an_observation_names_no_client():
    names = {field.name for field in Observation._meta.get_fields()}
    assert not names & {"client", "clients", "case", "person"}
    related = {field.related_model._meta.app_label for field in Observation._meta.get_fields() if field.related_model}
    assert related.isdisjoint({"clients", "cases", "contacts"})


@pytest.mark.parametrize(
    "observed_on",
    [timezone.localdate() + datetime.timedelta(days=1), datetime.date(1999, 12, 31)],
)
def test_an_implausible_date_is_refused(alice, observed_on):
    with pytest.raises(ValidationError) as error:
        services.observation_create(by=alice, **_fields(observed_on=observed_on))
    assert "observed_on" in error.value.message_dict
    assert not Observation.objects.exists()


def test_a_user_without_client_work_cannot_record(police_officer):
    with pytest.raises(PermissionDenied):
        services.observation_create(by=police_officer, **_fields())


def test_only_the_author_or_a_coordinator_edits(alice, bob, carol, oscar):
    observation = services.observation_create(by=alice, **_fields())
    services.observation_update(by=carol, observation=observation, outcome_status="resolved", outcome="Uklizeno.")
    observation.refresh_from_db()
    assert observation.outcome_status == "resolved"
    for someone in (bob, oscar):
        with pytest.raises(PermissionDenied):
            services.observation_update(by=someone, observation=observation, outcome="x")


# -- scoping ----------------------------------------------------------------------------------


def test_staff_see_their_organisation_only(alice, carol, oscar):
    own = ObservationFactory(assistant=alice)
    foreign = ObservationFactory(assistant=oscar)
    assert list(visible_observations(alice)) == [own]
    assert list(visible_observations(carol)) == [own]
    assert list(visible_observations(oscar)) == [foreign]


def test_the_police_see_only_what_was_passed_to_them_in_their_region(alice, oscar, police_officer):
    passed = ObservationFactory(assistant=alice, passed_to=PassedTo.POLICE)
    passed_by_another = ObservationFactory(assistant=oscar, passed_to=PassedTo.POLICE)
    ObservationFactory(assistant=alice, passed_to=PassedTo.MUNICIPAL_POLICE)
    ObservationFactory(assistant=alice)  # passed to nobody
    ObservationFactory(assistant=alice, passed_to=PassedTo.POLICE, locality=a_locality("Praha"))
    assert set(visible_observations(police_officer)) == {passed, passed_by_another}
    prague_officer = UserFactory(organisation=police_directorate("CZ010"), role=Role.POLICE)
    assert visible_observations(prague_officer).count() == 1


def test_ministry_and_administrators_see_none(alice, ministry_analyst, administrator):
    ObservationFactory(assistant=alice, passed_to=PassedTo.POLICE)
    assert not visible_observations(ministry_analyst).exists()
    assert not visible_observations(administrator).exists()


# -- the police's reply ---------------------------------------------------------------------


def test_police_reply_is_refused_outside_their_sight(alice, police_officer):
    kept = ObservationFactory(assistant=alice, passed_to=PassedTo.MUNICIPAL_OFFICE)
    with pytest.raises(PermissionDenied):
        services.police_reply(by=police_officer, observation=kept, text="Prověříme.")
    passed = ObservationFactory(assistant=alice, passed_to=PassedTo.POLICE)
    with pytest.raises(PermissionDenied):
        services.police_reply(by=alice, observation=passed, text="Sama sobě.")
    with pytest.raises(ValidationError):
        services.police_reply(by=police_officer, observation=passed, text="   ")
    assert not PoliceReply.objects.exists()


def test_the_officer_replies_and_the_assistant_reads_it(client, alice, police_officer):
    observation = ObservationFactory(assistant=alice, passed_to=PassedTo.POLICE)
    client.force_login(police_officer)
    url = reverse("observations:police_detail", kwargs={"pk": observation.pk})
    assert client.post(url, {"text": ""}).status_code == 400
    response = client.post(url, {"text": "Hlídka místo prověří ve čtvrtek."})
    assert response.status_code == 302
    reply = PoliceReply.objects.get()
    assert (reply.observation, reply.author) == (observation, police_officer)
    client.force_login(alice)
    page = client.get(reverse("observations:detail", kwargs={"pk": observation.pk}))
    assert "Hlídka místo prověří ve čtvrtek." in page.content.decode()


def test_the_form_says_no_person_may_be_named(client, alice):
    client.force_login(alice)
    page = client.get(reverse("observations:create")).content.decode()
    assert 'id="no-person-warning"' in page


def test_the_form_records_an_observation(client, alice):
    client.force_login(alice)
    data = {**_fields(), "locality": a_locality().pk, "outcome_status": "pending", "outcome": ""}
    response = client.post(reverse("observations:create"), data)
    assert response.status_code == 302
    assert Observation.objects.get().passed_to == PassedTo.POLICE


# -- lists ------------------------------------------------------------------------------------


def test_list_filters(client, alice):
    client.force_login(alice)
    dumping = ObservationFactory(assistant=alice, kind=ObservationKind.ILLEGAL_DUMPING)
    usury = ObservationFactory(assistant=alice, kind=ObservationKind.USURY, passed_to=PassedTo.POLICE)
    old = ObservationFactory(assistant=alice, observed_on=timezone.localdate() - datetime.timedelta(days=40))
    url = reverse("observations:list")

    def shown(**params):
        return set(client.get(url, params).context["page"].object_list)

    assert shown(kind="usury") == {usury}
    assert shown(passed_to="police") == {usury}
    assert shown(date_to=(timezone.localdate() - datetime.timedelta(days=30)).isoformat()) == {old}
    assert shown(locality=a_locality().pk) == {dumping, usury, old}
    assert shown(locality=a_locality("Praha").pk) == set()


def test_an_empty_filter_choice_reads_all(client, alice):
    client.force_login(alice)
    page = client.get(reverse("observations:list")).content.decode()
    assert "---------" not in page
    assert page.count('<option value="" selected>Vše</option>') == 3  # locality, type, passed to


def test_the_police_list_offers_no_passed_to_filter(client, police_officer):
    client.force_login(police_officer)
    page = client.get(reverse("observations:police_list")).content.decode()
    assert 'id="id_kind"' in page and 'id="id_passed_to"' not in page


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


@pytest.mark.parametrize(("who", "url_name"), [("alice", "observations:list"), ("police", "observations:police_list")])
def test_list_query_count_is_pinned(client, alice, police_officer, who, url_name):
    client.force_login(alice if who == "alice" else police_officer)
    ContentType.objects.get_for_model(Observation)  # cached per process once any page audited one
    ObservationFactory.create_batch(2, assistant=alice, passed_to=PassedTo.POLICE)
    small, _ = _count_queries(client, reverse(url_name))
    ObservationFactory.create_batch(20, assistant=alice, passed_to=PassedTo.POLICE)
    large, ctx = _count_queries(client, reverse(url_name))
    # session, user with the organisation (scoping; the police's directorate), second-factor
    # device, rows with assistant, organisation and locality and the list's count, audit INSERT,
    # locality choices. (The session's expiry is renewed at most once a minute.)
    assert small == large == 6, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_detail_query_count_does_not_grow_with_replies(client, alice, police_officer):
    observation = ObservationFactory(assistant=alice, passed_to=PassedTo.POLICE)
    client.force_login(alice)
    url = reverse("observations:detail", kwargs={"pk": observation.pk})
    services.police_reply(by=police_officer, observation=observation, text="První.")
    small, _ = _count_queries(client, url)
    for n in range(5):
        services.police_reply(by=police_officer, observation=observation, text=f"Další {n}.")
    large, ctx = _count_queries(client, url)
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


# -- demo data --------------------------------------------------------------------------------


def test_demo_has_observations_and_the_police_of_the_region_answered_some(db, settings, tmp_path):
    from django.core.management import call_command

    from accounts.models import User

    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", password="demo-heslo-123")
    officer = User.objects.get(username="policie.jmk")
    theirs = visible_observations(officer)
    assert theirs.exists()
    assert PoliceReply.objects.filter(observation__in=theirs, author=officer).exists()
    assert Observation.objects.exclude(passed_to=PassedTo.POLICE).exists()
    count = Observation.objects.count()
    call_command("seed_demo", password="demo-heslo-123")
    assert Observation.objects.count() == count


# -- history of changes ---------------------------------------------------------------------


def test_observations_and_replies_have_a_history_with_ciphertext_only(alice, police_officer):
    from audit.actor import acting_as
    from audit.models import HistoryEntry

    with acting_as(alice.pk):
        observation = services.observation_create(by=alice, **_fields())
    with acting_as(police_officer.pk):
        reply = services.police_reply(by=police_officer, observation=observation, text="Prověříme hlídkou.")
    for obj, column, plain in ((observation, "description", "stříkačky"), (reply, "text", "Prověříme")):
        [inserted] = HistoryEntry.objects.filter(table_name=obj._meta.db_table, row_pk=str(obj.pk))
        values = inserted.new_values or {}
        assert inserted.operation == "INSERT"
        assert values[column].startswith("enc1:") and plain not in str(values)
    assert HistoryEntry.objects.get(table_name="observations_policereply").actor_id == police_officer.pk
