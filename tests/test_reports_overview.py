"""The ministry's national programme overview on a known set of records (March 2026).

Drom (Brno, Jihomoravský kraj; assistants Alice and Bob work in Brno, their coordinator Carol
has no place in the programme directory) and another organisation (Ostrava, Moravskoslezský
kraj; Oscar works in Ostrava). Project "Prevence Brno" of Drom is paid by MV's crime-prevention
programme, project "ESF Ostrava" of the other organisation by ESF+.

In March:
- Alice: 3 accompaniments of 60 min in Brno for Josef (project Prevence Brno), and one
  consultation of 30 min in Brno with 3 anonymous persons (no project).
- Bob: 2 mediations of 90 min in Brno for Kudrna, the second also for Josef (no project), and a
  group activity of 120 min in Brno (Prevence Brno) with Josef, Kudrna and Gita (who lives in
  Ostrava) and 6 anonymous persons.
- Oscar: 2 accompaniments of 45 min in Ostrava for Olga (ESF Ostrava) and a phone call of 15 min
  with no locality (his municipality: Ostrava; no project).
- Carol: a contact of 20 min with no locality for Nora, who has no locality either, and 2
  anonymous persons: neither has a region.
- Cases opened: Josef (usury, Jihomoravský), Kudrna (usury and extortion, Jihomoravský), Olga
  (usury, Moravskoslezský).
- Observations: in Brno two of illegal dumping and one of drug paraphernalia; in Ostrava one of
  suspected usury.
Outside the period (must not count): Alice's contact of 20 February for Filip, Oscar's contact
of 2 April, a group activity of February, a case opened in February, observations of February.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import Region
from accounts.roles import Role
from cases.models import Case, CrimeType
from contacts.models import Authority
from groupwork.models import AgeBand, Sex
from observations.models import ObservationKind
from programmes.models import Project
from programmes.services import starting_service
from programmes.vocabulary import ActivityCategory, FunderKind
from reports import jobs, selectors, services, storage
from reports.disclosure import ROUNDING_BASE, cell_key, perturb
from reports.funder_reports.overview import overview_sheets
from reports.models import JobState, ReportJob, ReportType
from reports.parameters import ReportParameters
from reports.tables import SUPPRESSED_MARK, Sheet
from tests.factories import (
    AssistantProfileFactory,
    CaseFactory,
    ClientFactory,
    ContactFactory,
    GroupActivityFactory,
    ObservationFactory,
    a_locality,
)
from tests.programme_helpers import a_funder

pytestmark = pytest.mark.django_db

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
MARCH = ReportParameters(
    start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), breakdown="all", format="xlsx"
)
MARCH_FORM = {"period_kind": "month", "year": "2026", "month": "3", "breakdown": "all"}
JMK, MSK = "Jihomoravský kraj", "Moravskoslezský kraj"
NOT_RECORDED = "Nezaznamenáno"
NO_PROJECT = "Nehrazeno z projektu"
MV, ESF = "MV – Program prevence kriminality", "ESF+ / OPZ+"


def at(day: int, month: int = 3, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


@pytest.fixture
def march(alice, bob, carol, oscar):
    brno, ostrava = a_locality("Brno"), a_locality("Ostrava")
    for assistant, locality in ((alice, brno), (bob, brno), (oscar, ostrava)):
        AssistantProfileFactory(user=assistant, municipality=locality.municipality)
    drom_service, other_service = starting_service(alice.organisation), starting_service(oscar.organisation)
    prevention = Project.objects.create(
        organisation=alice.organisation,
        name="Prevence Brno",
        funder=a_funder(),
        starts_on=datetime.date(2025, 1, 1),
    )
    esf = Project.objects.create(
        organisation=oscar.organisation,
        name="ESF Ostrava",
        funder=a_funder("OPZ+ výzva 123", FunderKind.ESF),
        starts_on=datetime.date(2025, 1, 1),
    )
    josef = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Josef", locality=brno)
    kudrna = ClientFactory(
        organisation=alice.organisation, created_by=bob, first_name="Karel", last_name="Kudrna", locality=brno
    )
    gita = ClientFactory(
        organisation=alice.organisation, created_by=bob, first_name="Gita", last_name="Horváthová", locality=ostrava
    )
    olga = ClientFactory(
        organisation=oscar.organisation, created_by=oscar, first_name="Olga", last_name="Ostravská", locality=ostrava
    )
    nora = ClientFactory(
        organisation=alice.organisation, created_by=carol, first_name="Nora", last_name="Bezmísta", locality=None
    )
    filip = ClientFactory(
        organisation=alice.organisation, created_by=alice, first_name="Filip", last_name="Únorový", locality=brno
    )
    for day in (1, 2, 3):
        ContactFactory(
            assistant=alice,
            occurred_at=at(day),
            duration_minutes=60,
            locality=brno,
            project=prevention,
            clients=[josef],
        )
    ContactFactory(
        assistant=alice,
        occurred_at=at(9),
        duration_minutes=30,
        locality=brno,
        anonymous_persons=3,
        activities__category=ActivityCategory.CONSULTATION,
        authority=Authority.objects.get(name="Úřad práce"),
    )
    for day, clients in ((10, [kudrna]), (11, [kudrna, josef])):
        ContactFactory(
            assistant=bob,
            occurred_at=at(day),
            duration_minutes=90,
            locality=brno,
            activities__category=ActivityCategory.MEDIATION,
            clients=clients,
        )
    GroupActivityFactory(
        author=bob,
        occurred_at=at(12),
        minutes=120,
        locality=brno,
        project=prevention,
        participants=[josef, kudrna, gita],
        head_count={(Sex.FEMALE, AgeBand.YOUNG_ADULT): 4, (Sex.MALE, AgeBand.ADULT): 2},
    )
    for day in (4, 5):
        ContactFactory(
            assistant=oscar, occurred_at=at(day), duration_minutes=45, locality=ostrava, project=esf, clients=[olga]
        )
    ContactFactory(
        assistant=oscar,
        occurred_at=at(6),
        duration_minutes=15,
        locality=None,
        activities__category=ActivityCategory.PHONE,
    )
    ContactFactory(
        assistant=carol,
        occurred_at=at(7),
        duration_minutes=20,
        locality=None,
        anonymous_persons=2,
        activities__category=ActivityCategory.CONTACT,
        clients=[nora],
    )
    # Outside the period: the last evening of February and the first of April (local time).
    ContactFactory(
        assistant=alice,
        occurred_at=at(28, month=2, hour=23),
        duration_minutes=20,
        locality=brno,
        project=prevention,
        clients=[filip],
        anonymous_persons=4,
    )
    ContactFactory(assistant=oscar, occurred_at=at(1, month=4, hour=0), duration_minutes=45, locality=ostrava)
    GroupActivityFactory(author=bob, occurred_at=at(20, month=2), locality=brno, participants=[filip])

    usury, extortion = CrimeType.objects.get(section="§218"), CrimeType.objects.get(section="§175")
    jmk = brno.municipality.region
    cases = [
        CaseFactory(client=josef, assistant=alice, crime_types=[usury], region=jmk),
        CaseFactory(client=kudrna, assistant=bob, crime_types=[usury, extortion], region=jmk),
        CaseFactory(client=olga, assistant=oscar, crime_types=[usury], region=ostrava.municipality.region),
    ]
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(opened_at=at(5))
    february = CaseFactory(client=filip, assistant=alice, crime_types=[usury], region=jmk)
    Case.objects.filter(pk=february.pk).update(opened_at=at(27, month=2))

    for kind in (ObservationKind.ILLEGAL_DUMPING, ObservationKind.ILLEGAL_DUMPING, ObservationKind.DRUG_PARAPHERNALIA):
        ObservationFactory(assistant=alice, locality=brno, kind=kind, observed_on=datetime.date(2026, 3, 15))
    ObservationFactory(
        assistant=oscar, locality=ostrava, kind=ObservationKind.USURY, observed_on=datetime.date(2026, 3, 31)
    )
    ObservationFactory(assistant=alice, locality=brno, observed_on=datetime.date(2026, 2, 28))
    return {"projects": [prevention, esf], "services": [drom_service, other_service]}


def table(sheet) -> dict[str, dict[str, object]]:
    """A sheet as {row label: {column label: value}}."""
    header = sheet.header
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in sheet.rows}


def nonzero(sheet) -> dict[tuple[str, str], object]:
    """Every cell that is not zero, as {(row label, column label): value}: the other cells are
    checked by being absent."""
    return {(r, c): v for r, cells in table(sheet).items() for c, v in cells.items() if v != 0}


def true_sheets(**kwargs) -> dict[str, Sheet]:
    return {sheet.title: sheet for sheet in overview_sheets(MARCH, threshold=None, protect=False, **kwargs)}


# The true figures, cell by cell -------------------------------------------------------------------


def test_assistants_services_and_projects_by_region_and_funder(march):
    sheets = true_sheets()
    # Alice and Bob: Jihomoravský under MV (project work) and without a project; Oscar:
    # Moravskoslezský under ESF+ and without; Carol (no place in the directory): not recorded.
    assert nonzero(sheets["Asistenti podle krajů a zdrojů"]) == {
        (JMK, MV): 2,
        (JMK, NO_PROJECT): 2,
        (JMK, "Celkem"): 4,
        (MSK, ESF): 1,
        (MSK, NO_PROJECT): 1,
        (MSK, "Celkem"): 2,
        (NOT_RECORDED, NO_PROJECT): 1,
        (NOT_RECORDED, "Celkem"): 1,
        ("Celkem", MV): 2,
        ("Celkem", ESF): 1,
        ("Celkem", NO_PROJECT): 4,
        ("Celkem", "Celkem"): 7,
    }
    # Drom's service worked in Brno (with and without the project) and, through Carol's contact,
    # nowhere recorded; the other service in Ostrava (the phone call by Oscar's municipality).
    assert nonzero(sheets["Služby podle krajů a zdrojů"]) == {
        (JMK, MV): 1,
        (JMK, NO_PROJECT): 1,
        (JMK, "Celkem"): 2,
        (MSK, ESF): 1,
        (MSK, NO_PROJECT): 1,
        (MSK, "Celkem"): 2,
        (NOT_RECORDED, NO_PROJECT): 1,
        (NOT_RECORDED, "Celkem"): 1,
        ("Celkem", MV): 1,
        ("Celkem", ESF): 1,
        ("Celkem", NO_PROJECT): 3,
        ("Celkem", "Celkem"): 5,
    }
    projects = sheets["Projekty podle krajů a zdrojů"]
    assert NO_PROJECT not in projects.header and NOT_RECORDED not in table(projects)
    assert nonzero(projects) == {
        (JMK, MV): 1,
        (JMK, "Celkem"): 1,
        (MSK, ESF): 1,
        (MSK, "Celkem"): 1,
        ("Celkem", MV): 1,
        ("Celkem", ESF): 1,
        ("Celkem", "Celkem"): 2,
    }
    # Every region is a row, whatever the data: the table keeps its shape.
    assert len(table(projects)) == Region.objects.count() + 1


def test_activities_and_hours_by_region_and_category(march):
    sheets = true_sheets()
    assert nonzero(sheets["Výkony podle krajů a kategorií"]) == {
        (JMK, "Asistence / doprovod"): 3,
        (JMK, "Konzultace"): 1,
        (JMK, "Zprostředkování"): 2,
        (JMK, "Skupinová aktivita"): 1,
        (JMK, "Celkem"): 7,
        (MSK, "Asistence / doprovod"): 2,
        (MSK, "Telefon"): 1,
        (MSK, "Celkem"): 3,
        (NOT_RECORDED, "Kontakt"): 1,
        (NOT_RECORDED, "Celkem"): 1,
        ("Celkem", "Asistence / doprovod"): 5,
        ("Celkem", "Konzultace"): 1,
        ("Celkem", "Zprostředkování"): 2,
        ("Celkem", "Skupinová aktivita"): 1,
        ("Celkem", "Telefon"): 1,
        ("Celkem", "Kontakt"): 1,
        ("Celkem", "Celkem"): 11,
    }
    # Whole hours, half an hour rounding up: each total from the minutes, not from rounded cells.
    assert nonzero(sheets["Hodiny podle krajů a kategorií"]) == {
        (JMK, "Asistence / doprovod"): 3,  # 180 min
        (JMK, "Konzultace"): 1,  # 30 min
        (JMK, "Zprostředkování"): 3,  # 180 min
        (JMK, "Skupinová aktivita"): 2,  # 120 min
        (JMK, "Celkem"): 9,  # 510 min = 8.5 h
        (MSK, "Asistence / doprovod"): 2,  # 90 min; the phone call's 15 min round to 0
        (MSK, "Celkem"): 2,  # 105 min
        ("Celkem", "Asistence / doprovod"): 5,  # 270 min
        ("Celkem", "Konzultace"): 1,
        ("Celkem", "Zprostředkování"): 3,
        ("Celkem", "Skupinová aktivita"): 2,
        ("Celkem", "Celkem"): 11,  # 635 min
    }


def test_persons_helped_count_each_client_once_and_anonymous_persons_apart(march):
    # Josef (contacts and the group activity) and Kudrna count once each in Jihomoravský; Gita,
    # seen only at the group activity in Brno, in Moravskoslezský where she lives; Nora nowhere
    # recorded; Filip (February only) not at all. Anonymous: 3 + 6 in Brno, 2 with Carol.
    assert nonzero(true_sheets()["Podpořené osoby podle krajů"]) == {
        (JMK, "Klienti (každý jednou)"): 2,
        (JMK, "Anonymní osoby"): 9,
        (JMK, "Celkem"): 11,
        (MSK, "Klienti (každý jednou)"): 2,
        (MSK, "Celkem"): 2,
        (NOT_RECORDED, "Klienti (každý jednou)"): 1,
        (NOT_RECORDED, "Anonymní osoby"): 2,
        (NOT_RECORDED, "Celkem"): 3,
        ("Celkem", "Klienti (každý jednou)"): 5,
        ("Celkem", "Anonymní osoby"): 11,
        ("Celkem", "Celkem"): 16,
    }


def test_cases_by_crime_type_and_observations_by_type(march):
    sheets = true_sheets()
    assert nonzero(sheets["Případy podle činů a krajů"]) == {
        ("Lichva (§218)", JMK): 2,
        ("Lichva (§218)", MSK): 1,
        ("Lichva (§218)", "Celkem"): 3,
        ("Vydírání (§175)", JMK): 1,
        ("Vydírání (§175)", "Celkem"): 1,
        ("Celkem", JMK): 3,
        ("Celkem", MSK): 1,
        ("Celkem", "Celkem"): 4,
    }
    assert nonzero(sheets["Pozorování podle krajů a druhů"]) == {
        (JMK, "Pomůcky k užívání drog"): 1,
        (JMK, "Černá skládka"): 2,
        (JMK, "Celkem"): 3,
        (MSK, "Podezření na lichvu"): 1,
        (MSK, "Celkem"): 1,
        ("Celkem", "Pomůcky k užívání drog"): 1,
        ("Celkem", "Černá skládka"): 2,
        ("Celkem", "Podezření na lichvu"): 1,
        ("Celkem", "Celkem"): 4,
    }


def test_the_figures_take_a_constant_number_of_queries(march, django_assert_num_queries):
    # One query per source of records: who worked for what and where 2 (contacts', group
    # activities'), activities and hours 2, persons 3 (clients, anonymous at contacts and at group
    # activities), cases 1, observations 1; the regions once per table (7: activities and hours
    # share theirs) and the crime types once.
    with django_assert_num_queries(17):
        overview_sheets(MARCH, threshold=None, protect=False)


# Protection ------------------------------------------------------------------------------------


def test_published_counts_are_the_true_counts_rounded_by_their_cell_keys(march):
    """With perturbation on and suppression off, a cell is perturb(count, sum of its records' keys)."""
    sheets = {sheet.title: sheet for sheet in overview_sheets(MARCH, threshold=None, protect=True)}
    # Observations in Brno: three records, each with its own key.
    brno_keys = (
        selectors.national_observations()
        .filter(locality__municipality__name="Brno", observed_on__month=3)
        .values_list("record_key", flat=True)
    )
    assert len(brno_keys) == 3
    observations = table(sheets["Pozorování podle krajů a druhů"])
    assert observations[JMK]["Celkem"] == perturb(3, cell_key(*brno_keys))
    # Projects: the key of a project counts once per cell however much work it did there.
    prevention, esf = march["projects"]
    projects = table(sheets["Projekty podle krajů a zdrojů"])
    assert projects[JMK][MV] == perturb(1, cell_key(prevention.record_key))
    assert projects["Celkem"]["Celkem"] == perturb(2, cell_key(prevention.record_key, esf.record_key))
    for sheet in sheets.values():
        for row in sheet.rows:
            assert all(value % ROUNDING_BASE == 0 for value in row[1:]), (sheet.title, row)


def test_the_job_makes_a_protected_file_without_a_person(march, ministry_analyst, django_capture_on_commit_callbacks):
    files = {fmt: make_job(ministry_analyst, fmt, django_capture_on_commit_callbacks) for fmt in ("xlsx", "csv", "pdf")}
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(files["xlsx"])))
    assert workbook.sheetnames[0] == "Titulní list"
    cover = [[cell for cell in row if cell is not None] for row in workbook["Titulní list"].iter_rows(values_only=True)]
    cover_text = "\n".join(" ".join(str(cell) for cell in row) for row in cover)
    assert ["Území", "Celá Česká republika"] in cover
    assert cover[0] == ["Celostátní přehled programu"]
    assert ["Sestava", "Celostátní přehled programu"] in cover
    assert ["Období", "1. 3. 2026 – 31. 3. 2026"] in cover
    assert "Ochrana údajů: počty od 1 do 4" in cover_text
    assert workbook.sheetnames[1:] == [
        "Asistenti podle krajů a zdrojů",
        "Služby podle krajů a zdrojů",
        "Projekty podle krajů a zdrojů",
        "Výkony podle krajů a kategorií",
        "Hodiny podle krajů a kategorií",
        "Podpořené osoby podle krajů",
        "Případy podle činů a krajů",
        "Pozorování podle krajů a druhů",
    ]
    # The file shows what the protected assembly gives: every count below 5 hidden, with the
    # cells that would reveal it, and the rest rounded to multiples of 5.
    expected = {sheet.title: sheet for sheet in overview_sheets(MARCH, threshold=5, protect=True)}
    for title, sheet in expected.items():
        rows = [list(row) for row in workbook[title].iter_rows(values_only=True)]
        header_at = rows.index(list(sheet.header) + [None] * (len(rows[0]) - len(sheet.header)))
        for offset, row in enumerate(sheet.rows):
            published = rows[header_at + 1 + offset][: len(sheet.header)]
            assert published == [SUPPRESSED_MARK if value is None else value for value in row], (title, row[0])
    assistants = table(expected["Asistenti podle krajů a zdrojů"])
    assert assistants[JMK][MV] is None  # a true 2
    assert expected["Výkony podle krajů a kategorií"].notes[-2].startswith("* = ")
    # Nobody's name, in any format: not the clients', nor the assistants', nor the organisations'.
    texts = {
        "xlsx": "\n".join(
            str(cell) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for cell in row if cell
        ),
        "csv": file_bytes(files["csv"]).decode("utf-8-sig"),
        "pdf": "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file_bytes(files["pdf"]))).pages),
    }
    names = ["Josef", "Kudrna", "Gita", "Horváthová", "Olga", "Ostravská", "Nora", "Bezmísta", "Filip", "Únorový"]
    for user in Case.objects.values_list("assistant__last_name", flat=True).distinct():
        names.append(user)
    names += ["DROM", "Jiná organizace", "Prevence Brno", "ESF Ostrava"]
    for fmt, text in texts.items():
        assert "Celá Česká republika" in text, fmt
        for name in names:
            assert name not in text, (fmt, name)
    assert "Asistenti podle krajů a zdrojů" in texts["pdf"]
    csv_rows = list(csv.reader(io.StringIO(texts["csv"]), delimiter=";"))
    assert ["Území", "Celá Česká republika"] in csv_rows


