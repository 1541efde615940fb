"""The benchmark compares the contact export with PostgreSQL's bare COPY of the same rows: the COPY
query (bench/export_probe.py) must give exactly the rows of reports.exports.contacts_sheet, in the
CSV the export writes and in the values the other formats read."""

import csv
import datetime
import io

from django.db import connection
from django.utils import timezone, translation

from bench.export_probe import copy_sql
from clients.models import Client
from contacts.models import Topic
from contacts.selectors import visible_contacts
from reports.exports import contacts_sheet
from reports.models import ReportType
from reports.parameters import parse_parameters
from reports.tables import Report
from reports.writers import write_csv
from tests.factories import ClientFactory, ContactFactory, a_locality


def _normalise(row):
    row = ["" if value is None else str(value) for value in row]
    # Hours: 0.5 from Python, 0,5 in the export's CSV (a decimal comma), 0.50 from PostgreSQL.
    row[3] = f"{float(row[3].replace(',', '.')):.2f}"
    return row


def test_copy_gives_the_rows_of_the_reports_export(alice, bob, tmp_path):
    org = alice.organisation
    named = ClientFactory(organisation=org, created_by=alice, first_name="Žaneta", last_name="Horváthová")
    pseudonym = ClientFactory(
        organisation=org,
        created_by=alice,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Čiko",
        birth_year=1990,
    )
    anonymous = ClientFactory(organisation=org, created_by=alice, identity=Client.Identity.ANONYMOUS, last_name="")
    now = timezone.now().replace(second=0, microsecond=0)
    for i, clients in enumerate([[named, pseudonym], [anonymous], [], [named]]):
        contact = ContactFactory(
            assistant=alice if i % 2 else bob,
            clients=clients,
            occurred_at=now - datetime.timedelta(days=i, hours=i),
            duration_minutes=25 + i * 20,
            locality=a_locality() if i % 2 else None,
            outcome="Doprovod; „výslech“" if i == 1 else "",
        )
        contact.topics.set(Topic.objects.all()[: i % 3])
    today = timezone.localdate()
    params = parse_parameters(
        ReportType.CASE_CONTACT_EXPORT,
        {"start": (today - datetime.timedelta(days=30)).isoformat(), "end": today.isoformat(), "format": "csv"},
    )
    with translation.override("cs"):
        expected = [_normalise(row) for row in contacts_sheet(visible_contacts(alice), params).rows]
        sheet = contacts_sheet(visible_contacts(alice), params)
        write_csv(Report(title="t", subtitle="s", sheets=[sheet]), tmp_path / "export.csv")
    written = list(csv.reader(io.StringIO((tmp_path / "export.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    exported = [_normalise(row) for row in written[5:]]  # title, subtitle, blank, sheet title, header
    out = io.StringIO()
    with connection.cursor() as cursor, translation.override("cs"):
        sql = copy_sql(cursor, organisation=org.pk, start=params.start_datetime(), end=params.end_datetime_exclusive())
        cursor.copy_expert(sql, out)
    copied = [_normalise(row) for row in list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))[1:]]
    assert len(expected) == 4
    assert exported == expected
    assert copied == expected
