"""Password reset tells nobody which addresses have an account: the same work and answer for
every address, the mail made and sent by a task, and a limit per address and per account."""

import logging

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts import password_reset, tasks
from liaison.cache import TolerantRedisCache

RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")


@pytest.fixture
def queued(monkeypatch):
    """The values of every queued reset task, instead of the broker."""
    calls: list[dict] = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", lambda **values: calls.append(values))
    return calls


@pytest.fixture
def alice_with_email(alice):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])
    return alice


def _ask(client, email: str, callbacks_capture):
    with callbacks_capture(execute=True):
        return client.post(RESET, {"email": email})


def test_known_and_unknown_addresses_take_the_same_path(
    client, alice_with_email, queued, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as known_queries:
        known = _ask(client, "alice@example.org", django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = _ask(client, "nobody@example.org", django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == DONE
    # No mail from the request itself: the task makes it, queued for both addresses.
    assert mail.outbox == []
    assert [call["user_ids"] for call in queued] == [[alice_with_email.pk], []]
    assert len(known_queries) == len(unknown_queries)


def test_the_task_mails_a_working_link_in_the_visitors_language(
    client, alice_with_email, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = _ask(client, "alice@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Nové heslo do aplikace Liaison"
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    assert link.startswith("http://testserver/accounts/password/reset/")
    form = client.get(link.split("testserver", 1)[1], follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()


def test_an_account_deactivated_before_the_task_runs_gets_no_mail(alice_with_email):
    alice_with_email.is_active = False
    alice_with_email.save(update_fields=["is_active"])
    sent = password_reset.send_reset_mails(
        user_ids=[alice_with_email.pk], domain="liaison.example.org", use_https=True, language="cs"
    )
    assert sent == 0 and mail.outbox == []


def test_limit_per_address(client, alice_with_email, queued, settings, caplog, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_LIMIT = 3
    caplog.set_level(logging.WARNING, logger="accounts.password_reset")
    answers = [_ask(client, "alice@example.org", django_capture_on_commit_callbacks) for _ in range(4)]
    # The visitor sees the same page every time; the fourth request mails nothing.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, DONE)}
    assert [call["user_ids"] for call in queued] == [[alice_with_email.pk]] * 3 + [[]]
    assert "too many requests for one address" in caplog.text
    assert "alice@example.org" not in caplog.text
    # An unknown address is limited the same way.
    for _ in range(4):
        _ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert caplog.text.count("too many requests for one address") == 2


def test_limit_per_account(client, alice_with_email, queued, settings, caplog, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_LIMIT = 3
    caplog.set_level(logging.WARNING, logger="accounts.password_reset")
    # The same address in other capitals is another address, but the same account.
    for email in ["alice@example.org", "Alice@example.org", "ALICE@example.org", "alice@EXAMPLE.org"]:
        assert _ask(client, email, django_capture_on_commit_callbacks)["Location"] == DONE
    assert [call["user_ids"] for call in queued] == [[alice_with_email.pk]] * 3 + [[]]
    assert f"too many requests for account {alice_with_email.pk}" in caplog.text


def test_broker_down_still_answers_the_same_page(
    client, alice_with_email, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unavailable(**values):
        raise BrokerUnavailable("connection refused")

    monkeypatch.setattr(tasks.send_password_reset, "delay", unavailable)
    response = _ask(client, "alice@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == DONE
    assert "was not queued" in caplog.text


def test_a_counter_counts_as_the_first_while_redis_is_away():
    unreachable = TolerantRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert unreachable.incr("password-reset:account:1") == 1
