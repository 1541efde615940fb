"""The report for a city or region as funder: two organisations' projects paid by the city of
Brno, added up, suppressed below 3 (the threshold set here) and randomly rounded.

Every record key is set to 0, so that every published count is its true count rounded UP to a
multiple of 5 (reports.disclosure.perturb with key 0): the expected values below follow.

March 2026. Drom's project PA and the other organisation's project PB are paid by the city;
Drom's project PC by MV (not counted). Alice is assigned to PA, Oscar to PB.
- PA: Alice's 3 contacts with Policie ČR, an accompaniment of 60 min each, clients c1, c2, c3 (a
  case of usury each, the first shared with and reported to the police), locality L1; a group
  activity (90 min) with c1 and c4 and 6 anonymous persons, L1; 3 observations of dumping passed
  to the municipal police, L1.
- PB: Oscar's 3 contacts with Policie ČR, a consultation of 30 min each, clients d1, d1, d2, L1;
  one with the municipal police, 20 min on the client's behalf, 4 anonymous persons, L2; a group
  activity (60 min) with d2, L2; 4 observations of drug paraphernalia passed to Policie ČR, L2,
  three of them answered by the police in March.
- Not counted: PC's contact and group activity, PA's February contact, Bob's observation (not
  assigned), a police reply and feedback in April.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Municipality, Organisation, Region
from accounts.roles import Role
from cases.models import Case, CaseStatus, CrimeType, PoliceFeedback
from clients.models import Client
from contacts.models import Authority, Contact
from groupwork.models import AgeBand, GroupActivity, Sex
from observations.models import Observation, ObservationKind, PassedTo, PoliceReply
from programmes.models import Assignment, Funder
from programmes.services import starting_service
from programmes.vocabulary import ActivityCategory, FunderKind
from reports import jobs, services, storage
from reports.funder_reports import build_funder_report, subject_choices
from reports.models import JobState, ReportJob, ReportType
from reports.parameters import parse_parameters
from tests.factories import (
    AssistantProfileFactory,
    CaseFactory,
    ClientFactory,
    ContactFactory,
    GroupActivityFactory,
    ObservationFactory,
    OrganisationFactory,
    PoliceFeedbackFactory,
    UserFactory,
)
from tests.test_reports_prevention import MARCH, activity, at, brno_localities, project_of

S = None  # a suppressed cell ("*" in the files)


@pytest.fixture(autouse=True)
def _private_media_and_threshold(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.REPORTS_SUPPRESSION_THRESHOLD = 3


def city_of(name: str) -> Funder:
    municipality = Municipality.objects.get(name=name)
    return Funder.objects.create(name=f"Statutární město {name}", kind=FunderKind.CITY, municipality=municipality)


def assign(user, project) -> None:
    Assignment.objects.create(
        profile=AssistantProfileFactory(user=user),
        service=starting_service(user.organisation),
        project=project,
        valid_from=datetime.date(2026, 1, 1),
    )


@pytest.fixture
def brno_city(alice, bob, oscar):
    drom, other = alice.organisation, oscar.organisation
    brno = city_of("Brno")
    l1, l2 = brno_localities()
    pa = project_of(drom, "Asistenti Brno (město)")
    pb = project_of(other, "Prevence Brno-sever (město)")
    pa.funder = pb.funder = brno
    pa.save(update_fields=["funder"])
    pb.save(update_fields=["funder"])
    pc = project_of(drom, "APK Brno (MV)")
    assign(alice, pa)
    assign(oscar, pb)
    c1, c2, c3, c4, c5 = (ClientFactory(organisation=drom, created_by=alice) for _ in range(5))
    d1, d2 = (ClientFactory(organisation=other, created_by=oscar) for _ in range(2))
    police, municipal = Authority.objects.get(name="Policie ČR"), Authority.objects.get(name="Městská policie")
    usury = CrimeType.objects.get(section="§218")
    cases = [
        CaseFactory(client=client, assistant=alice, crime_types=[usury], status=CaseStatus.IN_PROGRESS)
        for client in (c1, c2, c3)
    ]
    Case.objects.filter(pk=cases[0].pk).update(shared_with_police=True, reported_on=datetime.date(2026, 3, 10))
    a, c = ActivityCategory.ACCOMPANIMENT, ActivityCategory.CONSULTATION
    for day, client, case in zip((2, 3, 4), (c1, c2, c3), cases, strict=True):
        ContactFactory(
            assistant=alice, project=pa, occurred_at=at(day), authority=police, clients=[client], case=case,
            locality=l1, activities=[activity(drom, a, 60)],
        )  # fmt: skip
    for day, client in zip((2, 3, 4), (d1, d1, d2), strict=True):
        ContactFactory(
            assistant=oscar, project=pb, occurred_at=at(day), authority=police, clients=[client], locality=l1,
            activities=[activity(other, c, 30)],
        )  # fmt: skip
    ContactFactory(
        assistant=oscar, project=pb, occurred_at=at(5), authority=municipal, anonymous_persons=4, locality=l2,
        activities=[activity(other, c, 20, "on_behalf")],
    )  # fmt: skip
    GroupActivityFactory(
        author=alice, project=pa, occurred_at=at(7), minutes=90, participants=[c1, c4], locality=l1,
        head_count={(Sex.FEMALE, AgeBand.ADULT): 6},
    )  # fmt: skip
    GroupActivityFactory(author=oscar, project=pb, occurred_at=at(9), minutes=60, participants=[d2], locality=l2)
    # Not counted.
    excluded_case = CaseFactory(client=c5, assistant=alice, crime_types=[usury])
    ContactFactory(assistant=alice, project=pc, occurred_at=at(6), clients=[c5], case=excluded_case, locality=l1)
    GroupActivityFactory(author=alice, project=pc, occurred_at=at(8), participants=[c5], locality=l1)
    ContactFactory(assistant=alice, project=pa, occurred_at=at(20, 2), clients=[c5], locality=l1)
    ObservationFactory(assistant=bob, locality=l1, observed_on=datetime.date(2026, 3, 11), passed_to=PassedTo.POLICE)
    for day in (11, 12, 13):
        ObservationFactory(
            assistant=alice, locality=l1, observed_on=datetime.date(2026, 3, day),
            kind=ObservationKind.ILLEGAL_DUMPING, passed_to=PassedTo.MUNICIPAL_POLICE,
        )  # fmt: skip
    answered = [
        ObservationFactory(
            assistant=oscar,
            locality=l2,
            observed_on=datetime.date(2026, 3, day),
            kind=ObservationKind.DRUG_PARAPHERNALIA,
            passed_to=PassedTo.POLICE,
        )  # fmt: skip
        for day in (14, 15, 16, 17)
    ]
    officer = UserFactory(role=Role.POLICE, organisation=cases[0].region.organisations.first())
    for observation, when in [*((o, at(20)) for o in answered[:3]), (answered[0], at(2, 4))]:
        reply = PoliceReply.objects.create(observation=observation, author=officer, text="Prověříme.")
        PoliceReply.objects.filter(pk=reply.pk).update(created_at=when)
    for case, when in ((cases[0], at(21)), (cases[0], at(22)), (cases[1], at(23)), (excluded_case, at(21))):
        feedback = PoliceFeedbackFactory(case=case, officer=officer)
        PoliceFeedback.objects.filter(pk=feedback.pk).update(created_at=when)
    for model in (Contact, GroupActivity, Observation, Case, Client):
        model.objects.update(record_key=0)
    return {"funder": brno, "l1": l1, "l2": l2, "pa": pa, "pb": pb, "pc": pc, "clients": [c1, c2, c3, c4, c5, d1, d2]}


@pytest.fixture
def brno_office(db):
    """A coordinator of the city of Brno's own organisation."""
    office = OrganisationFactory(
        name="Magistrát města Brna",
        kind=Organisation.Kind.MUNICIPALITY,
        municipality=Municipality.objects.get(name="Brno"),
    )
    return UserFactory(organisation=office, role=Role.COORDINATOR)


