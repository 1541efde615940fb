"""The benchmark compares the contact export with PostgreSQL's bare COPY of the same rows: the COPY
query (bench/export_probe.py) must give exactly the rows of reports.exports.contacts_sheet, in the
CSV the export writes and in the values the other formats read."""

import csv
import datetime
import io
import json

import openpyxl
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


def test_the_project_report_is_made_for_a_project_of_the_busiest_service(alice, carol, capsys, monkeypatch, tmp_path):
    from bench import export_probe
    from bench.common import Results
    from bench.exports import BENCH_PROJECT, prevention_project
    from contacts.models import Contact
    from groupwork.models import GroupActivity
    from programmes.models import Project, Service
    from programmes.vocabulary import FunderKind
    from tests.factories import GroupActivityFactory, OrganisationFactory, UserFactory

    org = alice.organisation
    contacts = [ContactFactory(assistant=alice) for _ in range(3)]
    group = GroupActivityFactory(author=alice)
    service = contacts[0].service
    other_service = Service.objects.create(organisation=org, name="Jiná služba", kind=service.kind)
    elsewhere = ContactFactory(assistant=alice, service=other_service, activities=[])
    stranger = ContactFactory(assistant=UserFactory(organisation=OrganisationFactory()))
    today = timezone.localdate()
    start = today.replace(year=today.year - 10) + datetime.timedelta(days=1)  # as the bench: ten years
    results = Results()

    project_id, counted = prevention_project(org, service.pk, start, results)
    # A second run (an already prepared database) finds the same project and attaches nothing twice.
    assert prevention_project(org, service.pk, start, results) == (project_id, 3)
    project = Project.objects.get(pk=project_id)
    assert counted == 3
    assert (project.name, project.funder.kind, project.starts_on) == (
        BENCH_PROJECT,
        FunderKind.MV_CRIME_PREVENTION,
        start,
    )
    assert list(project.services.all()) == [service]
    assert set(Contact.objects.filter(project=project)) == set(contacts)
    assert GroupActivity.objects.get(pk=group.pk).project_id == project_id
    elsewhere.refresh_from_db()
    stranger.refresh_from_db()
    assert elsewhere.project_id is None and stranger.project_id is None
    assert len(results.notes) == 1

    out = tmp_path / "project.xlsx"
    argv = ["export_probe", "project_xlsx", "--user", str(carol.pk), "--organisation", str(org.pk)]
    argv += ["--start", start.isoformat(), "--end", today.isoformat(), "--out", str(out), "--subject", str(project_id)]
    monkeypatch.setattr("sys.argv", argv)
    export_probe.main()
    measured = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert measured["kind"] == "project_xlsx"
    assert measured["bytes"] == out.stat().st_size > 0
    cells = {
        cell
        for sheet in openpyxl.load_workbook(out).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    }
    assert BENCH_PROJECT in cells
