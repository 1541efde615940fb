"""The inactivity expiry is renewed at most once a minute: a page that comes sooner writes no
session row, and the time the page shows left is the stored one, never more."""

import datetime

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.session_store import RENEWAL_SECONDS, SessionStore


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_a_page_soon_after_the_last_renewal_writes_no_session(client, alice, settings):
    client.force_login(alice)
    client.get(reverse("home"))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30))
    before = _expiry(client)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("clients:list"))
    assert page.status_code == 200 and not _writes(queries)
    assert _expiry(client) == before
    # The countdown of the page starts from the stored expiry, not from a full half hour.
    left = page.context["session_seconds_left"]
    assert settings.SESSION_COOKIE_AGE - 32 <= left <= settings.SESSION_COOKIE_AGE - 30


def test_a_page_a_minute_after_the_last_renewal_renews_it(client, alice, settings):
    client.force_login(alice)
    client.get(reverse("home"))
    short = settings.SESSION_COOKIE_AGE - RENEWAL_SECONDS - 1
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=short))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("clients:list"))
    assert len(_writes(queries)) == 1
    assert _expiry(client) > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
    assert page.context["session_seconds_left"] == settings.SESSION_COOKIE_AGE


def test_a_changed_session_is_always_saved(alice, client):
    client.force_login(alice)
    key = client.session.session_key
    store = SessionStore(session_key=key)
    assert store.get("liaison_example") is None  # reads the row
    assert not store.expiry_renewal_due()  # just saved at sign-in
    store["liaison_example"] = 1
    store.save()
    assert SessionStore(session_key=key)["liaison_example"] == 1


def test_a_session_not_read_is_saved(alice, client):
    client.force_login(alice)
    store = SessionStore(session_key=client.session.session_key)
    assert store.stored_expiry is None and store.expiry_renewal_due()


def test_staying_signed_in_renews_the_expiry_even_within_the_minute(client, alice, settings):
    """ "Stay signed in" in the warning is the user's answer: it always starts the limit again."""
    client.force_login(alice)
    client.get(reverse("home"))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30))
    answer = client.post(reverse("accounts:session_keep_alive"))
    assert answer.json()["seconds_left"] == settings.SESSION_COOKIE_AGE
    assert _expiry(client) > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
