"""Local times on the nights the clocks change (Europe/Prague): the contact form takes a time that
happened twice with the occurrence chosen (the first, summer time, unless the second is asked
for), refuses a time that never happened with a clear Czech message, and the exports (CSV written
by PostgreSQL's COPY, XLSX; the person-level export has no PDF) write the UTC offset after an
ambiguous time, so that the two 02:30s of 26 October 2025 differ."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from common import local_time
from contacts.models import Contact
from reports.models import ReportType
from tests.factories import CaseFactory, ContactFactory
from tests.test_reports_numbers import file_bytes, make

UTC = datetime.UTC
AUTUMN_FIRST = datetime.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 summer time (+02:00)
AUTUMN_SECOND = datetime.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)  # 02:30 winter time (+01:00)
OCTOBER = {"start": "2025-10-01", "end": "2025-10-31", "breakdown": "contacts"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


# The wall clock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "kind"),
    [
        ("2025-10-26 02:30", local_time.AMBIGUOUS),
        ("2025-10-26 02:00", local_time.AMBIGUOUS),
        ("2025-10-26 03:00", local_time.NORMAL),
        ("2025-10-26 01:59", local_time.NORMAL),
        ("2026-03-29 02:30", local_time.NONEXISTENT),
        ("2026-03-29 03:00", local_time.NORMAL),
        ("2026-06-01 02:30", local_time.NORMAL),
    ],
)
def test_which_wall_times_happened_once_twice_or_never(wall, kind, settings):
    assert local_time.wall_time_kind(datetime.datetime.fromisoformat(wall)) == kind


def test_the_offset_is_written_only_where_the_time_is_ambiguous():
    assert local_time.local_text(AUTUMN_FIRST) == "2025-10-26 02:30 +02:00"
    assert local_time.local_text(AUTUMN_SECOND) == "2025-10-26 02:30 +01:00"
    assert local_time.local_text(datetime.datetime(2025, 10, 26, 2, 30, tzinfo=UTC)) == "2025-10-26 03:30"
    assert local_time.local_text(None) == ""


# The contact form -------------------------------------------------------------------------------


def _post_data(occurred_at: str, **extra) -> dict:
    from tests.test_contact_form import _post_data as contact_data

    return contact_data(occurred_at=occurred_at, anonymous_persons="1", outcome="Noční výjezd", **extra)


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


@pytest.mark.parametrize(
    ("occurrence", "stored"),
    [
        ({}, AUTUMN_FIRST),
        ({"occurred_at_occurrence": "first"}, AUTUMN_FIRST),
        ({"occurred_at_occurrence": "second"}, AUTUMN_SECOND),
    ],
)
def test_an_ambiguous_time_is_saved_as_the_chosen_occurrence(logged_in, occurrence, stored):
    response = logged_in.post(reverse("contacts:create"), _post_data("2025-10-26T02:30", **occurrence))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Contact.objects.get().occurred_at == stored


def test_a_time_that_never_happened_is_refused_in_czech(logged_in):
    response = logged_in.post(reverse("contacts:create"), _post_data("2026-03-29T02:30"))
    assert response.status_code == 200 and not Contact.objects.exists()
    body = response.content.decode()
    assert "V noci na 29. března 2026 se hodiny posunuly o hodinu dopředu, takže čas 2:30 ten den neexistoval." in body
    assert "(nejspíš 3:30)" in body


def _occurrence_group(body: str) -> str:
    match = re.search(r'<div class="local-time-occurrence[^"]*"[^>]*>', body)
    assert match, "No choice of occurrence in the form."
    return match.group(0)


def test_the_choice_is_hidden_for_an_ordinary_time(logged_in):
    body = logged_in.get(reverse("contacts:create")).content.decode()
    assert " hidden" in _occurrence_group(body)
    assert "Europe/Prague" in _occurrence_group(body)  # for the script that follows the typing


def test_the_edit_form_shows_the_occurrence_of_the_record(logged_in, alice):
    contact = ContactFactory(assistant=alice, occurred_at=AUTUMN_SECOND)
    body = logged_in.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert " hidden" not in _occurrence_group(body)
    assert 'value="2025-10-26T02:30"' in body
    assert re.search(r'<option value="second" selected>[^<]*UTC\+01:00', body)
    assert "Pokud nezvolíte jinak, platí první (letní čas)." in body
    # Saved again unchanged, it stays the second occurrence.
    data = _post_data("2025-10-26T02:30", occurred_at_occurrence="second")
    assert logged_in.post(reverse("contacts:edit", args=[contact.pk]), data).status_code == 302
    contact.refresh_from_db()
    assert contact.occurred_at == AUTUMN_SECOND


def test_a_refused_ambiguous_form_keeps_the_choice(logged_in):
    data = _post_data("2025-10-26T02:30", occurred_at_occurrence="second", duration_minutes="0")
    body = logged_in.post(reverse("contacts:create"), data).content.decode()
    assert " hidden" not in _occurrence_group(body)
    assert re.search(r'<option value="second" selected>', body)


# Exports ----------------------------------------------------------------------------------------


@pytest.fixture
def night_contacts(alice):
    first = ContactFactory(assistant=alice, occurred_at=AUTUMN_FIRST, outcome="první")
    second = ContactFactory(assistant=alice, occurred_at=AUTUMN_SECOND, outcome="druhý")
    ordinary = ContactFactory(assistant=alice, occurred_at=datetime.datetime(2025, 10, 20, 8, 0, tzinfo=UTC))
    return first, second, ordinary


def test_the_csv_export_tells_the_two_times_apart(carol, night_contacts, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "csv", django_capture_on_commit_callbacks, **OCTOBER)
    rows = list(csv.reader(io.StringIO(file_bytes(job).decode("utf-8-sig")), delimiter=";"))
    times = [row[1] for row in rows if len(row) > 5 and row[0].isdigit()]
    assert times == ["2025-10-20 10:00", "2025-10-26 02:30 +02:00", "2025-10-26 02:30 +01:00"]


def test_the_xlsx_export_tells_the_two_times_apart(carol, night_contacts, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "xlsx", django_capture_on_commit_callbacks, **OCTOBER)
    sheet = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))["Kontakty"]
    times = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert times == ["2025-10-20 10:00", "2025-10-26 02:30 +02:00", "2025-10-26 02:30 +01:00"]


def test_case_times_in_the_export_tell_them_apart_too(carol, alice, own_client, django_capture_on_commit_callbacks):
    from cases.models import Case

    case = CaseFactory(client=own_client, assistant=alice)
    Case.objects.filter(pk=case.pk).update(opened_at=AUTUMN_SECOND)
    job = make(
        carol,
        ReportType.CASE_CONTACT_EXPORT,
        "csv",
        django_capture_on_commit_callbacks,
        **{**OCTOBER, "breakdown": "cases"},
    )
    assert "2025-10-26 02:30 +01:00" in file_bytes(job).decode("utf-8-sig")


def test_the_api_keeps_the_offset_it_was_given(alice):
    from rest_framework.test import APIClient

    from tests.test_api import _contact_payload

    api = APIClient()
    api.force_authenticate(alice)
    for stamp in ("2025-10-26T02:30:00+02:00", "2025-10-26T02:30:00+01:00"):
        payload = _contact_payload(occurred_at=stamp, anonymous_persons=1, outcome="API")
        response = api.post("/api/v1/contacts/", payload, format="json")
        assert response.status_code == 201, response.json()
    assert sorted(Contact.objects.values_list("occurred_at", flat=True)) == [AUTUMN_FIRST, AUTUMN_SECOND]


# Group activities take their time the same way --------------------------------------------------


def test_a_group_activity_at_the_second_half_past_two(client, alice, own_client):
    from groupwork.models import GroupActivity
    from tests.test_groupwork import _form_data

    client.force_login(alice)
    data = _form_data(alice, [own_client], occurred_at="2025-10-26T02:30", occurred_at_occurrence="second")
    response = client.post(reverse("groupwork:create"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert GroupActivity.objects.get().occurred_at == AUTUMN_SECOND
    never = client.post(reverse("groupwork:create"), _form_data(alice, [own_client], occurred_at="2026-03-29T02:30"))
    assert never.status_code == 200 and "čas 2:30 ten den neexistoval" in never.content.decode()
    assert GroupActivity.objects.count() == 1
