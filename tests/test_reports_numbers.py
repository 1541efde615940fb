"""Exact numbers of every report on a known set of records (March 2026).

Drom (Brno, Jihomoravský kraj): Alice 7 accompaniments of 60 min with Josef, 1 consultation of
30 min with 3 anonymous persons, and one contact in February (outside the period); Bob 2
mediations of 90 min with the pseudonymous "Kudrna". The other organisation (Ostrava,
Moravskoslezský kraj): Oscar 6 accompaniments of 45 min with a third client. Cases opened in
March: Alice one (usury, new), Bob one (extortion, closed), Oscar one (usury, new).
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest

from accounts.roles import Role
from cases.models import Case, CaseStatus, CrimeType
from clients.models import Client
from contacts.models import Authority, Contact
from reports import jobs, selectors, services, storage
from reports.disclosure import cell_key, perturb
from reports.models import JobState, ReportJob, ReportType
from reports.parameters import parse_parameters
from reports.statistics import national_statistics
from tests.factories import CaseFactory, ClientFactory, ContactFactory, UserFactory, a_locality

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all"}


def at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def march(alice, bob, oscar):
    brno, ostrava = a_locality("Brno"), a_locality("Ostrava")
    josef = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Josef", locality=brno)
    kudrna = ClientFactory(
        organisation=alice.organisation,
        created_by=bob,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Kudrna",
        birth_year=1990,
        locality=brno,
    )
    ostrava_client = ClientFactory(organisation=oscar.organisation, created_by=oscar, locality=ostrava)
    for day in range(1, 8):
        ContactFactory(assistant=alice, occurred_at=at(day), duration_minutes=60, locality=brno, clients=[josef])
    ContactFactory(
        assistant=alice,
        occurred_at=at(9),
        duration_minutes=30,
        locality=brno,
        anonymous_persons=3,
        activities__category="consultation",
        authority=Authority.objects.get(name="Úřad práce"),
    )
    ContactFactory(assistant=alice, occurred_at=at(20, month=2), duration_minutes=60, locality=brno, clients=[josef])
    for day in (10, 11):
        ContactFactory(
            assistant=bob,
            occurred_at=at(day),
            duration_minutes=90,
            locality=brno,
            activities__category="mediation",
            clients=[kudrna, josef] if day == 11 else [kudrna],  # two clients: still one contact
        )
    for day in range(1, 7):
        ContactFactory(
            assistant=oscar, occurred_at=at(day), duration_minutes=45, locality=ostrava, clients=[ostrava_client]
        )
    usury, extortion = CrimeType.objects.get(section="§218"), CrimeType.objects.get(section="§175")
    cases = [
        CaseFactory(client=josef, assistant=alice, crime_types=[usury]),
        CaseFactory(client=kudrna, assistant=bob, crime_types=[extortion], status=CaseStatus.CLOSED),
        CaseFactory(client=ostrava_client, assistant=oscar, crime_types=[usury], region=ostrava.municipality.region),
    ]
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(opened_at=at(5))
    Case.objects.filter(pk=cases[1].pk).update(closed_at=at(25))
    return {"josef": josef, "kudrna": kudrna, "ostrava_client": ostrava_client, "cases": cases}


def make(user, report_type, file_format, django_capture_on_commit_callbacks, **overrides) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.report_job_request(
            by=user, report_type=report_type, raw_parameters={**MARCH, "format": file_format, **overrides}
        )
    assert len(callbacks) == 1  # the task is queued only after the commit
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    return job


def file_bytes(job: ReportJob) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


def csv_sections(job: ReportJob) -> dict[str, list[list[str]]]:
    """CSV sections by title: the rows between a title line and the next blank line."""
    raw = file_bytes(job)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in rows[2:]:
        if not row:
            current = None
        elif current is None:
            current = row[0]
            sections[current] = []
        else:
            sections[current].append(row)
    return sections


def table(section: list[list[str]]) -> dict[str, dict[str, str]]:
    header = section[0]
    return {row[0]: dict(zip(header[1:], row[1:], strict=False)) for row in section[1:] if len(row) > 1}


def true_sections(threshold: int | None, **overrides) -> dict[str, dict[str, dict[str, str]]]:
    """The national tables before the cell-key perturbation, as `table` gives them from a CSV;
    never shown to anyone: what the published numbers are checked against."""
    params = parse_parameters(ReportType.NATIONAL_STATISTICS, {**MARCH, "format": "csv", **overrides})
    sheets = national_statistics(
        contacts=selectors.national_contacts(),
        clients=selectors.national_clients(),
        cases=selectors.national_cases(),
        referrals=selectors.national_referrals(),
        params=params,
        threshold=threshold,
        protect=False,
    )
    return {
        sheet.title: table(
            [[str(h) for h in sheet.header]]
            + [["*" if cell is None else str(cell) for cell in row] for row in sheet.rows]
        )
        for sheet in sheets
    }


def published(count: int, records) -> str:
    """What a cell counting `records` (a queryset with a record key) shows: its count perturbed."""
    return str(perturb(count, cell_key(*records.values_list("record_key", flat=True))))


def test_national_statistics_exact_numbers(ministry_analyst, march):
    sections = true_sections(threshold=5)

    by_month = sections["Kontakty podle měsíce a kraje"]
    assert by_month["březen 2026"]["Jihomoravský kraj"] == "10"
    assert by_month["březen 2026"]["Moravskoslezský kraj"] == "6"
    assert by_month["březen 2026"]["Plzeňský kraj"] == "0"
    assert by_month["březen 2026"]["Celkem"] == "16"
    assert list(by_month) == ["březen 2026", "Celkem"]

    by_form = sections["Kontakty podle obce a kategorie výkonu"]
    brno = by_form["Jihomoravský kraj – Brno"]
    assert brno["Asistence / doprovod"] == "7"
    assert brno["Konzultace"] == "*" and brno["Zprostředkování"] == "*"  # 1 and 2: suppressed
    assert brno["Celkem"] == "10"
    assert by_form["Moravskoslezský kraj – Ostrava"]["Asistence / doprovod"] == "6"
    assert by_form["Celkem"]["Asistence / doprovod"] == "13"
    assert by_form["Celkem"]["Konzultace"] == "*" and by_form["Celkem"]["Celkem"] == "16"

    # Three distinct clients in March: each region's single client is a small count.
    clients = sections["Podpoření klienti podle kraje"]
    assert clients["Celkem"]["Celkem"] == "*"  # 3 < 5
    assert clients["Jihomoravský kraj"]["Celkem"] == "*"
    anonymous = sections["Anonymní osoby při kontaktech podle kraje"]
    assert anonymous["Jihomoravský kraj"]["Anonymní osoby"] == "*"  # 3 persons

    cases = sections["Případy podle kraje a stavu"]
    assert cases["Celkem"]["Celkem"] == "*"  # 3 cases nationally: all small


def test_national_statistics_file_shows_the_perturbed_numbers(
    ministry_analyst, march, django_capture_on_commit_callbacks
):
    """The file: the same cells suppressed, each shown one its count perturbed by its records' keys."""
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "csv", django_capture_on_commit_callbacks)
    sections = csv_sections(job)
    in_march = Contact.objects.filter(occurred_at__gte=at(1), occurred_at__lt=at(1, month=4))
    brno, ostrava = (
        in_march.filter(organisation=march["josef"].organisation),
        in_march.exclude(organisation=march["josef"].organisation),
    )

    by_month = table(sections["Kontakty podle měsíce a kraje"])
    assert by_month["březen 2026"]["Jihomoravský kraj"] == published(10, brno)
    assert by_month["březen 2026"]["Moravskoslezský kraj"] == published(6, ostrava)
    assert by_month["březen 2026"]["Plzeňský kraj"] == "0"
    assert by_month["březen 2026"]["Celkem"] == published(16, in_march)
    by_form = table(sections["Kontakty podle obce a kategorie výkonu"])
    accompanied = brno.filter(activities__activity_type__category="accompaniment")
    assert by_form["Jihomoravský kraj – Brno"]["Asistence / doprovod"] == published(7, accompanied)
    assert by_form["Jihomoravský kraj – Brno"]["Konzultace"] == "*"
    # The same records give the same number in another table.
    assert by_form["Celkem"]["Celkem"] == by_month["Celkem"]["Celkem"] == published(16, in_march)
    assert table(sections["Podpoření klienti podle kraje"])["Celkem"]["Celkem"] == "*"
    assert all(int(value) % 5 == 0 for row in by_form.values() for value in row.values() if value.isdigit())
    assert any("zaokrouhleny na násobky 5" in line for line in sections["Kontakty podle obce a kategorie výkonu"][-1])


