"""Retention: past the period, nothing of the person is left in any table or file; the
statistics (contacts, cases, dates, authorities, crime types) stay."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditAction, AuditEvent, HistoryEntry
from cases.models import Case
from clients.models import Client, Consent
from contacts.models import Contact
from gdpr import tasks
from gdpr.models import Anonymisation
from gdpr.retention import clients_due
from tests.factories import CaseFactory, ClientFactory, ConsentFactory, ContactFactory

MARK = "zqxmark"
YEARS = 365 * 24 * 60 * 60


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def tables_containing(text: str) -> list[str]:
    """Every text, varchar and JSON column of every table, searched for `text`."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
              AND table_name IN (SELECT table_name FROM information_schema.tables
                                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
            """
        )
        for table, column in cursor.fetchall():
            quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            sql = f"SELECT count(*) FROM {quoted_table} WHERE {quoted_column}::text ILIKE %s"  # noqa: S608 - quoted names
            cursor.execute(sql, [f"%{text}%"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _a_person_with_everything(alice):
    client = ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        first_name=f"Josef{MARK}",
        last_name=f"Dvořák{MARK}",
        nickname=f"Pepa{MARK}",
        birth_year=1980,
        phone="+420 777 000 111",
        email=f"{MARK}@example.org",
        address=f"Vesnická {MARK} 13",
        note=f"Poznámka {MARK}",
    )
    consent = ConsentFactory(client=client, purpose=Consent.Purpose.POLICE_SHARING, note=f"souhlas {MARK}")
    contact = ContactFactory(assistant=alice, clients=[client], note=f"kontakt {MARK}", outcome=f"výsledek {MARK}")
    case = CaseFactory(client=client, title=f"Lichva {MARK}", outcome=f"závěr {MARK}", police_reference=f"KRPB-{MARK}")
    # An edit after creation: the history then holds old values too.
    client.last_name = f"Dvořáková{MARK}"
    client.save()
    Client.objects.filter(pk=client.pk).update(created_at=ago(5 * 365))
    Contact.objects.filter(pk=contact.pk).update(occurred_at=ago(4 * 365))
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=ago(6 * 365))
    return client, consent, contact, case


def _case_documents(case, alice):
    """A note and an uploaded document, where the cases app has them."""
    try:
        note_model = apps.get_model("cases", "CaseNote")
        attachment_model = apps.get_model("cases", "Attachment")
        from cases import attachments
    except (LookupError, ImportError):
        return None
    note_model.objects.create(case=case, author=alice, text=f"poznámka k případu {MARK}")
    stored_name = attachments.new_stored_name()
    attachments.write_encrypted(stored_name, b"%PDF-1.4 " + MARK.encode())
    attachment_model.objects.create(
        case=case,
        original_name=f"{MARK}.pdf",
        stored_name=stored_name,
        content_type="application/pdf",
        size=20,
        description=f"popis {MARK}",
        uploaded_by=alice,
    )
    return attachments.storage_dir() / stored_name


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def test_retention_leaves_nothing_of_the_person_and_keeps_the_statistics(
    alice, private_media, django_capture_on_commit_callbacks
):
    client, consent, contact, case = _a_person_with_everything(alice)
    stored_file = _case_documents(case, alice)
    crime_types_before = list(case.crime_types.values_list("pk", flat=True))
    assert tables_containing(MARK), "the test data must be findable before"

    with django_capture_on_commit_callbacks(execute=True):  # the stored file goes after the commit
        result = tasks.apply_retention.apply().get()

    assert result == {"clients": 1, "cases": 0}
    assert tables_containing(MARK) == []
    assert tables_containing("777 000 111") == []
    if stored_file is not None:
        assert not stored_file.exists()
    client.refresh_from_db()
    assert client.identity == Client.Identity.ANONYMOUS and client.note == "" and client.birth_year is None
    # Encrypted columns hide the marker from the search above, so check them through the ORM.
    assert Contact.objects.get(pk=contact.pk).note == ""
    if stored_file is not None:
        assert all(text == "—" for text in apps.get_model("cases", "CaseNote").objects.values_list("text", flat=True))
    # No history row of the touched rows keeps a value (ciphertext included).
    for model, pk in ((Client, client.pk), (Contact, contact.pk), (Case, case.pk), (Consent, consent.pk)):
        for entry in HistoryEntry.objects.filter(table_name=model._meta.db_table, row_pk=str(pk)):
            values = [*(entry.old_values or {}).values(), *(entry.new_values or {}).values()]
            assert all(value is None for value in values), (model, entry.operation)
    # The statistics stay.
    contact = Contact.objects.get(pk=contact.pk)
    assert (
        list(contact.clients.all()) == [client]
        and contact.authority is not None
        and contact.authority.name == "Policie ČR"
    )
    assert contact.duration_minutes == 30
    case = Case.objects.get(pk=case.pk)
    assert case.client_id == client.pk and case.status == "closed"
    assert list(case.crime_types.values_list("pk", flat=True)) == crime_types_before
    assert Consent.objects.get(pk=consent.pk).purpose == Consent.Purpose.POLICE_SHARING
    assert Anonymisation.objects.get(client=client).kind == Anonymisation.Kind.RETENTION
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION, object_id=str(client.pk)).exists()
    # Idempotent: a second run has nothing to do.
    assert tasks.apply_retention.apply().get() == {"clients": 0, "cases": 0}


def test_recent_contact_or_open_case_keeps_the_client(alice):
    recent = ClientFactory(organisation=alice.organisation, created_by=alice)
    ContactFactory(assistant=alice, clients=[recent], occurred_at=ago(30))
    with_open_case = ClientFactory(organisation=alice.organisation, created_by=alice)
    CaseFactory(client=with_open_case)
    old_without_anything = ClientFactory(organisation=alice.organisation, created_by=alice)
    Client.objects.update(created_at=ago(5 * 365))
    assert list(clients_due()) == [old_without_anything]


@override_settings(GDPR_RETENTION_YEARS_AFTER_LAST_CONTACT=10, GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED=2)
def test_periods_come_from_settings_and_a_closed_case_is_anonymised_alone(alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Josef")
    ContactFactory(assistant=alice, clients=[client], occurred_at=ago(60))
    case = CaseFactory(client=client, title=f"Případ {MARK}")
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=ago(3 * 365))
    Client.objects.filter(pk=client.pk).update(created_at=ago(5 * 365))

    assert tasks.apply_retention() == {"clients": 0, "cases": 1}
    case.refresh_from_db()
    client.refresh_from_db()
    assert case.title == "—" and client.first_name == "Josef"
    assert Anonymisation.objects.get(case=case).kind == Anonymisation.Kind.RETENTION


def test_retention_runs_daily_from_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["gdpr-retention"]
    assert entry["task"] == tasks.apply_retention.name
