"""Quick entry of a contact: good input saves everything, bad input saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from contacts.models import Authority, Contact, Topic
from tests.factories import activity_rows, activity_type_of


def _post_data(activities=None, **overrides):
    # One activity of the whole duration unless the test gives the rows.
    duration = str(overrides.get("duration_minutes", "45"))
    minutes = int(duration) if duration.isdigit() and int(duration) > 0 else 45
    organisation = Organisation.objects.get(name="DROM, romské středisko")
    data = {
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "authority": str(Authority.objects.get(name="Policie ČR").pk),
        "anonymous_persons": "0",
        "outcome": "Podáno trestní oznámení",
        **activity_rows(*(activities or [(activity_type_of(organisation), minutes)])),
    }
    data.update(overrides)
    return data


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


def test_contact_is_saved_with_clients_and_topics(logged_in, alice, own_client):
    topic = Topic.objects.first()
    assert topic is not None
    response = logged_in.post(reverse("contacts:create"), _post_data(clients=[own_client.pk], topics=[topic.pk]))
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:detail", args=[contact.pk])
    assert contact.assistant == alice
    assert contact.organisation == alice.organisation
    assert list(contact.clients.all()) == [own_client]
    assert list(contact.topics.all()) == [topic]


def test_anonymous_contact_without_clients(logged_in):
    response = logged_in.post(reverse("contacts:create"), _post_data(anonymous_persons="3"))
    assert response.status_code == 302
    assert Contact.objects.get().anonymous_persons == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occurred_at", "2999-01-01T10:00", "Datum a čas nemohou být v budoucnosti."),
        ("duration_minutes", "-5", "Délka musí být alespoň jedna minuta."),
        ("duration_minutes", "0", "Délka musí být alespoň jedna minuta."),
        ("duration_minutes", "2000", "Kontakt nemůže trvat déle než 24 hodin."),
        ("duration_minutes", "abc", "Zadejte celé číslo."),
        ("outcome", "x" * 501, "501"),
        ("occurred_at", "not a date", "Zadejte platné datum a čas."),
        ("activities-0-activity_type", "juggling", "Vyberte platnou možnost"),
        ("activities-0-minutes", "0", "Každý výkon trvá alespoň jednu minutu."),
        ("activities-0-work", "juggling", "Vyberte platnou možnost"),
    ],
)
def test_bad_input_rerenders_in_czech_and_saves_nothing(logged_in, field, value, message):
    response = logged_in.post(reverse("contacts:create"), _post_data(**{field: value}), HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Contact.objects.count() == 0


def test_client_of_another_organisation_is_refused(logged_in, own_client, foreign_client):
    response = logged_in.post(reverse("contacts:create"), _post_data(clients=[own_client.pk, foreign_client.pk]))
    assert response.status_code == 200
    assert "není k dispozici" in response.content.decode()
    assert Contact.objects.count() == 0


def test_follow_up_before_contact_is_refused(logged_in):
    yesterday = timezone.localdate() - datetime.timedelta(days=5)
    response = logged_in.post(reverse("contacts:create"), _post_data(follow_up_on=yesterday.isoformat()))
    assert response.status_code == 200
    assert "Datum dalšího kroku nemůže být před kontaktem." in response.content.decode()
    assert Contact.objects.count() == 0


def test_error_is_in_english_for_english_users(logged_in):
    logged_in.cookies["django_language"] = "en"
    response = logged_in.post(reverse("contacts:create"), _post_data(duration_minutes="-1"))
    assert "The duration must be at least one minute." in response.content.decode()


def test_save_and_new_returns_to_empty_form(logged_in):
    response = logged_in.post(reverse("contacts:create"), _post_data(save_and_new="1", anonymous_persons="1"))
    contact = Contact.objects.get()
    assert response["Location"] == f"{reverse('contacts:create')}?after={contact.pk}"


def test_author_edits_own_contact(logged_in, own_contact, own_client):
    data = _post_data(clients=[own_client.pk], duration_minutes="90")
    response = logged_in.post(reverse("contacts:edit", args=[own_contact.pk]), data)
    assert response.status_code == 302
    own_contact.refresh_from_db()
    assert own_contact.duration_minutes == 90


def test_colleague_cannot_post_edit(client, bob, own_contact, own_client):
    client.force_login(bob)
    response = client.post(reverse("contacts:edit", args=[own_contact.pk]), _post_data(duration_minutes="90"))
    assert response.status_code == 403
    own_contact.refresh_from_db()
    assert own_contact.duration_minutes == 30


def test_contact_list_filters(logged_in, alice, bob):
    from tests.factories import ContactFactory

    police = Authority.objects.get(name="Policie ČR")
    labour = Authority.objects.get(name="Úřad práce")
    old = ContactFactory(assistant=alice, authority=police, occurred_at=timezone.now() - datetime.timedelta(days=40))
    recent = ContactFactory(assistant=bob, authority=labour, activities__category="phone")
    url = reverse("contacts:list")

    def shown(params):
        body = logged_in.get(url, params).content.decode()
        return {c.pk for c in (old, recent) if reverse("contacts:detail", args=[c.pk]) in body}

    assert shown({}) == {old.pk, recent.pk}
    assert shown({"authority": labour.pk}) == {recent.pk}
    assert shown({"assistant": alice.pk}) == {old.pk}
    assert shown({"activity_type": activity_type_of(alice.organisation, "phone").pk}) == {recent.pk}
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert shown({"date_from": since}) == {recent.pk}
    assert shown({"date_to": since}) == {old.pk}


def test_two_activities_are_saved_with_their_minutes_and_kind_of_work(logged_in, alice, own_client):
    accompaniment = activity_type_of(alice.organisation)
    advocacy = activity_type_of(alice.organisation, "advocacy")
    data = _post_data(
        activities=[(accompaniment, 30), (advocacy, 15, "on_behalf")], duration_minutes="45", clients=[own_client.pk]
    )
    response = logged_in.post(reverse("contacts:create"), data)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert [(a.activity_type, a.minutes, a.work) for a in contact.activities.order_by("id")] == [
        (accompaniment, 30, "direct"),
        (advocacy, 15, "on_behalf"),
    ]
    detail = logged_in.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Asistence / doprovod" in detail
    assert "Jednání v zájmu klienta" in detail


def test_minutes_that_do_not_add_up_to_the_duration_are_refused_in_czech(logged_in, alice, own_client):
    rows = [(activity_type_of(alice.organisation), 30), (activity_type_of(alice.organisation, "phone"), 10)]
    response = logged_in.post(
        reverse("contacts:create"),
        _post_data(activities=rows, duration_minutes="45", clients=[own_client.pk]),
        HTTP_ACCEPT_LANGUAGE="cs",
    )
    assert response.status_code == 200
    assert "Minuty výkonů dávají dohromady 40 min, ale délka je 45 min. Srovnejte je." in response.content.decode()
    assert Contact.objects.count() == 0


def test_an_activity_type_of_another_organisation_or_switched_off_is_refused(logged_in, alice, oscar, own_client):
    foreign = activity_type_of(oscar.organisation)
    response = logged_in.post(
        reverse("contacts:create"), _post_data(activities=[(foreign, 45)], clients=[own_client.pk])
    )
    assert response.status_code == 200
    assert Contact.objects.count() == 0
    switched_off = activity_type_of(alice.organisation, "phone")
    switched_off.is_active = False
    switched_off.save(update_fields=["is_active"])
    response = logged_in.post(
        reverse("contacts:create"), _post_data(activities=[(switched_off, 45)], clients=[own_client.pk])
    )
    assert response.status_code == 200
    assert Contact.objects.count() == 0


def test_work_without_a_client_needs_nobody_present(logged_in, alice):
    monitoring = activity_type_of(alice.organisation, "monitoring")
    response = logged_in.post(reverse("contacts:create"), _post_data(activities=[(monitoring, 45)], authority=""))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.authority is None
    assert contact.activities.get().activity_type == monitoring
    # Other work with nobody present is refused, also beside work without a client.
    rows = [(monitoring, 30), (activity_type_of(alice.organisation), 15)]
    response = logged_in.post(reverse("contacts:create"), _post_data(activities=rows), HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 200
    assert Contact.objects.count() == 1


def test_the_form_offers_one_activity_and_says_how_to_add_another(logged_in):
    body = logged_in.get(reverse("contacts:create"), HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert 'name="activities-TOTAL_FORMS" value="1"' in body
    assert 'name="activities-0-activity_type"' in body
    assert "Alt+A" in body
    assert 'aria-keyshortcuts="Alt+A"' in body
    # One service and no project: neither is asked for.
    assert 'name="service"' not in body
    assert 'name="project"' not in body


def test_service_and_project_are_chosen_when_the_organisation_has_several(logged_in, alice, own_client):
    from programmes.models import Funder, Project
    from programmes.services import service_create, starting_service

    first = starting_service(alice.organisation)
    second = service_create(organisation=alice.organisation, name="Odborné poradenství", kind="social_counselling")
    funder = Funder.objects.create(name="Město Brno", kind="other")
    today = timezone.localdate()
    running = Project.objects.create(
        organisation=alice.organisation,
        name="Prevence 2026",
        funder=funder,
        starts_on=today - datetime.timedelta(days=30),
    )
    ended = Project.objects.create(
        organisation=alice.organisation,
        name="Prevence 2020",
        funder=funder,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
    )
    body = logged_in.get(reverse("contacts:create")).content.decode()
    assert 'name="service"' in body
    assert 'name="project"' in body
    assert f'data-service="{second.pk}"' in body
    rows = [(second.activity_types.get(category="consultation"), 45)]
    data = _post_data(activities=rows, service=str(second.pk), project=str(running.pk), clients=[own_client.pk])
    assert logged_in.post(reverse("contacts:create"), data).status_code == 302
    contact = Contact.objects.get()
    assert (contact.service, contact.project) == (second, running)
    # A type of another service than the one chosen, a project not running on the day: refused.
    rows = [(first.activity_types.get(category="consultation"), 45)]
    data = _post_data(activities=rows, service=str(second.pk), clients=[own_client.pk])
    assert logged_in.post(reverse("contacts:create"), data).status_code == 200
    data = _post_data(service=str(first.pk), project=str(ended.pk), clients=[own_client.pk])
    response = logged_in.post(reverse("contacts:create"), data, HTTP_ACCEPT_LANGUAGE="cs")
    assert "v den kontaktu neběží" in response.content.decode()
    assert Contact.objects.count() == 1


def test_editing_replaces_the_activities(logged_in, alice, own_contact, own_client):
    phone = activity_type_of(alice.organisation, "phone")
    form = logged_in.get(reverse("contacts:edit", args=[own_contact.pk])).content.decode()
    assert 'name="activities-TOTAL_FORMS" value="1"' in form
    data = _post_data(
        activities=[(phone, 20), (activity_type_of(alice.organisation), 40)],
        clients=[own_client.pk],
        duration_minutes="60",
    )
    assert logged_in.post(reverse("contacts:edit", args=[own_contact.pk]), data).status_code == 302
    assert sorted(own_contact.activities.values_list("minutes", flat=True)) == [20, 40]


def test_log_another_starts_where_the_last_contact_of_an_earlier_day_ended(logged_in, own_contact):
    """ "Log another contact" (?after=): the same day and service; a contact of today: now."""
    started = timezone.localtime() - datetime.timedelta(days=2)
    own_contact.occurred_at = started.replace(hour=9, minute=0, second=0, microsecond=0)
    own_contact.save(update_fields=["occurred_at"])
    initial = logged_in.get(reverse("contacts:create"), {"after": own_contact.pk}).context["form"].initial
    assert timezone.localtime(initial["occurred_at"]) == own_contact.occurred_at + datetime.timedelta(
        minutes=own_contact.duration_minutes
    )
    assert initial["service"] == own_contact.service_id
    assert "clients" not in initial
    own_contact.occurred_at = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    own_contact.save(update_fields=["occurred_at"])
    initial = logged_in.get(reverse("contacts:create"), {"after": own_contact.pk}).context["form"].initial
    assert abs(initial["occurred_at"] - timezone.now()) < datetime.timedelta(minutes=2)


@pytest.mark.parametrize("after", ["foreign", "987654321", "99999999999999999999", "x"])
def test_log_another_takes_nothing_from_a_contact_out_of_reach(logged_in, foreign_contact, after):
    foreign_contact.occurred_at = timezone.now() - datetime.timedelta(days=3)
    foreign_contact.save(update_fields=["occurred_at"])
    after = str(foreign_contact.pk) if after == "foreign" else after
    response = logged_in.get(reverse("contacts:create"), {"after": after})
    assert response.status_code == 200
    assert timezone.localtime(response.context["form"].initial["occurred_at"]).date() == timezone.localdate()