def test_national_statistics_unsuppressed_numbers(ministry_analyst, march):
    """Without suppression or perturbation: the raw counts of the fixture."""
    sections = true_sections(threshold=None)
    clients = sections["Podpoření klienti podle kraje"]
    assert clients["Jihomoravský kraj"]["Osoba se jménem"] == "1"
    assert clients["Jihomoravský kraj"]["Pseudonym (přezdívka a rok narození)"] == "1"
    assert clients["Moravskoslezský kraj"]["Celkem"] == "1"
    assert clients["Celkem"]["Celkem"] == "3"
    assert sections["Anonymní osoby při kontaktech podle kraje"]["Celkem"]["Celkem"] == "3"
    crimes = sections["Případy podle trestného činu a stavu"]
    assert crimes["Lichva (§218)"]["Nový"] == "2"
    assert crimes["Vydírání (§175)"]["Uzavřený"] == "1"
    assert crimes["Celkem"]["Celkem"] == "3"
    by_region = sections["Případy podle kraje a stavu"]
    assert by_region["Jihomoravský kraj"]["Celkem"] == "2"
    by_authority = sections["Kontakty podle obce a úřadu"]
    assert by_authority["Jihomoravský kraj – Brno"]["Úřad práce"] == "1"
    assert by_authority["Jihomoravský kraj – Brno"]["Policie ČR"] == "9"


