"""The calendar feed: a secret per-user address (only its hash stored), reset from the user's
settings, RFC 5545 by hand (escaping, CRLF, folding), follow-ups and task deadlines with no
client names."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from attention import ics
from attention.services import calendar_owner, calendar_token_reset, token_hash
from attention.views import NEW_TOKEN_KEY
from tests.factories import CaseFactory, ClientFactory, ContactFactory, TaskFactory

TODAY = timezone.localdate()


# -- the writer -----------------------------------------------------------------------------------


def test_text_is_escaped():
    assert ics.escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "č" * 100  # two octets each
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line
    assert ics.fold("SHORT:x") == "SHORT:x"


def test_a_calendar_is_crlf_lines_with_all_day_events():
    stamp = datetime.datetime(2026, 12, 6, 19, 30, tzinfo=datetime.UTC)
    event = ics.Event("task-1@example.cz", datetime.date(2026, 12, 31), "Úkol – případ 7", "https://x.cz/cases/7/")
    body = ics.calendar(name="Liaison", events=[event], stamp=stamp)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")
    assert "DTSTART;VALUE=DATE:20261231" in lines and "DTEND;VALUE=DATE:20270101" in lines
    assert "DTSTAMP:20261206T193000Z" in lines and "UID:task-1@example.cz" in lines
    assert "SUMMARY:Úkol – případ 7" in lines and "URL;VALUE=URI:https://x.cz/cases/7/" in lines


# -- the feed -------------------------------------------------------------------------------------


def _records(alice):
    marie = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková")
    case = CaseFactory(client=marie, title="Lichva – Dušková")
    contact = ContactFactory(assistant=alice, clients=[marie], case=case)
    contact.follow_up_on = TODAY + datetime.timedelta(days=2)
    contact.save(update_fields=["follow_up_on"])
    task = TaskFactory(case=case, title="Zavolat Duškové", due_on=TODAY + datetime.timedelta(days=5))
    TaskFactory(case=case, done_at=timezone.now())  # done: not in the calendar
    return case, contact, task


def test_the_feed_needs_no_session_and_names_no_client(client, alice):
    case, contact, task = _records(alice)
    token = calendar_token_reset(user=alice)
    response = client.get(reverse("attention:calendar_feed", args=[token]))  # not signed in
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 2
    assert f"SUMMARY:Další krok – případ {case.pk}" in body and f"SUMMARY:Úkol – případ {case.pk}" in body
    assert f"http://testserver{reverse('cases:detail', args=[case.pk])}" in body
    assert f"DTSTART;VALUE=DATE:{task.due_on:%Y%m%d}" in body
    assert f"DTSTART;VALUE=DATE:{contact.follow_up_on:%Y%m%d}" in body
    for name in ("Marie", "Dušková", "Duškové", "Lichva", "Zavolat"):
        assert name not in body
    assert "no-store" in response["Cache-Control"]


def test_the_feed_speaks_the_users_language(client, alice):
    case, _contact, _task = _records(alice)
    alice.language = "en"
    alice.save(update_fields=["language"])
    body = client.get(reverse("attention:calendar_feed", args=[calendar_token_reset(user=alice)])).content.decode()
    assert f"SUMMARY:Task – case {case.pk}" in body and f"SUMMARY:Follow-up – case {case.pk}" in body


def test_only_a_hash_of_the_secret_is_stored_and_a_reset_ends_the_old_address(client, alice):
    old = calendar_token_reset(user=alice)
    alice.refresh_from_db()
    assert alice.calendar_token_hash == token_hash(old) and old not in str(User.objects.filter(pk=alice.pk).values())
    new = calendar_token_reset(user=alice)
    assert client.get(reverse("attention:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("attention:calendar_feed", args=[new])).status_code == 200


def test_a_deactivated_user_or_a_wrong_secret_gets_nothing(client, alice):
    token = calendar_token_reset(user=alice)
    assert calendar_owner("") is None and calendar_owner("x" * 200) is None
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get(reverse("attention:calendar_feed", args=[token])).status_code == 404


def test_the_address_is_made_and_shown_once_on_the_settings_page(client, alice):
    client.force_login(alice)
    page = client.get(reverse("attention:settings")).content.decode()
    assert "Vytvořit adresu kalendáře" in page
    response = client.post(reverse("attention:settings"), {"action": "calendar_reset"}, follow=True)
    feed_url = response.context["feed_url"]
    assert feed_url.startswith("http://testserver/attention/calendar/") and feed_url in response.content.decode()
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(feed_url).status_code == 200
    assert calendar_owner(token) == alice
    # Shown once: the next visit cannot show it again, nor does the session keep it.
    again = client.get(reverse("attention:settings"))
    assert again.context["feed_url"] == "" and token not in again.content.decode()
    assert NEW_TOKEN_KEY not in client.session
    # Switched off: the address answers 404.
    client.post(reverse("attention:settings"), {"action": "calendar_remove"})
    assert client.get(feed_url).status_code == 404


def test_the_police_have_no_calendar(client, police_officer):
    client.force_login(police_officer)
    assert "calendar_reset" not in client.get(reverse("attention:settings")).content.decode()
    assert client.post(reverse("attention:settings"), {"action": "calendar_reset"}).status_code == 403
