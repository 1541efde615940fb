"""Quick entry of a contact: good input saves everything, bad input saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Authority, Contact, FormOfWork, Topic


def _post_data(**overrides):
    data = {
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "authority": str(Authority.objects.get(name="Policie ČR").pk),
        "form_of_work": FormOfWork.ACCOMPANIMENT,
        "anonymous_persons": "0",
        "outcome": "Podáno trestní oznámení",
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
        ("form_of_work", "juggling", "Vyberte platnou možnost"),
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
    assert response["Location"] == reverse("contacts:create")


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
    recent = ContactFactory(assistant=bob, authority=labour, form_of_work=FormOfWork.PHONE)
    url = reverse("contacts:list")

    def shown(params):
        body = logged_in.get(url, params).content.decode()
        return {c.pk for c in (old, recent) if reverse("contacts:detail", args=[c.pk]) in body}

    assert shown({}) == {old.pk, recent.pk}
    assert shown({"authority": labour.pk}) == {recent.pk}
    assert shown({"assistant": alice.pk}) == {old.pk}
    assert shown({"form_of_work": FormOfWork.PHONE}) == {recent.pk}
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert shown({"date_from": since}) == {recent.pk}
    assert shown({"date_to": since}) == {old.pk}
