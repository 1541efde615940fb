"""ESF+ / OPZ+ project monitoring: exact numbers of every cell on a known set of records.

DROM's OPZ+ project runs from 1 January 2026; the monitoring period is the second quarter.
- Adam (man, 1980): 20 h of individual support (two contacts, one shared with Bára, one of its
  activities on his behalf) and 19.5 h of group activities: 39.5 h, minimally supported; a
  contact of July (after the period) and one of another project do not count.
- Bára (woman, 1995, no monitoring sheet): 20.5 h individual + 19.5 h group = 40 h exactly:
  a supported person.
- Kudrna (pseudonym, other sex): 30 h before the period, 11.5 h in it: 41.5 h since the start
  of the project, a supported person only thanks to the earlier periods.
- An anonymous client file (sex not stated): one hour.
- Eva: supported in March only, not a participant of the period.
- Anonymous persons: 3 at a contact, 4 at a group activity (2 women, 1 man, 1 not stated).
Records of another project, of no project, outside the period and of another organisation's
ESF+ project must not count.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from accounts.roles import Role
from clients.models import Client, ParticipantSheet, Sex
from contacts.models import Activity
from programmes.models import Funder, Project
from programmes.vocabulary import ActivityCategory, FunderKind
from reports import jobs, selectors, services, storage
from reports.funder_reports import esf, subject_choices
from reports.models import JobState, ReportJob, ReportType
from reports.parameters import parse_parameters
from tests.factories import ClientFactory, ContactFactory, GroupActivityFactory, UserFactory, activity_type_of

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
Q2 = {"start": "2026-04-01", "end": "2026-06-30", "breakdown": "all"}


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _esf_funder() -> Funder:
    funder, _ = Funder.objects.get_or_create(name="ESF+ (OPZ+)", defaults={"kind": FunderKind.ESF})
    return funder


def _project(organisation, name: str, funder: Funder | None = None) -> Project:
    return Project.objects.create(
        organisation=organisation,
        name=name,
        registration_number="CZ.03.02.01/00/22_005/0001234" if funder is None else "",
        funder=funder or _esf_funder(),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )


def _contact(assistant, when, minutes, clients=(), project=None, anonymous=0, on_behalf=0):
    """A contact of `minutes` of direct work (plus `on_behalf` minutes on the client's behalf)."""
    contact = ContactFactory(
        assistant=assistant,
        occurred_at=when,
        duration_minutes=minutes + on_behalf,
        clients=list(clients),
        project=project,
        anonymous_persons=anonymous,
        activities=[],
    )
    Activity.objects.create(contact=contact, activity_type=activity_type_of(contact.organisation), minutes=minutes)
    if on_behalf:
        Activity.objects.create(
            contact=contact,
            activity_type=activity_type_of(contact.organisation, ActivityCategory.ADVOCACY),
            minutes=on_behalf,
            work=Activity.Work.ON_BEHALF,
        )
    return contact


@pytest.fixture
def opz(alice, carol, oscar):
    project = _project(alice.organisation, "Asistenti pro jednání s úřady (OPZ+)")
    city_project = _project(
        alice.organisation, "Dotace města", Funder.objects.create(name="Město Brno", kind=FunderKind.OTHER)
    )
    foreign_project = _project(oscar.organisation, "Poradenství v regionech (OPZ+)")
    org = alice.organisation
    adam = ClientFactory(organisation=org, created_by=alice, first_name="Adam", sex=Sex.MALE, birth_year=1980)
    adam.district = District.objects.get(name="Brno-město")
    adam.save(update_fields=["district"])
    ParticipantSheet.objects.create(
        client=adam, labour_market_status="unemployed", education="declined", housing_exclusion="none"
    )
    bara = ClientFactory(organisation=org, created_by=alice, first_name="Bára", sex=Sex.FEMALE, birth_year=1995)
    kudrna = ClientFactory(
        organisation=org,
        created_by=alice,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Kudrna",
        birth_year=1990,
        sex=Sex.OTHER,
        external_id="EXT-7",
    )
    anonymous = ClientFactory(
        organisation=org, created_by=alice, identity=Client.Identity.ANONYMOUS, first_name="", last_name=""
    )
    eva = ClientFactory(organisation=org, created_by=alice, first_name="Eva", sex=Sex.FEMALE)
    filip = ClientFactory(organisation=org, created_by=alice, first_name="Filip", sex=Sex.MALE)
    foreigner = ClientFactory(organisation=oscar.organisation, created_by=oscar, sex=Sex.MALE)

    # In the period, in the project.
    _contact(alice, at(4, 2), 500, [adam, bara], project, on_behalf=100)  # 10 h each
    _contact(alice, at(4, 9), 600, [adam], project)
    _contact(alice, at(4, 16), 630, [bara], project)
    _contact(alice, at(5, 5), 300, [kudrna], project)
    _contact(alice, at(5, 6), 60, [anonymous], project)
    _contact(alice, at(5, 7), 30, [], project, anonymous=3)
    for day, people in ((at(4, 20), [adam, bara, kudrna]), (at(5, 20), [adam, bara]), (at(6, 20), [adam, bara])):
        GroupActivityFactory(
            author=alice,
            occurred_at=day,
            minutes=390,
            project=project,
            participants=people,
            head_count={("female", "27-64"): 2, ("male", "18-26"): 1, ("unknown", "65+"): 1}
            if day.month == 4
            else None,
        )
    # Earlier in the project: they count in Kudrna's hours since its start, Eva is not a participant.
    _contact(alice, at(2, 10), 1200, [kudrna], project)
    _contact(alice, at(3, 10), 600, [kudrna], project)
    _contact(alice, at(3, 15), 120, [eva], project)
    # After the period, another project, no project, another organisation: none counts.
    _contact(alice, at(7, 2), 600, [adam], project, anonymous=2)
    GroupActivityFactory(author=alice, occurred_at=at(7, 10), minutes=600, project=project, participants=[adam])
    _contact(alice, at(4, 20), 600, [adam, filip], city_project, anonymous=5)
    _contact(alice, at(4, 21), 600, [filip, bara])
    GroupActivityFactory(
        author=alice, occurred_at=at(4, 22), minutes=600, participants=[bara], head_count={("male", "65+"): 4}
    )
    _contact(oscar, at(4, 2), 900, [foreigner], foreign_project, anonymous=6)
    return {
        "project": project,
        "city_project": city_project,
        "foreign_project": foreign_project,
        "clients": [adam, bara, kudrna, anonymous],
    }


def _make(carol, project, file_format, django_capture_on_commit_callbacks, **overrides) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=False):
        job = services.report_job_request(
            by=carol,
            report_type=ReportType.ESF_MONITORING,
            raw_parameters={**Q2, "format": file_format, "subject": project.pk, **overrides},
        )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    return job


