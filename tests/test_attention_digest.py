"""The daily digest: opt-in per user, in the user's language, counts, first names and links only;
sent by Celery beat; each mail audited as a list read by the user it went to."""

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attention import digest, tasks
from audit.models import AuditAction, AuditEvent
from cases.models import Case
from contacts.models import Contact
from tests.factories import CaseFactory, ClientFactory, ContactFactory, TaskFactory

TODAY = timezone.localdate()


def _opted_in(user, language="cs", email="alice@example.cz"):
    user.daily_digest, user.language, user.email = True, language, email
    user.save(update_fields=["daily_digest", "language", "email"])
    return user


def _work_for(alice):
    marie = ClientFactory(
        organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková", phone="777123456"
    )
    contact = ContactFactory(assistant=alice, clients=[marie], occurred_at=timezone.now() - datetime.timedelta(days=3))
    contact.follow_up_on = TODAY - datetime.timedelta(days=1)
    contact.save(update_fields=["follow_up_on"])
    case = CaseFactory(client=marie, title="Lichva – Dušková")
    TaskFactory(case=case, title="Zavolat Duškové na 777123456", due_on=TODAY)
    return marie, contact, case


def test_only_users_who_opted_in_get_a_digest(alice, bob):
    _work_for(alice)
    bob.email = "bob@example.cz"
    bob.save(update_fields=["email"])
    _opted_in(alice)
    assert digest.send_digests() == 1
    assert [message.to for message in mail.outbox] == [["alice@example.cz"]]


def test_the_digest_names_first_names_and_links_and_nothing_else(alice, settings):
    settings.SITE_URL = "https://liaison.example.cz"
    marie, contact, case = _work_for(alice)
    _opted_in(alice)
    digest.send_digests()
    (message,) = mail.outbox
    body = message.body
    assert "Marie" in body
    assert f"https://liaison.example.cz{reverse('contacts:detail', args=[contact.pk])}" in body
    assert f"https://liaison.example.cz{reverse('cases:detail', args=[case.pk])}" in body
    # No last name, phone, task title, case title or authority.
    for secret in ("Dušková", "Duškové", "777123456", "Lichva", "Zavolat", "Policie ČR"):
        assert secret not in body and secret not in message.subject
    assert "Další kroky" in body and message.subject == "Liaison: 2 věci vyžadují vaši pozornost"


def test_the_digest_is_in_the_users_language(alice):
    _work_for(alice)
    _opted_in(alice, language="en")
    digest.send_digests()
    (message,) = mail.outbox
    assert message.subject == "Liaison: 2 things need your attention"
    assert "Follow-ups: overdue and in the next 14 days: 1" in message.body


def test_nothing_to_do_sends_nothing(alice):
    _opted_in(alice)
    assert digest.send_digests() == 0 and mail.outbox == []


def test_a_user_without_an_address_or_inactive_gets_none(alice, bob):
    _work_for(alice)
    _opted_in(alice, email="")
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    _opted_in(bob, email="bob@example.cz")
    assert digest.send_digests() == 0


def _model(event: AuditEvent):
    return ContentType.objects.get_for_id(event.content_type_id).model_class() if event.content_type_id else None


def test_each_digest_is_audited_as_list_reads_by_its_recipient(alice):
    marie, contact, case = _work_for(alice)
    _opted_in(alice)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    digest.send_digests()
    events = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    assert {(e.action, e.actor_id, _model(e), tuple(e.object_ids)) for e in events} == {
        (AuditAction.LIST, alice.pk, Contact, (contact.pk,)),
        (AuditAction.LIST, alice.pk, Case, (case.pk,)),
    }


def test_one_failing_mail_does_not_stop_the_others(alice, bob, monkeypatch):
    _work_for(alice)
    bob_client = ClientFactory(organisation=bob.organisation, created_by=bob, first_name="Karel")
    TaskFactory(case=CaseFactory(client=bob_client), due_on=TODAY)
    _opted_in(alice)
    _opted_in(bob, email="bob@example.cz")
    real = digest.send_digest

    def failing_for_alice(user):
        if user.pk == alice.pk:
            raise ConnectionError("mail server away")
        return real(user)

    monkeypatch.setattr(digest, "send_digest", failing_for_alice)
    assert digest.send_digests() == 1 and [m.to for m in mail.outbox] == [["bob@example.cz"]]


def test_celery_beat_sends_the_digest_every_morning(alice):
    entry = settings.CELERY_BEAT_SCHEDULE["attention-digest"]
    assert entry["task"] == tasks.send_daily_digests.name == "attention.tasks.send_daily_digests"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab) and repr(schedule).startswith("<crontab: 0 6 * * *")
    _work_for(alice)
    _opted_in(alice)
    assert tasks.send_daily_digests.apply().get() == 1


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_digest_can_be_switched_on_on_the_users_own_settings_page(client, alice, language):
    alice.email = "alice@example.cz"
    alice.save(update_fields=["email"])
    client.force_login(alice)
    response = client.post(
        reverse("attention:settings"),
        {"action": "digest", "digest-daily_digest": "on", "digest-language": language},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.daily_digest and alice.language == language


def test_the_digest_needs_an_email_address(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("attention:settings"), {"action": "digest", "digest-daily_digest": "on", "digest-language": "cs"}
    )
    assert response.status_code == 400
    assert "Váš účet nemá e-mailovou adresu" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.daily_digest