def test_with_the_threshold_at_1_the_file_still_shows_no_small_count(
    ministry_analyst, march, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_SUPPRESSION_THRESHOLD = 1
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "csv", django_capture_on_commit_callbacks)
    clients = table(csv_sections(job)["Podpoření klienti podle kraje"])
    assert clients["Celkem"]["Celkem"] == published(3, Client.objects.all())
    assert {value for row in clients.values() for value in row.values()} <= {"0", "5"}


def test_activity_report_exact_numbers(carol, march, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.ACTIVITY, "xlsx", django_capture_on_commit_callbacks)
    assert job.organisation_id == carol.organisation_id
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True) if row[0] is not None]
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Asistent", "Kontakty", "Hodiny", "Různí klienti"]
    by_name = {row[0]: row[1:7] for row in body}
    alice_name = f"{march['cases'][0].assistant.first_name} {march['cases'][0].assistant.last_name}"
    # contacts, hours, distinct clients, anonymous persons, cases opened, open at the end
    assert by_name[alice_name] == [8, 7.5, 1, 3, 1, 1]
    bob_name = f"{march['cases'][1].assistant.first_name} {march['cases'][1].assistant.last_name}"
    assert by_name[bob_name] == [2, 3.0, 2, 0, 1, 0]
    assert by_name["Organizace celkem"] == [10, 10.5, 2, 3, 2, 1]
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "#,##0" and sheet["C2"].number_format == "#,##0.00"


def test_export_rows_are_the_organisations_only(carol, march, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "xlsx", django_capture_on_commit_callbacks)
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))
    contacts, cases = workbook["Kontakty"], workbook["Případy"]
    assert contacts.max_row == 1 + 10  # Drom's March contacts, not Oscar's, not February's
    assert cases.max_row == 1 + 2
    client_cells = [str(row[11] or "") for row in contacts.iter_rows(min_row=2, values_only=True)]
    assert {name for cell in client_cells for name in cell.split("; ")} == {
        march["josef"].display_name,
        march["kudrna"].display_name,
        "",
    }
    assert sum("; " in cell for cell in client_cells) == 1  # the contact with two clients
    first = [cell.value for cell in contacts[2]]
    alice = march["cases"][0].assistant
    brno = march["josef"].locality
    assert first[1:13] == [
        "2026-03-01 10:00",
        f"{alice.first_name} {alice.last_name}",
        1,
        "Policie ČR",
        str(alice.organisation.name),
        "",
        "Asistence / doprovod 60 min",
        60,
        0,
        f"Brno – {brno.name}",
        march["josef"].display_name,
        0,
    ]