def _bytes(job: ReportJob) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


SUMMARY = [
    ["Ukazatel", "Celkem", "Muži", "Ženy", "Jiné nebo neuvedeno"],
    ["Účastníci (každá osoba jednou)", "4", "1", "1", "2"],
    ["z toho podpořené osoby (alespoň 40 hodin podpory od začátku projektu)", "2", "0", "1", "1"],
    ["z toho minimálně podpořené osoby (méně než 40 hodin)", "2", "1", "0", "1"],
    ["z toho vedené anonymně (karta klienta bez identity)", "1", "0", "0", "1"],
    ["Anonymní osoby bez karty klienta: individuální kontakty", "3", "0", "0", "3"],
    ["Anonymní osoby bez karty klienta: skupinové aktivity", "4", "1", "2", "1"],
    ["Anonymní osoby bez karty klienta celkem", "7", "1", "2", "4"],
    ["Minimálně podpořené a anonymní osoby (zjednodušený indikátor)", "9", "2", "2", "5"],
]
HOURS = [
    ["Podpora", "Hodiny v období", "Hodiny od začátku projektu"],
    ["Individuální činnosti", "46,50", "76,50"],
    ["Skupinové aktivity", "45,50", "45,50"],
    ["Celkem", "92,00", "122,00"],
]
SHEET_HEADER = [
    "Číslo klienta",
    "Externí identifikátor",
    "Pohlaví",
    "Rok narození",
    "Věk na konci období",
    "Okres bydliště",
    "Postavení na trhu práce",
    "Nejvyšší dosažené vzdělání (ISCED)",
    "Vyloučení z bydlení",
    "Znevýhodnění",
    "Vstup do projektu",
    "Hodiny individuální podpory v období",
    "Hodiny skupinové podpory v období",
    "Hodiny podpory v období",
    "Hodiny podpory od začátku projektu",
    "Podpořená osoba (40 hodin)",
]
NOT_ASKED = "nezjišťováno"