def report_of(user, funder, **overrides):
    params = parse_parameters(ReportType.FUNDER_AREA, {**MARCH, "format": "xlsx", "subject": funder.pk, **overrides})
    return build_funder_report(report_type=ReportType.FUNDER_AREA, params=params, requested_by=user)


def sheet(report, title: str) -> list[list]:
    found = [s for s in report.sheets if s.title == title]
    assert found, [s.title for s in report.sheets]
    return [list(row) for row in found[0].rows]


def test_two_organisations_added_up_suppressed_and_rounded(brno_office, brno_city):
    report = report_of(brno_office, brno_city["funder"])
    # True: accompaniment 3 | 0 | 3, 180 min; group 0 | 2 | 2, 150 min; consultation 4 | 0 | 4, 90 min
    # direct + 20 on behalf; totals 7 | 2 | 9. The activities in contacts and at group activities
    # are one two-way table whose row totals are all activities: the 2 group activities are
    # suppressed with their row and column totals, and so are the accompaniments' 3 and the 7 of
    # all contacts that would give them away; hours follow the column of all activities.
    assert sheet(report, "Výkony podle kategorie") == [
        ["Asistence / doprovod", S, 0, S, S, S, S],
        ["Skupinová aktivita", 0, S, S, S, S, S],
        ["Konzultace", 5, 0, 5, 5, 0, 5],
        ["Celkem", S, S, 10, 10, 0, 10],
    ]
    # True: only contacts c2, c3, d1 (3); only group activities c4 (1); both c1, d2 (2); 6 in all.
    assert sheet(report, "Klienti") == [
        ["Jen v individuální práci (kontakty)", 5],
        ["Jen na skupinových aktivitách", S],
        ["V individuální práci i na skupinových aktivitách", S],
        ["Různých klientů celkem", 10],
    ]
    assert sheet(report, "Anonymní osoby") == [["Při kontaktech", 5], ["Na skupinových aktivitách", 10], ["Celkem", 10]]
    # True: 2 activities, 150 min, 3 attendances of 3 distinct clients, 6 anonymous, 9 attendances.
    assert sheet(report, "Skupinové aktivity") == [
        ["Skupinová aktivita", S, S, 5, 5, 10, 10],
        ["Celkem", S, S, 5, 5, 10, 10],
    ]
    # True: L1 6 contacts, 6 clients, 1 group activity, 3 observations; L2 1, 1, 1, 4.
    l1, l2 = brno_city["l1"], brno_city["l2"]
    assert sheet(report, "Lokality") == [
        [str(l1), S, 10, S, 5],
        [str(l2), S, S, S, 5],
        ["Celkem", 10, 10, S, 10],
    ]
    observations = sheet(report, "Pozorování")
    assert observations[0] == ["Pomůcky k užívání drog", 0, 0, 5, 0, 0, 5]
    assert observations[1] == ["Černá skládka", 0, 5, 0, 0, 0, 5]
    assert all(row[1:] == [0] * 6 for row in observations[2:-1])
    assert observations[-1] == ["Celkem", 0, 5, 5, 0, 0, 10]
    cases = {row[0]: row[1:] for row in sheet(report, "Případy podle trestných činů")}
    assert cases.pop("Lichva (§218)") == [0, 5, 0, 0, 0, 0, 0, 5]
    assert cases.pop("Celkem") == [0, 5, 0, 0, 0, 0, 0, 5]
    assert all(values == [0] * 8 for values in cases.values())
    assert sheet(report, "Spolupráce s policií") == [
        ["Kontakty s Policií ČR", 10],  # 3 + 3 of the two organisations
        ["Kontakty s městskou policií", S],
        ["Doprovody na policii", 5],
        ["Různí klienti doprovázení na policii", 5],
        ["Pozorování předaná Policii ČR", 5],
        ["Pozorování předaná městské policii", 5],
        ["Přijaté odpovědi policie na pozorování", 5],
        ["Případy sdílené s policií", S],
        ["Případy oznámené policii v období", S],
        ["Přijaté zpětné vazby policie k případům", 5],
        ["Případy posouzené policií v období", 0],
    ]
    cover = dict(report.cover)
    assert cover["Donátor"] == "Statutární město Brno (Město nebo obec)"
    assert cover["Obec"] == "Brno"
    assert cover["Organizace"] == ", ".join(
        sorted([brno_city["pa"].organisation.name, brno_city["pb"].organisation.name])
    )
    assert "APK Brno (MV)" not in cover["Započtené projekty"]
    assert any("potlačeny" in line for line in report.definitions)