def make_job(user, file_format: str, capture) -> ReportJob:
    with capture(execute=False):
        job = services.report_job_request(
            by=user,
            report_type=ReportType.NATIONAL_OVERVIEW,
            raw_parameters={**MARCH.as_json(), "format": file_format},
        )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    return job


def file_bytes(job: ReportJob) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


# Who may ask -----------------------------------------------------------------------------------


def test_the_ministry_asks_on_the_page_for_a_fixed_period(client, ministry_analyst, march):
    client.force_login(ministry_analyst)
    page = client.get(reverse("reports:create", args=["overview"]))
    assert page.status_code == 200
    assert 'name="subject"' not in page.content.decode()
    response = client.post(reverse("reports:create", args=["overview"]), {**MARCH_FORM, "format": "xlsx"})
    assert response.status_code == 302
    job = ReportJob.objects.get(report_type=ReportType.NATIONAL_OVERVIEW)
    assert job.requested_by == ministry_analyst and job.organisation is None
    assert job.parameters["start"] == "2026-03-01" and job.parameters["end"] == "2026-03-31"
    assert job in selectors.visible_report_jobs(ministry_analyst)
    # A period of the requester's choosing is refused, as for national statistics.
    with pytest.raises(ValidationError) as refused:
        services.report_job_request(
            by=ministry_analyst,
            report_type=ReportType.NATIONAL_OVERVIEW,
            raw_parameters={"start": "2026-03-01", "end": "2026-03-30", "format": "xlsx"},
        )
    assert "period" in refused.value.message_dict
    assert ReportJob.objects.filter(report_type=ReportType.NATIONAL_OVERVIEW).count() == 1