def _sheet_rows(clients) -> list[list[str]]:
    adam, bara, kudrna, anonymous = (str(client.pk) for client in clients)
    return [
        [
            adam,
            "",
            "Muž",
            "1980",
            "46",
            "Brno-město",
            "Nezaměstnaný(á), v evidenci úřadu práce",
            "odmítl(a) uvést",
            "Bez vyloučení z bydlení",
            NOT_ASKED,
            "2. 4. 2026",
            "20,00",
            "19,50",
            "39,50",
            "39,50",
            "ne",
        ],
        [bara, "", "Žena", "1995", "31", "", *[NOT_ASKED] * 4, "2. 4. 2026", "20,50", "19,50", "40,00", "40,00", "ano"],
        [
            kudrna,
            "EXT-7",
            "Jiné",
            "1990",
            "36",
            "",
            *[NOT_ASKED] * 4,
            "10. 2. 2026",
            "5,00",
            "6,50",
            "11,50",
            "41,50",
            "ano",
        ],
        [anonymous, "", "Neuvedeno", "", "", "", *[NOT_ASKED] * 4, "6. 5. 2026", "1,00", "0,00", "1,00", "1,00", "ne"],
    ]


def test_every_cell_of_the_csv(carol, opz, django_capture_on_commit_callbacks):
    job = _make(carol, opz["project"], "csv", django_capture_on_commit_callbacks)
    text = _bytes(job).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Monitorování projektu ESF+"]
    cover = {row[0]: row[1] for row in rows[2:] if len(row) == 2}
    assert cover["Období"] == "1. 4. 2026 – 30. 6. 2026"
    assert cover["Projekt"] == "Asistenti pro jednání s úřady (OPZ+)"
    assert cover["Registrační číslo"] == "CZ.03.02.01/00/22_005/0001234"
    assert cover["Donátor"] == "ESF+ (OPZ+)"
    assert cover["Organizace"] == "DROM, romské středisko"
    assert cover["Doba realizace projektu"] == "1. 1. 2026 – 31. 12. 2027"
    assert "právě 40 hodin hranice dosahuje" in text  # the threshold's definition on the cover
    blocks = [block.strip("\r\n") for block in text.split("\r\n\r\n")]
    sections = {}
    for block in blocks[1:]:
        lines = list(csv.reader(io.StringIO(block), delimiter=";"))
        sections[lines[0][0]] = lines[1:]
    assert sections["Účastníci projektu"][: len(SUMMARY)] == SUMMARY
    assert sections["Hodiny podpory"][: len(HOURS)] == HOURS
    participant_sheet = sections["List účastníků"]
    assert participant_sheet[0] == SHEET_HEADER
    assert participant_sheet[1:5] == _sheet_rows(opz["clients"])
    assert len(participant_sheet) == 6  # the four participants and the note
    assert "Kudrna" not in text and "Adam" not in text  # never a name


def test_xlsx_has_the_cover_real_dates_and_numbers(carol, opz, django_capture_on_commit_callbacks):
    job = _make(carol, opz["project"], "xlsx", django_capture_on_commit_callbacks)
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(job)))
    assert workbook.sheetnames == ["Titulní list", "Účastníci projektu", "Hodiny podpory", "List účastníků"]
    cover = {row[0]: row[1] for row in workbook["Titulní list"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Projekt"] == "Asistenti pro jednání s úřady (OPZ+)"
    summary = list(workbook["Účastníci projektu"].iter_rows(values_only=True))
    assert summary[1][:5] == ("Účastníci (každá osoba jednou)", 4, 1, 1, 2)
    assert summary[8][:5] == ("Minimálně podpořené a anonymní osoby (zjednodušený indikátor)", 9, 2, 2, 5)
    sheet = list(workbook["List účastníků"].iter_rows(values_only=True))
    adam, bara, kudrna = sheet[1], sheet[2], sheet[3]
    assert adam[10] == datetime.datetime(2026, 4, 2)  # noqa: DTZ001 - a date in XLSX has no zone
    assert kudrna[10] == datetime.datetime(2026, 2, 10)  # noqa: DTZ001
    assert (adam[13], adam[14], adam[15]) == (39.5, 39.5, "ne")
    assert (bara[13], bara[14], bara[15]) == (40, 40, "ano")
    assert (kudrna[13], kudrna[14], kudrna[15]) == (11.5, 41.5, "ano")
    assert adam[7] == "odmítl(a) uvést"


def test_pdf_shows_the_numbers_with_a_decimal_comma(carol, opz, django_capture_on_commit_callbacks):
    job = _make(carol, opz["project"], "pdf", django_capture_on_commit_callbacks)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(_bytes(job))).pages)
    assert "Monitorování projektu ESF+" in text
    assert "Asistenti pro jednání s úřady (OPZ+)" in text
    assert "39,50" in text and "41,50" in text and "122,00" in text