def test_empty_period_gives_a_valid_file_with_zeros(ministry_analyst, db, django_capture_on_commit_callbacks):
    job = make(
        ministry_analyst,
        ReportType.NATIONAL_STATISTICS,
        "csv",
        django_capture_on_commit_callbacks,
        start="2019-01-01",
        end="2019-03-31",
    )
    by_month = table(csv_sections(job)["Kontakty podle měsíce a kraje"])
    assert by_month["leden 2019"]["Celkem"] == "0" and by_month["Celkem"]["Celkem"] == "0"


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_empty_activity_report_in_every_format(carol, file_format, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.ACTIVITY, file_format, django_capture_on_commit_callbacks)
    assert job.result_size and len(file_bytes(job)) == job.result_size


def test_a_done_job_is_not_made_again(carol, march, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.ACTIVITY, "csv", django_capture_on_commit_callbacks)
    jobs.run_report_job(job.pk)
    again = ReportJob.objects.get(pk=job.pk)
    assert again.result_file == job.result_file and again.attempts == 1


def test_export_is_refused_when_the_coordinator_lost_the_role(carol, march, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.report_job_request(
            by=carol, report_type=ReportType.CASE_CONTACT_EXPORT, raw_parameters={**MARCH, "format": "csv"}
        )
    carol.role = Role.ASSISTANT
    carol.save(update_fields=["role"])
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied, and the task marks it failed
        jobs.run_report_job(job.pk)
    assert not ReportJob.objects.get(pk=job.pk).result_file


def test_person_level_export_needs_a_coordinator(alice, ministry_analyst, db):
    from django.core.exceptions import PermissionDenied

    for user in (alice, ministry_analyst, UserFactory(role=Role.POLICE)):
        with pytest.raises(PermissionDenied):
            services.report_job_request(
                by=user, report_type=ReportType.CASE_CONTACT_EXPORT, raw_parameters={**MARCH, "format": "csv"}
            )
    assert not ReportJob.objects.exists()


def test_referrals_by_service_and_state(ministry_analyst, march, settings, django_capture_on_commit_callbacks):
    from cases import models as case_models

    referral = getattr(case_models, "Referral", None)
    if referral is None:
        pytest.skip("The cases app records no referrals yet.")
    josef_case, kudrna_case, _ostrava_case = march["cases"]
    for case, service, state, day in [
        (josef_case, "victim_support", "sent", 3),
        (josef_case, "legal_aid", "accepted", 4),
        (kudrna_case, "victim_support", "sent", 5),
        (kudrna_case, "victim_support", "completed", 28),  # February: outside the period
    ]:
        referral.objects.create(
            case=case,
            service=service,
            state=state,
            proposed_on=datetime.date(2026, 3 if day != 28 else 2, day),
            created_by=case.assistant,
        )
    referrals = true_sections(threshold=None)["Doporučení podle služby a stavu"]
    assert referrals["Celkem"]["Celkem"] == "3"
    assert referrals["Celkem"]["Odesláno"] == "2"
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "csv", django_capture_on_commit_callbacks)
    shown = table(csv_sections(job)["Doporučení podle služby a stavu"])
    assert shown["Celkem"]["Celkem"] == "*"  # 3 referrals: a small count


@pytest.mark.parametrize("file_format", ["xlsx", "pdf"])
def test_empty_national_statistics_in_every_format(ministry_analyst, file_format, django_capture_on_commit_callbacks):
    # No municipality has a contact: those tables have no rows, only a total row of zeros.
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, file_format, django_capture_on_commit_callbacks)
    data = file_bytes(job)
    assert len(data) == job.result_size and data[:4] in (b"PK\x03\x04", b"%PDF")
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Kontakty podle obce a úřadu"]
        rows = [row for row in sheet.iter_rows(values_only=True) if row[0] is not None]
        assert rows[1][0] == "Celkem" and set(rows[1][1:]) == {0}