@pytest.mark.parametrize("who", ["carol", "alice", "police_officer", "administrator"])
def test_no_other_role_may_ask_for_it_nor_see_its_jobs(client, request, who, ministry_analyst):
    job = services.report_job_request(
        by=ministry_analyst,
        report_type=ReportType.NATIONAL_OVERVIEW,
        raw_parameters={**MARCH.as_json(), "format": "csv"},
    )
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("reports:create", args=["overview"])).status_code == 403
    assert client.post(reverse("reports:create", args=["overview"]), {**MARCH_FORM, "format": "csv"}).status_code == 403
    assert ReportJob.objects.filter(report_type=ReportType.NATIONAL_OVERVIEW).count() == 1
    assert job not in selectors.visible_report_jobs(user)
    assert ReportType.NATIONAL_OVERVIEW not in selectors.report_types_for(user)
    if Role(user.role).can_request_reports():  # the coordinator: the job's pages are a 404
        for name in ("reports:detail", "reports:download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
        list_page = client.get(reverse("reports:list")).content.decode()
        assert reverse("reports:create", args=["overview"]) not in list_page


def test_a_job_whose_requester_left_the_ministry_is_refused(ministry_analyst, carol):
    job = services.report_job_request(
        by=ministry_analyst,
        report_type=ReportType.NATIONAL_OVERVIEW,
        raw_parameters={**MARCH.as_json(), "format": "csv"},
    )
    type(ministry_analyst).objects.filter(pk=ministry_analyst.pk).update(role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state != JobState.DONE and not job.result_file


def test_the_api_takes_the_same_request_and_refuses_a_coordinator(ministry_analyst, carol):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(carol)
    refused = api.post("/api/v1/report-jobs/", {"report_type": "overview", "period": "2026-03"}, format="json")
    assert refused.status_code == 403
    api.force_authenticate(ministry_analyst)
    not_fixed = api.post(
        "/api/v1/report-jobs/",
        {"report_type": "overview", "start": "2026-03-02", "end": "2026-03-31", "format": "csv"},
        format="json",
    )
    assert not_fixed.status_code == 400 and "period" in not_fixed.json()
    assert not ReportJob.objects.exists()
    made = api.post(
        "/api/v1/report-jobs/", {"report_type": "overview", "period": "2026-Q1", "format": "pdf"}, format="json"
    )
    assert made.status_code == 201, made.json()
    job = ReportJob.objects.get(pk=made.json()["id"])
    assert (job.parameters["start"], job.parameters["end"]) == ("2026-01-01", "2026-03-31")
    api.force_authenticate(carol)
    assert api.get(f"/api/v1/report-jobs/{job.pk}/").status_code == 404
    assert job.pk not in [row["id"] for row in api.get("/api/v1/report-jobs/").json()["results"]]