def test_no_person_in_the_files(brno_office, brno_city, django_capture_on_commit_callbacks):
    job = make(brno_office, brno_city["funder"], "csv", django_capture_on_commit_callbacks)
    text = file_bytes(job).decode("utf-8-sig")
    for client in brno_city["clients"]:
        assert client.last_name not in text
    assert ["Kontakty s městskou policií", "*"] in list(csv.reader(io.StringIO(text), delimiter=";"))
    assert job.organisation_id is None  # the report crosses organisations


def make(user, funder, file_format, django_capture_on_commit_callbacks) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=False):
        job = services.report_job_request(
            by=user,
            report_type=ReportType.FUNDER_AREA,
            raw_parameters={**MARCH, "format": file_format, "subject": funder.pk},
        )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    return job


def file_bytes(job: ReportJob) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


def test_xlsx_and_pdf_read_back(ministry_analyst, brno_city, django_capture_on_commit_callbacks):
    job = make(ministry_analyst, brno_city["funder"], "xlsx", django_capture_on_commit_callbacks)
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))
    assert workbook.sheetnames[0] == "Titulní list"
    cover = {row[0]: row[1] for row in workbook["Titulní list"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Sestava"] == "Zpráva pro město nebo kraj jako poskytovatele dotace"
    assert cover["Období"] == "1. 3. 2026 – 31. 3. 2026"
    rows = list(workbook["Výkony podle kategorie"].iter_rows(values_only=True))
    assert ("Skupinová aktivita", 0, "*", "*", "*", "*", "*") in [tuple(row[:7]) for row in rows]
    assert ("Celkem", "*", "*", 10, 10, 0, 10) in [tuple(row[:7]) for row in rows]
    pdf = PdfReader(
        io.BytesIO(file_bytes(make(ministry_analyst, brno_city["funder"], "pdf", django_capture_on_commit_callbacks)))
    )
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Zpráva pro město nebo kraj jako poskytovatele dotace" in text
    assert "Statutární město Brno" in text
    assert "Spolupráce s policií" in text


def test_who_may_ask_for_which_funder(ministry_analyst, brno_office, carol, alice, brno_city):
    brno = brno_city["funder"]
    ostrava = city_of("Ostrava")
    jmk = Funder.objects.create(
        name="Jihomoravský kraj", kind=FunderKind.REGION, region=Region.objects.get(code="CZ064")
    )
    choices = {pk for pk, _name in subject_choices(ministry_analyst, ReportType.FUNDER_AREA)}
    assert {brno.pk, ostrava.pk, jmk.pk} <= choices
    assert all(funder.kind in (FunderKind.CITY, FunderKind.REGION) for funder in Funder.objects.filter(pk__in=choices))
    assert brno_city["pc"].funder.pk not in choices  # MV's programme is no city or region
    assert {pk for pk, _n in subject_choices(brno_office, ReportType.FUNDER_AREA)} == {brno.pk}
    region_office = UserFactory(
        role=Role.COORDINATOR,
        organisation=OrganisationFactory(
            name="Krajský úřad JMK", kind=Organisation.Kind.MUNICIPALITY, region=Region.objects.get(code="CZ064")
        ),
    )
    assert {pk for pk, _n in subject_choices(region_office, ReportType.FUNDER_AREA)} == {jmk.pk}
    # An NGO's coordinator and an assistant are not offered it at all.
    assert subject_choices(carol, ReportType.FUNDER_AREA) == []
    assert subject_choices(alice, ReportType.FUNDER_AREA) == []


def test_another_municipality_is_refused(client, brno_city, django_capture_on_commit_callbacks):
    ostrava_office = UserFactory(
        role=Role.COORDINATOR,
        organisation=OrganisationFactory(
            name="Magistrát města Ostravy",
            kind=Organisation.Kind.MUNICIPALITY,
            municipality=Municipality.objects.get(name="Ostrava"),
        ),
    )
    brno = brno_city["funder"]
    client.force_login(ostrava_office)
    url = reverse("reports:create", args=[ReportType.FUNDER_AREA])
    assert client.get(url).status_code == 200
    month = {"period_kind": "month", "year": "2026", "month": "3", "breakdown": "all", "format": "xlsx"}
    response = client.post(url, {**month, "subject": brno.pk})
    assert response.status_code == 200
    assert "Vyberte platnou možnost" in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.report_job_request(
            by=ostrava_office,
            report_type=ReportType.FUNDER_AREA,
            raw_parameters={**MARCH, "format": "xlsx", "subject": brno.pk},
        )
    assert not ReportJob.objects.exists()
    job = ReportJob.objects.create(
        requested_by=ostrava_office,
        report_type=ReportType.FUNDER_AREA,
        parameters={**MARCH, "format": "xlsx", "subject": brno.pk},
    )
    with pytest.raises(PermissionDenied):  # the task turns it into a failed job
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state != JobState.DONE and not job.result_file


def test_an_ngo_coordinator_gets_403(client, carol):
    client.force_login(carol)
    assert client.get(reverse("reports:create", args=[ReportType.FUNDER_AREA])).status_code == 403


def test_the_city_office_sees_its_own_jobs_only(
    client, brno_office, ministry_analyst, brno_city, django_capture_on_commit_callbacks
):
    job = make(ministry_analyst, brno_city["funder"], "csv", django_capture_on_commit_callbacks)
    client.force_login(brno_office)
    assert client.get(reverse("reports:detail", args=[job.pk])).status_code == 404


def test_a_funder_that_pays_no_project_gets_zeros(ministry_analyst, brno_city):
    report = report_of(ministry_analyst, city_of("Ostrava"))
    assert sheet(report, "Výkony podle kategorie") == [["Celkem", 0, 0, 0, 0, 0, 0]]
    assert sheet(report, "Lokality") == [["Celkem", 0, 0, 0, 0]]
    assert dict(report.cover)["Započtené projekty"] == "žádné"


def test_the_query_count_does_not_grow_with_the_projects(ministry_analyst, brno_city, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        report_of(ministry_analyst, brno_city["funder"])


def test_the_period_is_a_month_quarter_or_year_and_the_form_makes_the_job(client, brno_office, brno_city):
    with pytest.raises(ValidationError) as refused:
        parse_parameters(
            ReportType.FUNDER_AREA,
            {"start": "2026-03-02", "end": "2026-03-31", "format": "xlsx", "subject": brno_city["funder"].pk},
        )
    assert refused.value.error_dict["period"][0].code == "not_a_fixed_period"
    assert "donátora" in str(refused.value)
    client.force_login(brno_office)
    url = reverse("reports:create", args=[ReportType.FUNDER_AREA])
    page = client.get(url).content.decode()
    assert 'name="period_kind"' in page and 'name="start"' not in page
    month = {"period_kind": "quarter", "year": "2026", "quarter": "1", "breakdown": "all", "format": "csv"}
    response = client.post(url, {**month, "subject": brno_city["funder"].pk})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.parameters["start"] == "2026-01-01" and job.parameters["end"] == "2026-03-31"
    assert job.organisation_id is None and job.requested_by == brno_office
