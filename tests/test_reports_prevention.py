"""The crime-prevention project report: every cell on a known set of records (March 2026).

Drom's project "APK Brno" (MV – Program prevence kriminality); Alice is assigned to it from
1 January 2026, Bob is not. In March, of the project:
- contacts: c1 (3.3., Policie ČR, Josef, accompaniment 60 min, case of usury, locality L1),
  c2 (5.3., municipal police, Josef and Marie, accompaniment 45 min + consultation 15 min on
  the client's behalf, L1), c3 (10.3., labour office, 2 anonymous persons, consultation 30 min,
  no locality), c4 (12.3., Bob, Policie ČR, Marie, consultation 20 min on behalf, case of
  extortion reported to and shared with the police, L2);
- group activities: g1 (7.3., group activity 90 min, Josef and Kudrna, 3 + 1 anonymous, L1),
  g2 (20.3., community event 120 min, Kudrna, 5 anonymous, L2);
- observations by Alice: drug paraphernalia passed to Policie ČR (L1), dumping passed to the
  municipal police (L2), dumping not passed on (L1).
Not counted: a February contact of the project (its case's police feedback in March counts), a
March contact of another project (Kudrna, a case of usury), a March group activity without a
project (Marie), an April group activity, Bob's observation, Alice's February observation (the
police reply to it in March counts), the other organisation's work.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Locality, Organisation, User
from accounts.roles import Role
from cases.models import Case, CaseStatus, CrimeType
from clients.models import Client
from contacts.models import Activity, Authority, Contact
from groupwork.models import AgeBand, Sex
from observations.models import ObservationKind, PassedTo, PoliceReply
from programmes.models import Assignment, Project
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
    PoliceFeedbackFactory,
    UserFactory,
)
from tests.programme_helpers import a_funder

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all"}


def at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def brno_localities() -> tuple[Locality, Locality]:
    first, second = Locality.objects.filter(municipality__name="Brno").order_by("name")[:2]
    return first, second


def project_of(organisation, name: str, funder_kind: str = FunderKind.MV_CRIME_PREVENTION, **extra) -> Project:
    funder = a_funder(f"Poskytovatel {funder_kind}", funder_kind)
    project = Project.objects.create(
        organisation=organisation,
        name=name,
        funder=funder,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        **extra,
    )
    project.services.add(starting_service(organisation))
    return project


def kind_of(organisation, category: str):
    return starting_service(organisation).activity_types.get(category=category)


def activity(organisation, category: str, minutes: int, work: str = Activity.Work.DIRECT) -> Activity:
    return Activity(activity_type=kind_of(organisation, category), minutes=minutes, work=work)


@pytest.fixture
def march(alice, bob, carol, oscar):
    drom = alice.organisation
    l1, l2 = brno_localities()
    project = project_of(drom, "APK Brno", registration_number="PPK-JMK/2026/01")
    other_project = project_of(drom, "Město Brno 2026", FunderKind.CITY)
    Assignment.objects.create(
        profile=AssistantProfileFactory(user=alice),
        service=starting_service(drom),
        project=project,
        valid_from=datetime.date(2026, 1, 1),
    )
    josef = ClientFactory(organisation=drom, created_by=alice, first_name="Josef")
    marie = ClientFactory(organisation=drom, created_by=alice, first_name="Marie")
    kudrna = ClientFactory(
        organisation=drom, created_by=alice, identity=Client.Identity.PSEUDONYM, nickname="Kudrna", birth_year=1990
    )
    usury, extortion = CrimeType.objects.get(section="§218"), CrimeType.objects.get(section="§175")
    case1 = CaseFactory(client=josef, assistant=alice, crime_types=[usury], status=CaseStatus.IN_PROGRESS)
    case2 = CaseFactory(
        client=marie,
        assistant=bob,
        crime_types=[extortion],
        status=CaseStatus.REPORTED,
        reported_on=datetime.date(2026, 3, 12),
        shared_with_police=True,
    )
    case3 = CaseFactory(client=kudrna, assistant=alice, crime_types=[usury])  # another project's
    case4 = CaseFactory(client=josef, assistant=alice, crime_types=[usury], reported_on=datetime.date(2026, 2, 10))
    Case.objects.filter(pk=case2.pk).update(police_reviewed_at=at(20))
    police, municipal = Authority.objects.get(name="Policie ČR"), Authority.objects.get(name="Městská policie")
    office = Authority.objects.get(name="Úřad práce")
    a, c = ActivityCategory.ACCOMPANIMENT, ActivityCategory.CONSULTATION
    on_behalf = Activity.Work.ON_BEHALF
    common = {"project": project}
    ContactFactory(
        assistant=alice, occurred_at=at(3), authority=police, clients=[josef], locality=l1, case=case1,
        activities=[activity(drom, a, 60)], **common,
    )  # fmt: skip
    ContactFactory(
        assistant=alice, occurred_at=at(5), authority=municipal, clients=[josef, marie], locality=l1,
        activities=[activity(drom, a, 45), activity(drom, c, 15, on_behalf)], **common,
    )  # fmt: skip
    ContactFactory(
        assistant=alice, occurred_at=at(10), authority=office, anonymous_persons=2, locality=None,
        activities=[activity(drom, c, 30)], **common,
    )  # fmt: skip
    ContactFactory(
        assistant=bob, occurred_at=at(12), authority=police, clients=[marie], locality=l2, case=case2,
        activities=[activity(drom, c, 20, on_behalf)], **common,
    )  # fmt: skip
    # Not counted: February; another project; another organisation.
    ContactFactory(assistant=alice, occurred_at=at(20, 2), clients=[josef], case=case4, locality=l1, **common)
    ContactFactory(assistant=alice, occurred_at=at(4), clients=[kudrna], case=case3, project=other_project)
    ContactFactory(assistant=oscar, occurred_at=at(4), locality=l1)
    group = {"author": alice, "project": project}
    GroupActivityFactory(
        occurred_at=at(7), minutes=90, participants=[josef, kudrna], locality=l1,
        head_count={(Sex.FEMALE, AgeBand.YOUNG_ADULT): 3, (Sex.MALE, AgeBand.ADULT): 1}, **group,
    )  # fmt: skip
    GroupActivityFactory(
        occurred_at=at(20), minutes=120, participants=[kudrna], locality=l2,
        activity_type=kind_of(drom, ActivityCategory.COMMUNITY), head_count={(Sex.UNKNOWN, AgeBand.CHILD): 5},
        **group,
    )  # fmt: skip
    GroupActivityFactory(author=alice, occurred_at=at(8), participants=[marie], locality=l1)  # no project
    GroupActivityFactory(occurred_at=at(2, 4), participants=[marie], **group)  # April
    seen = {"assistant": alice, "locality": l1}
    o1 = ObservationFactory(
        observed_on=datetime.date(2026, 3, 4),
        kind=ObservationKind.DRUG_PARAPHERNALIA,
        passed_to=PassedTo.POLICE,
        **seen,
    )
    ObservationFactory(
        assistant=alice,
        locality=l2,
        observed_on=datetime.date(2026, 3, 15),
        kind=ObservationKind.ILLEGAL_DUMPING,
        passed_to=PassedTo.MUNICIPAL_POLICE,
    )
    ObservationFactory(observed_on=datetime.date(2026, 3, 16), kind=ObservationKind.ILLEGAL_DUMPING, **seen)
    o4 = ObservationFactory(
        assistant=bob, locality=l1, observed_on=datetime.date(2026, 3, 16), passed_to=PassedTo.POLICE
    )  # Bob is not assigned to the project
    o5 = ObservationFactory(observed_on=datetime.date(2026, 2, 16), passed_to=PassedTo.POLICE, **seen)
    ObservationFactory(assistant=oscar, locality=l1, observed_on=datetime.date(2026, 3, 16))
    officer = UserFactory(role=Role.POLICE, organisation=case2.region.organisations.first())
    for observation, when in ((o1, at(6)), (o5, at(2)), (o4, at(17)), (o1, at(1, 4))):
        reply = PoliceReply.objects.create(observation=observation, author=officer, text="Prověříme.")
        PoliceReply.objects.filter(pk=reply.pk).update(created_at=when)
    for case, when in ((case2, at(21)), (case4, at(9)), (case3, at(9)), (case2, at(2, 4))):
        feedback = PoliceFeedbackFactory(case=case, officer=officer)
        type(feedback).objects.filter(pk=feedback.pk).update(created_at=when)
    return {"project": project, "other_project": other_project, "l1": l1, "l2": l2}


def report_of(user, project, **overrides):
    params = parse_parameters(
        ReportType.PREVENTION_PROJECT, {**MARCH, "format": "xlsx", "subject": project.pk, **overrides}
    )
    return build_funder_report(report_type=ReportType.PREVENTION_PROJECT, params=params, requested_by=user)


def sheet(report, title: str) -> list[list]:
    found = [s for s in report.sheets if s.title == title]
    assert found, [s.title for s in report.sheets]
    return [list(row) for row in found[0].rows]


def test_every_cell_of_the_project_report(carol, march):
    report = report_of(carol, march["project"])
    assert [s.title for s in report.sheets] == [
        "Výkony podle typu",
        "Klienti",
        "Anonymní osoby",
        "Skupinové aktivity",
        "Lokality",
        "Pozorování",
        "Případy podle trestných činů",
        "Spolupráce s policií",
    ]
    # Type | in contacts | group | total | direct h | on behalf h | total h (in the types' order)
    assert sheet(report, "Výkony podle typu") == [
        ["Asistence / doprovod", 2, 0, 2, 1.75, 0.0, 1.75],
        ["Skupinová aktivita", 0, 1, 1, 1.5, 0.0, 1.5],
        ["Konzultace", 3, 0, 3, 0.5, 0.58, 1.08],
        ["Komunitní nebo preventivní akce", 0, 1, 1, 2.0, 0.0, 2.0],
        ["Celkem", 5, 2, 7, 5.75, 0.58, 6.33],
    ]
    # Marie only at contacts, Kudrna only at group activities (his contact is another project's), Josef both.
    assert sheet(report, "Klienti") == [
        ["Jen v individuální práci (kontakty)", 1],
        ["Jen na skupinových aktivitách", 1],
        ["V individuální práci i na skupinových aktivitách", 1],
        ["Různých klientů celkem", 3],
    ]
    assert sheet(report, "Anonymní osoby") == [["Při kontaktech", 2], ["Na skupinových aktivitách", 9], ["Celkem", 11]]
    # Activities | hours | attendances of clients | distinct clients | anonymous | attendances in total
    assert sheet(report, "Skupinové aktivity") == [
        ["Skupinová aktivita", 1, 1.5, 2, 2, 4, 6],
        ["Komunitní nebo preventivní akce", 1, 2.0, 1, 1, 5, 6],
        ["Celkem", 2, 3.5, 3, 2, 9, 12],
    ]
    l1, l2 = march["l1"], march["l2"]
    # Contacts | distinct clients | group activities | observations
    assert sheet(report, "Lokality") == [
        [str(l1), 2, 3, 1, 2],
        [str(l2), 1, 2, 1, 1],
        ["Nezaznamenáno", 1, 0, 0, 0],
        ["Celkem", 4, 3, 2, 3],
    ]
    observations = sheet(report, "Pozorování")
    assert observations[0] == ["Pomůcky k užívání drog", 0, 0, 1, 0, 0, 1]
    assert observations[1] == ["Černá skládka", 1, 1, 0, 0, 0, 2]
    assert all(row[1:] == [0] * 6 for row in observations[2:-1])
    assert observations[-1] == ["Celkem", 1, 1, 1, 0, 0, 3]
    cases = {row[0]: row[1:] for row in sheet(report, "Případy podle trestných činů")}
    assert cases["Lichva (§218)"] == [0, 1, 0, 0, 0, 0, 0, 1]
    assert cases["Vydírání (§175)"] == [0, 0, 1, 0, 0, 0, 0, 1]
    assert cases["Celkem"] == [0, 1, 1, 0, 0, 0, 0, 2]
    assert sum(sum(values) for label, values in cases.items() if label != "Celkem") == 4
    assert sheet(report, "Spolupráce s policií") == [
        ["Kontakty s Policií ČR", 2],
        ["Kontakty s městskou policií", 1],
        ["Doprovody na policii", 2],
        ["Různí klienti doprovázení na policii", 2],
        ["Pozorování předaná Policii ČR", 1],
        ["Pozorování předaná městské policii", 1],
        ["Přijaté odpovědi policie na pozorování", 2],
        ["Případy sdílené s policií", 1],
        ["Případy oznámené policii v období", 1],
        ["Přijaté zpětné vazby policie k případům", 2],
        ["Případy posouzené policií v období", 1],
    ]
    cover = dict(report.cover)
    assert cover["Projekt"] == "APK Brno"
    assert cover["Registrační číslo"] == "PPK-JMK/2026/01"
    assert cover["Doba realizace projektu"] == "1. 1. 2026 – 31. 12. 2026"
    assert cover["Organizace"] == carol.organisation.name
    assert "MV – Program prevence kriminality" in cover["Donátor"]
    assert any("jen jednou" in line for line in report.definitions)


def test_a_period_without_records_gives_zeros(carol, march):
    report = report_of(carol, march["project"], start="2025-06-01", end="2025-06-30")
    assert sheet(report, "Výkony podle typu") == [["Celkem", 0, 0, 0, 0.0, 0.0, 0.0]]
    assert sheet(report, "Klienti")[-1] == ["Různých klientů celkem", 0]
    assert sheet(report, "Spolupráce s policií")[0] == ["Kontakty s Policií ČR", 0]


def test_the_query_count_does_not_grow_with_the_records(carol, march, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        report_of(carol, march["project"])


def make(user, project, file_format, django_capture_on_commit_callbacks) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=False):
        job = services.report_job_request(
            by=user,
            report_type=ReportType.PREVENTION_PROJECT,
            raw_parameters={**MARCH, "format": file_format, "subject": project.pk},
        )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    assert job.organisation_id == project.organisation_id
    return job


def file_bytes(job: ReportJob) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


def test_xlsx_csv_and_pdf_read_back(carol, march, django_capture_on_commit_callbacks):
    xlsx = make(carol, march["project"], "xlsx", django_capture_on_commit_callbacks)
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(xlsx)))
    assert workbook.sheetnames[0] == "Titulní list"
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    assert "Spolupráce s policií" in workbook.sheetnames
    cover = {row[0]: row[1] for row in workbook["Titulní list"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Sestava"] == "Zpráva o projektu prevence kriminality"
    assert cover["Projekt"] == "APK Brno"
    rows = list(workbook["Výkony podle typu"].iter_rows(values_only=True))
    total = next(row for row in rows if row and row[0] == "Celkem")
    assert list(total[:7]) == ["Celkem", 5, 2, 7, 5.75, 0.58, 6.33]

    text = file_bytes(make(carol, march["project"], "csv", django_capture_on_commit_callbacks)).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Celkem", "5", "2", "7", "5,75", "0,58", "6,33"] in lines
    assert ["Přijaté zpětné vazby policie k případům", "2"] in lines

    pdf = PdfReader(io.BytesIO(file_bytes(make(carol, march["project"], "pdf", django_capture_on_commit_callbacks))))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Zpráva o projektu prevence kriminality" in pdf_text
    assert "APK Brno" in pdf_text
    assert "Spolupráce s policií" in pdf_text
    assert "5,75" in pdf_text


def test_only_the_own_organisations_projects_are_offered(carol, alice, oscar, march, other_org):
    foreign = project_of(other_org, "Cizí projekt")
    esf = project_of(carol.organisation, "OPZ+ projekt", FunderKind.ESF)
    offered = {pk for pk, _name in subject_choices(carol, ReportType.PREVENTION_PROJECT)}
    # A city's own crime-prevention grant can use the report too; ESF+ has a report of its own.
    assert offered == {march["project"].pk, march["other_project"].pk}
    assert foreign.pk not in offered and esf.pk not in offered
    assert subject_choices(alice, ReportType.PREVENTION_PROJECT) == []
    other_coordinator = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    assert {pk for pk, _n in subject_choices(other_coordinator, ReportType.PREVENTION_PROJECT)} == {foreign.pk}


def test_a_foreign_project_is_refused_by_the_form_the_service_and_the_job(
    client, carol, other_org, march, django_capture_on_commit_callbacks
):
    foreign = project_of(other_org, "Cizí projekt")
    client.force_login(carol)
    url = reverse("reports:create", args=[ReportType.PREVENTION_PROJECT])
    response = client.get(url)
    assert response.status_code == 200
    assert "APK Brno" in response.content.decode()
    response = client.post(url, {**MARCH, "format": "xlsx", "subject": foreign.pk})
    assert response.status_code == 200
    assert "Vyberte platnou možnost" in response.content.decode()
    assert not ReportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        services.report_job_request(
            by=carol,
            report_type=ReportType.PREVENTION_PROJECT,
            raw_parameters={**MARCH, "format": "xlsx", "subject": foreign.pk},
        )
    # A job naming a foreign project (made before a change of organisation, say) fails in the worker.
    job = ReportJob.objects.create(
        requested_by=carol,
        organisation=other_org,
        report_type=ReportType.PREVENTION_PROJECT,
        parameters={**MARCH, "format": "xlsx", "subject": foreign.pk},
    )
    with pytest.raises(PermissionDenied):  # the task turns it into a failed job
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state != JobState.DONE and not job.result_file


def test_an_assistant_is_not_offered_the_report(client, alice):
    client.force_login(alice)
    assert client.get(reverse("reports:create", args=[ReportType.PREVENTION_PROJECT])).status_code == 403


def test_the_demo_gives_a_project_report_with_work_in_it():
    from seed.demo import seed_demo

    seed_demo("demo-password-1", clients_per_org=6, contacts_per_assistant=8)
    coordinator = User.objects.get(username="koordinator.brno")
    project = Project.objects.get(name="Terénní programy – dotace Jihomoravského kraje")
    assert project.pk in {pk for pk, _name in subject_choices(coordinator, ReportType.PREVENTION_PROJECT)}
    report = report_of(coordinator, project, start="2024-01-01", end=timezone.localdate().isoformat())
    contacts_in_total = sheet(report, "Lokality")[-1][1]
    # Every contact of the assistant assigned to the project since 2024 (asistent2.brno) is its.
    assert contacts_in_total == Contact.objects.filter(assistant__username="asistent2.brno").count() > 0
    assert sheet(report, "Klienti")[-1][1] > 0
    town = Organisation.objects.get(name="Magistrát města Cheb").municipality
    assert town is not None and town.name == "Cheb"