def test_the_build_reads_a_constant_number_of_queries(carol, alice, opz):
    params = parse_parameters(ReportType.ESF_MONITORING, {**Q2, "format": "csv", "subject": opz["project"].pk})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report = esf.build(subject=opz["project"], params=params, requested_by=carol)
            for sheet in report.sheets:
                list(sheet.rows)
        return len(captured)

    before = queries()
    for _ in range(5):
        newcomer = ClientFactory(organisation=alice.organisation, created_by=alice, sex=Sex.FEMALE)
        ParticipantSheet.objects.create(client=newcomer, education="isced_2")
        _contact(alice, at(6, 1), 90, [newcomer], opz["project"])
        GroupActivityFactory(author=alice, occurred_at=at(6, 2), project=opz["project"], participants=[newcomer])
    assert queries() == before == 8


# Which projects, and who sees the job -----------------------------------------------------------


def test_only_the_own_organisations_esf_projects_are_offered(carol, opz):
    assert subject_choices(carol, ReportType.ESF_MONITORING) == [(opz["project"].pk, opz["project"].name)]
    assert list(esf.subjects(UserFactory(role=Role.COORDINATOR, organisation=None))) == []


def test_another_organisations_project_is_refused_by_the_form_and_the_service(client, carol, opz):
    client.force_login(carol)
    response = client.post(
        reverse("reports:create", args=["esf"]), {**Q2, "format": "csv", "subject": opz["foreign_project"].pk}
    )
    assert response.status_code == 200
    assert "Vyberte platnou možnost" in response.content.decode()
    for project in (opz["foreign_project"], opz["city_project"]):
        with pytest.raises(PermissionDenied):
            services.report_job_request(
                by=carol,
                report_type=ReportType.ESF_MONITORING,
                raw_parameters={**Q2, "format": "csv", "subject": project.pk},
            )
    assert not ReportJob.objects.exists()


def test_the_worker_refuses_a_project_no_longer_in_scope(carol, opz, other_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.report_job_request(
            by=carol,
            report_type=ReportType.ESF_MONITORING,
            raw_parameters={**Q2, "format": "csv", "subject": opz["project"].pk},
        )
    carol.organisation = other_org
    carol.save(update_fields=["organisation"])
    with pytest.raises(PermissionDenied):
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state != JobState.DONE and not job.result_file


def test_assistants_may_not_ask_for_it(alice, opz):
    with pytest.raises(PermissionDenied):
        services.report_job_request(
            by=alice,
            report_type=ReportType.ESF_MONITORING,
            raw_parameters={**Q2, "format": "csv", "subject": opz["project"].pk},
        )


def test_the_participant_sheet_stays_with_whoever_asked(client, carol, drom, opz, django_capture_on_commit_callbacks):
    assert ReportType.ESF_MONITORING not in selectors.ORGANISATION_FUNDER_REPORTS
    job = _make(carol, opz["project"], "csv", django_capture_on_commit_callbacks)
    colleague = UserFactory(username="cyril", organisation=drom, role=Role.COORDINATOR)
    assert not selectors.visible_report_jobs(colleague).filter(pk=job.pk).exists()
    client.force_login(colleague)
    for name in ("reports:detail", "reports:progress", "reports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    client.force_login(carol)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200


def test_the_demo_gives_the_coordinator_a_report_on_both_sides_of_the_threshold(db, settings, tmp_path):
    from accounts.models import User
    from seed.demo import seed_demo

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    seed_demo("demo-heslo-123")
    coordinator = User.objects.get(username="koordinator.brno")
    (project,) = esf.subjects(coordinator)
    assert project.name == "Asistenti pro jednání s úřady (OPZ+)"
    params = parse_parameters(
        ReportType.ESF_MONITORING,
        {
            "start": "2024-01-01",
            "end": timezone.localdate().isoformat(),
            "breakdown": "all",
            "format": "xlsx",
            "subject": project.pk,
        },
    )
    summary = esf.build(subject=project, params=params, requested_by=coordinator).sheets[0].rows
    participants, supported, minimal = (row[1] for row in list(summary)[:3])
    assert participants == supported + minimal and supported >= 2 and minimal >= 5


def test_the_form_offers_the_project_the_last_half_year_and_warns_of_personal_data(client, carol, opz):
    assert esf.initial_period(datetime.date(2026, 12, 6)) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert esf.initial_period(datetime.date(2027, 3, 1)) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    client.force_login(carol)
    response = client.get(reverse("reports:create", args=["esf"]))
    form = response.context["form"]
    start, end = esf.initial_period(timezone.localdate())
    assert (form.initial["start"], form.initial["end"]) == (start, end)
    assert list(form.fields["subject"].choices) == [("", "—"), (opz["project"].pk, opz["project"].name)]
    body = response.content.decode()
    assert "Projekt ESF+ / OPZ+" in body and "osobní údaje" in body
