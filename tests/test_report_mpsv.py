"""The MPSV annual statement and the user cards of a registered service, from a fixed data set
of the year 2025 whose true numbers are known (below), cell by cell.

Drom's registered field programme S (capacity 10), clients:
- Josef: man, born 1990 (35), Brno-město, victims of crime; contacts 3 March (accompaniment
  60 min), 10 March (intervention 30 min + dealing on his behalf 20 min), 5 June (crisis
  intervention 45 min), and the group activity of 20 March: one user.
- Marie: woman, born 2010 (15), Brno-venkov, victims of crime and of domestic violence; started
  using the service on 1 April 2025; contacts 15 April (intervention 30 min) and 31 December at
  23:30 local time (information 10 min); her contact at 00:30 on 1 January 2026 is next year's.
- Kudrna: pseudonymous man, born 1950 (75), no district, no target group; used the service
  from 2023 until 30 September 2025 (moved away); contacts 10 February and 20 September
  (accompaniment 60 and 40 min).
- An anonymous client file (sex not stated): the group activity of 5 May only.
- Eva: contacts in 2024 and in the organisation's other service only: not a user.
Also a contact of 20 June with 3 anonymous persons (15 min, "Kontakt"), the group activity of
20 March with 2 + 1 anonymous persons (90 min) and that of 5 May (60 min). Another organisation's
contacts, the other service's and 2024's records do not count.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import District
from accounts.roles import Role
from clients.models import Client, RefusalReason, Sex
from contacts.models import Activity
from programmes.models import StaffTime
from programmes.services import service_create, starting_service
from programmes.vocabulary import ActivityCategory, ServiceKind, TargetGroup
from reports import jobs, services, storage
from reports.funder_reports import build_funder_report, subject_choices
from reports.models import JobState, ReportJob, ReportType
from reports.parameters import parse_parameters
from tests.factories import (
    ClientFactory,
    ContactFactory,
    GroupActivityFactory,
    RefusedApplicantFactory,
    ServiceUseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
YEAR = {"start": "2025-01-01", "end": "2025-12-31", "breakdown": "all"}


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2025) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _activity(service, category: str, minutes: int, work: str = Activity.Work.DIRECT) -> Activity:
    return Activity(activity_type=service.activity_types.get(category=category), minutes=minutes, work=work)


@pytest.fixture
def data(alice, bob, carol, oscar):
    drom = alice.organisation
    service = starting_service(drom)
    service.kind, service.registration_id, service.capacity = ServiceKind.FIELD_PROGRAMMES, "4523817", 10
    service.name = "Terénní programy Brno"
    service.save()
    counselling = service_create(
        organisation=drom, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING, registration_id="7318452"
    )
    project = service_create(organisation=drom, name="APK Brno", kind=ServiceKind.NOT_REGISTERED)
    brno, venkov = District.objects.get(name="Brno-město"), District.objects.get(name="Brno-venkov")
    josef = ClientFactory(
        organisation=drom,
        created_by=alice,
        first_name="Josef",
        last_name="Horváth",
        sex=Sex.MALE,
        birth_year=1990,
        district=brno,
        target_groups=[TargetGroup.CRIME_VICTIMS],
        external_id="DROM-0007",
    )
    marie = ClientFactory(
        organisation=drom,
        created_by=alice,
        first_name="Marie",
        last_name="Daniová",
        sex=Sex.FEMALE,
        birth_year=2010,
        district=venkov,
        target_groups=[TargetGroup.CRIME_VICTIMS, TargetGroup.DOMESTIC_VIOLENCE],
    )
    kudrna = ClientFactory(
        organisation=drom,
        created_by=bob,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Kudrna",
        sex=Sex.MALE,
        birth_year=1950,
    )
    anonymous = ClientFactory(
        organisation=drom, created_by=alice, identity=Client.Identity.ANONYMOUS, first_name="", last_name=""
    )
    eva = ClientFactory(organisation=drom, created_by=alice, first_name="Eva", sex=Sex.FEMALE, birth_year=1980)
    ServiceUseFactory(client=marie, service=service, started_on=datetime.date(2025, 4, 1))
    ServiceUseFactory(
        client=kudrna,
        service=service,
        started_on=datetime.date(2023, 1, 1),
        ended_on=datetime.date(2025, 9, 30),
        end_reason="moved_away",
    )
    # The year's records of work of the service.
    contact = ContactFactory
    contact(assistant=alice, occurred_at=at(3, 3), duration_minutes=60, clients=[josef])
    contact(
        assistant=alice,
        occurred_at=at(3, 10),
        duration_minutes=50,
        clients=[josef],
        activities=[
            _activity(service, ActivityCategory.INTERVENTION, 30),
            _activity(service, ActivityCategory.ADVOCACY, 20, Activity.Work.ON_BEHALF),
        ],
    )
    contact(assistant=bob, occurred_at=at(6, 5), duration_minutes=45, clients=[josef], activities__category="crisis")
    contact(
        assistant=alice,
        occurred_at=at(4, 15),
        duration_minutes=30,
        clients=[marie],
        activities__category="intervention",
    )
    contact(assistant=bob, occurred_at=at(2, 10), duration_minutes=60, clients=[kudrna])
    contact(assistant=bob, occurred_at=at(9, 20), duration_minutes=40, clients=[kudrna])
    contact(
        assistant=alice, occurred_at=at(6, 20), duration_minutes=15, anonymous_persons=3, activities__category="contact"
    )
    contact(
        assistant=alice,
        occurred_at=at(12, 31, 23, 30),
        duration_minutes=10,
        clients=[marie],
        activities__category="information",
    )
    GroupActivityFactory(
        author=alice,
        occurred_at=at(3, 20),
        minutes=90,
        participants=[josef],
        head_count={("female", "27-64"): 2, ("male", "18-26"): 1},
    )
    GroupActivityFactory(author=alice, occurred_at=at(5, 5), minutes=60, participants=[anonymous])
    # Records that must not count: next year (local time), last year, another service, another organisation.
    contact(assistant=alice, occurred_at=at(1, 1, 0, 30, year=2026), duration_minutes=30, clients=[marie])
    contact(assistant=alice, occurred_at=at(11, 10, year=2024), clients=[josef, eva], anonymous_persons=4)
    GroupActivityFactory(author=alice, occurred_at=at(11, 12, year=2024), participants=[eva], head_count={})
    contact(assistant=alice, service=counselling, occurred_at=at(5, 1), clients=[eva], anonymous_persons=5)
    contact(
        assistant=oscar,
        occurred_at=at(3, 3),
        clients=[ClientFactory(organisation=oscar.organisation, created_by=oscar, sex=Sex.MALE)],
        anonymous_persons=2,
    )
    # Refusals: two for lack of capacity (a woman, a man) and one on health grounds in 2025.
    RefusedApplicantFactory(recorded_by=alice, requested_on=datetime.date(2025, 3, 1), sex="female")
    RefusedApplicantFactory(recorded_by=alice, requested_on=datetime.date(2025, 7, 1), sex="male")
    RefusedApplicantFactory(
        recorded_by=alice, requested_on=datetime.date(2025, 8, 1), sex="", reason=RefusalReason.HEALTH
    )
    RefusedApplicantFactory(recorded_by=alice, requested_on=datetime.date(2024, 8, 1), sex="male")
    RefusedApplicantFactory(recorded_by=oscar, requested_on=datetime.date(2025, 8, 1), sex="male")
    # Paid working time: Alice a day (8 h), Bob a week (40 h) in the service; not counted: Alice's
    # day in the other service and her day of 2024.
    for assistant, period, day, minutes, where in [
        (alice, StaffTime.Period.DAY, datetime.date(2025, 3, 3), 480, service),
        (bob, StaffTime.Period.WEEK, datetime.date(2025, 3, 3), 2400, service),
        (alice, StaffTime.Period.DAY, datetime.date(2025, 3, 4), 480, counselling),
        (alice, StaffTime.Period.DAY, datetime.date(2024, 3, 4), 480, service),
    ]:
        StaffTime.objects.create(
            assistant=assistant,
            organisation=drom,
            service=where,
            period=period,
            starts_on=day,
            minutes=minutes,
            entered_by=carol,
        )
    return {
        "service": service,
        "counselling": counselling,
        "project": project,
        "josef": josef,
        "marie": marie,
        "kudrna": kudrna,
        "anonymous": anonymous,
    }


def _report(carol, service, report_type=ReportType.MPSV_STATEMENT, file_format="xlsx"):
    params = parse_parameters(report_type, {**YEAR, "format": file_format, "subject": service.pk})
    return build_funder_report(report_type=report_type, params=params, requested_by=carol)


def _sheet(report, title):
    return next(sheet for sheet in report.sheets if sheet.title == title)


def test_statement_counts_every_cell(carol, data):
    report = _report(carol, data["service"])
    assert [sheet.title for sheet in report.sheets] == [
        "Přehled",
        "Uživatelé podle pohlaví a věku",
        "Uživatelé podle okresu",
        "Uživatelé podle cílové skupiny",
        "Odmítnutí zájemci",
        "Kontakty a intervence",
        "Personál",
        "Kapacita",
        "Uživatelé podle měsíců",
    ]
    assert [list(row) for row in _sheet(report, "Přehled").rows] == [
        ["Uživatelé služby (osoby s evidencí)", 4, ""],  # Josef once, Marie, Kudrna, the anonymous file
        ["– z toho jménem", 2, ""],
        ["– z toho pod přezdívkou", 1, ""],
        ["– z toho s anonymní evidencí", 1, ""],
        ["– z toho v individuálních kontaktech", 3, ""],
        ["– z toho na skupinových aktivitách", 2, ""],
        ["– z toho začali službu využívat v roce", 1, ""],
        ["– z toho přestali službu využívat v roce", 1, ""],
        ["Anonymní osoby bez evidence (přítomné, sečtené)", 6, ""],
        ["– na kontaktech", 3, ""],
        ["– na skupinových aktivitách", 3, ""],
        ["Kontakty (záznamy práce)", 8, ""],
        ["Intervence", 3, ""],
        ["Skupinové aktivity", 2, 2.5],
        ["Přímá práce s klienty", "", 4.83],  # 290 minutes
        ["Práce ve prospěch klientů", "", 0.33],  # 20 minutes
    ]
    age = _sheet(report, "Uživatelé podle pohlaví a věku")
    assert age.header == ["Věk na konci roku", "Žena", "Muž", "Jiné", "Neuvedeno", "Celkem"]
    assert [list(row) for row in age.rows] == [
        ["do 6 let", 0, 0, 0, 0, 0],
        ["7–12 let", 0, 0, 0, 0, 0],
        ["13–15 let", 1, 0, 0, 0, 1],
        ["16–18 let", 0, 0, 0, 0, 0],
        ["19–26 let", 0, 0, 0, 0, 0],
        ["27–64 let", 0, 1, 0, 0, 1],
        ["65–80 let", 0, 1, 0, 0, 1],
        ["81 let a více", 0, 0, 0, 0, 0],
        ["Rok narození neuveden", 0, 0, 0, 1, 1],
        ["Celkem", 1, 2, 0, 1, 4],
    ]
    assert [list(row) for row in _sheet(report, "Uživatelé podle okresu").rows] == [
        ["Brno-město", 0, 1, 0, 0, 1],
        ["Brno-venkov", 1, 0, 0, 0, 1],
        ["Nezaznamenáno", 0, 1, 0, 1, 2],
        ["Celkem", 1, 2, 0, 1, 4],
    ]
    groups = {row[0]: row[1] for row in _sheet(report, "Uživatelé podle cílové skupiny").rows}
    assert groups.pop("Oběti trestného činu") == 2
    assert groups.pop("Osoby ohrožené domácím násilím") == 1
    assert groups.pop("Nezaznamenáno") == 2
    assert groups.pop("Uživatelé celkem (každý jednou)") == 4
    assert set(groups.values()) == {0} and len(groups) == 11  # the other target groups of a person
    refused = _sheet(report, "Odmítnutí zájemci")
    assert refused.header == ["Důvod odmítnutí", "Žena", "Muž", "Neuvedeno", "Celkem"]
    assert [list(row)[1:] for row in refused.rows] == [
        [0, 0, 0, 0],  # § 91(3)(a)
        [1, 1, 0, 2],  # capacity
        [0, 0, 1, 1],  # health
        [0, 0, 0, 0],  # § 91(3)(d)
        [1, 1, 1, 3],
    ]
    activities = [list(row) for row in _sheet(report, "Kontakty a intervence").rows]
    assert activities == [
        ["Kontakt", "Kontakt", 1, 1, 0, 0.25, 0.0],
        ["Informační servis", "Informační servis", 1, 1, 0, 0.17, 0.0],
        ["Asistence / doprovod", "Asistence / doprovod", 3, 3, 0, 2.67, 0.0],
        ["Jednání v zájmu klienta", "Jednání v zájmu klienta", 1, 1, 0, 0.0, 0.33],
        ["Intervence", "Intervence", 2, 2, 2, 1.0, 0.0],
        ["Krizová intervence", "Krizová intervence", 1, 1, 1, 0.75, 0.0],
        *[
            [name, category, 0, 0, 0, 0.0, 0.0]
            for name, category in [
                ("Případová konference", "Případová konference"),
                ("Skupinová aktivita", "Skupinová aktivita"),
                ("Depistáž / monitoring lokality", "Depistáž / monitoring lokality"),
                ("Zprostředkování", "Zprostředkování"),
                ("Konzultace", "Konzultace"),
                ("Terénní návštěva", "Terénní návštěva"),
                ("Telefonický kontakt", "Telefon"),
                ("Komunitní nebo preventivní akce", "Komunitní nebo preventivní akce"),
            ]
        ],
        ["Služba celkem", "", 8, 9, 3, 4.83, 0.33],
    ]
    # 2025: 261 weekdays, 10 of them public holidays; paid 8 + 40 hours; direct 290 minutes.
    assert [list(row) for row in _sheet(report, "Personál").rows] == [[2, 251, 48.0, 0.02, 4.83, 0.33, 290 / 2880]]
    # Users by month: Feb Kudrna, Mar Josef (three records, one person), Apr Marie, May the
    # anonymous file, Jun Josef, Sep Kudrna, Dec Marie (31 December, 23:30 local time).
    assert [list(row) for row in _sheet(report, "Kapacita").rows] == [[10, 0.58, 1, "únor 2025", 7 / 12 / 10, 0.1]]
    monthly = [list(row) for row in _sheet(report, "Uživatelé podle měsíců").rows]
    assert [row[1] for row in monthly] == [0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1]
    assert monthly[1] == ["únor 2025", 1, 0.1] and monthly[0] == ["leden 2025", 0, 0.0]
    assert dict(report.cover)["Služba"] == "Terénní programy Brno"
    assert dict(report.cover)["Identifikátor registrace"] == "4523817"
    assert dict(report.cover)["Poskytovatel"] == "DROM, romské středisko"
    assert dict(report.cover)["Kapacita (klientů současně)"] == "10"
    assert dict(report.cover)["Období"] == "1. 1. 2025 – 31. 12. 2025"


# The files, made by the job end to end ---------------------------------------------------------


def _job(user, service, report_type=ReportType.MPSV_STATEMENT, file_format="xlsx") -> ReportJob:
    raw = {**YEAR, "format": file_format, "subject": service.pk}
    job = services.report_job_request(by=user, report_type=report_type, raw_parameters=raw)
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    return job


def _bytes(job: ReportJob) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


def test_statement_xlsx_has_the_cover_and_the_numbers(carol, data):
    job = _job(carol, data["service"])
    assert job.organisation_id == carol.organisation_id
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(job)))
    assert workbook.sheetnames[:3] == ["Titulní list", "Přehled", "Uživatelé podle pohlaví a věku"]
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    cover = {row[0]: row[1] for row in workbook["Titulní list"].iter_rows(values_only=True) if row[0]}
    assert cover["Služba"] == "Terénní programy Brno" and cover["Identifikátor registrace"] == "4523817"
    assert cover["Druh služby"] == "Terénní programy (§ 69)"
    overview = list(workbook["Přehled"].iter_rows(values_only=True))
    assert overview[1] == ("Uživatelé služby (osoby s evidencí)", 4, "")
    assert overview[-2] == ("Přímá práce s klienty", "", 4.83)
    staff = list(workbook["Personál"].iter_rows(values_only=True))
    assert staff[1][:4] == (2, 251, 48, 0.02)


def test_statement_csv_writes_decimal_commas(carol, data):
    text = _bytes(_job(carol, data["service"], file_format="csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Přímá práce s klienty", "", "4,83"] in rows
    assert ["Služba celkem", "", "8", "9", "3", "4,83", "0,33"] in rows
    assert ["únor 2025", "1", "10,0 %"] in rows
    assert ["Identifikátor registrace", "4523817"] in rows


def test_statement_pdf_has_the_cover_and_the_tables(carol, data):
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(_bytes(_job(carol, data["service"], file_format="pdf"))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Roční výkaz sociální služby (MPSV)" in text and "4523817" in text
    assert "Uživatelé podle okresu" in text and "Kontakty a intervence" in text and "4,83" in text


# Who may ask, about what -------------------------------------------------------------------------


def test_only_the_registered_services_of_the_own_organisation_are_offered(carol, alice, oscar, data):
    olga = UserFactory(username="olga", organisation=oscar.organisation, role=Role.COORDINATOR)
    foreign = starting_service(oscar.organisation)
    foreign.kind, foreign.registration_id = ServiceKind.FIELD_PROGRAMMES, "9087341"
    foreign.save()
    for report_type in (ReportType.MPSV_STATEMENT,):
        assert subject_choices(carol, report_type) == [
            (data["counselling"].pk, "Poradna"),
            (data["service"].pk, "Terénní programy Brno"),
        ]
        assert subject_choices(olga, report_type) == [(foreign.pk, foreign.name)]
        assert subject_choices(alice, report_type) == []
    # Another organisation's service and a service that is not registered are refused.
    for service in (foreign, data["project"]):
        with pytest.raises(PermissionDenied):
            _report(carol, service)
        with pytest.raises(PermissionDenied):
            services.report_job_request(
                by=carol,
                report_type=ReportType.MPSV_STATEMENT,
                raw_parameters={**YEAR, "format": "xlsx", "subject": service.pk},
            )


def test_form_refuses_a_foreign_service_and_a_part_of_a_year(client, carol, oscar, data):
    foreign = starting_service(oscar.organisation)
    client.force_login(carol)
    url = reverse("reports:create", args=[ReportType.MPSV_STATEMENT])
    page = client.get(url).content.decode()
    assert "Terénní programy Brno" in page and "APK Brno" not in page and foreign.name not in page
    response = client.post(url, {"subject": foreign.pk, "year": "2025", "breakdown": "all", "format": "xlsx"})
    assert response.status_code == 200 and not ReportJob.objects.exists()
    response = client.post(url, {"subject": data["service"].pk, "year": "2025", "breakdown": "all", "format": "xlsx"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.parameters["start"] == "2025-01-01" and job.parameters["end"] == "2025-12-31"
    with pytest.raises(Exception, match="kalendářní rok"):
        parse_parameters(ReportType.MPSV_STATEMENT, {**YEAR, "end": "2025-06-30", "format": "xlsx", "subject": 1})


def test_the_job_refuses_a_service_its_requester_no_longer_may_choose(carol, data):
    raw = {**YEAR, "format": "xlsx", "subject": data["service"].pk}
    job = services.report_job_request(by=carol, report_type=ReportType.MPSV_STATEMENT, raw_parameters=raw)
    carol.role = Role.ASSISTANT
    carol.save(update_fields=["role"])
    with pytest.raises(PermissionDenied):  # the task marks the job failed (reports.tasks)
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state != JobState.DONE and not job.result_file


# The user cards ---------------------------------------------------------------------------------


def test_user_cards_one_row_per_user_in_the_card_columns(carol, data):
    report = _report(carol, data["service"], report_type=ReportType.MPSV_USER_CARDS)
    (sheet,) = report.sheets
    assert sheet.header == [
        "Identifikátor uživatele",
        "Číslo klienta",
        "Pohlaví",
        "Rok narození",
        "Cílová skupina",
        "Okres bydliště",
        "Zahájení poskytování služby",
        "Ukončení poskytování služby",
        "Důvod ukončení",
        "První kontakt v roce",
        "Poslední kontakt v roce",
        "Zahájení a ukončení podle",
    ]
    assert sheet.row_count == 4
    josef, marie, kudrna, anonymous = (data[name] for name in ("josef", "marie", "kudrna", "anonymous"))
    day = datetime.date
    assert [list(row) for row in sheet.rows] == [
        # No recorded period: the first and last contact or group activity of the year.
        ["DROM-0007", josef.pk, "Muž", 1990, "Oběti trestného činu", "Brno-město",
         day(2025, 3, 3), day(2025, 6, 5), "", day(2025, 3, 3), day(2025, 6, 5), "kontaktů v roce"],
        # Started inside the year, still open; her last contact at 23:30 on 31 December counts.
        [str(marie.pk), marie.pk, "Žena", 2010, "Oběti trestného činu; Osoby ohrožené domácím násilím",
         "Brno-venkov", day(2025, 4, 1), "", "", day(2025, 4, 15), day(2025, 12, 31),
         "zaznamenaného období využívání"],
        # Started before the year, ended inside it.
        [str(kudrna.pk), kudrna.pk, "Muž", 1950, "", "", day(2023, 1, 1), day(2025, 9, 30), "Odstěhoval(a) se",
         day(2025, 2, 10), day(2025, 9, 20), "zaznamenaného období využívání"],
        [str(anonymous.pk), anonymous.pk, "Neuvedeno", "", "", "", day(2025, 5, 5), day(2025, 5, 5), "",
         day(2025, 5, 5), day(2025, 5, 5), "kontaktů v roce"],
    ]  # fmt: skip
    text = repr([list(row) for row in mpsv_cards_rows(carol, data)])
    for name in ("Josef", "Horváth", "Marie", "Daniová", "Kudrna"):
        assert name not in text


def mpsv_cards_rows(carol, data):
    return _report(carol, data["service"], report_type=ReportType.MPSV_USER_CARDS).sheets[0].rows


def test_user_cards_xlsx_has_dates_as_dates_and_csv_no_pdf(carol, data):
    job = _job(carol, data["service"], report_type=ReportType.MPSV_USER_CARDS)
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(job)))
    assert workbook.sheetnames == ["Titulní list", "Karty uživatelů"]
    rows = list(workbook["Karty uživatelů"].iter_rows(values_only=True))
    assert len(rows) == 5
    assert rows[3][0] == str(data["kudrna"].pk)
    dates = [rows[3][column] for column in (6, 7, 9, 10)]
    # Real dates, not text.
    assert [value.date() if isinstance(value, datetime.datetime) else value for value in dates] == [
        datetime.date(2023, 1, 1),
        datetime.date(2025, 9, 30),
        datetime.date(2025, 2, 10),
        datetime.date(2025, 9, 20),
    ]
    csv_text = _bytes(_job(carol, data["service"], report_type=ReportType.MPSV_USER_CARDS, file_format="csv"))
    lines = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig")), delimiter=";"))
    assert ["DROM-0007", str(data["josef"].pk), "Muž", "1990", "Oběti trestného činu", "Brno-město",
            "3. 3. 2025", "5. 6. 2025", "", "3. 3. 2025", "5. 6. 2025", "kontaktů v roce"] in lines  # fmt: skip
    with pytest.raises(Exception, match="formát"):
        parse_parameters(ReportType.MPSV_USER_CARDS, {**YEAR, "format": "pdf", "subject": data["service"].pk})


def test_user_cards_stay_with_whoever_asked_and_are_audited(client, carol, data):
    from audit.models import AuditEvent

    colleague = UserFactory(username="cyril", organisation=carol.organisation, role=Role.COORDINATOR)
    job = _job(carol, data["service"], report_type=ReportType.MPSV_USER_CARDS)
    statement = _job(carol, data["service"])
    client.force_login(colleague)
    assert client.get(reverse("reports:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:detail", args=[statement.pk])).status_code == 200  # aggregate: shared
    client.force_login(carol)
    before = AuditEvent.objects.count()
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200
    assert AuditEvent.objects.count() == before + 1
    assert subject_choices(colleague, ReportType.MPSV_USER_CARDS) == subject_choices(carol, ReportType.MPSV_STATEMENT)


# The benchmark's statement ------------------------------------------------------------------------


def test_bench_measures_the_statement_of_the_busiest_service_registered(alice, carol):
    from bench.common import Results
    from bench.exports import busiest_registered_service
    from bench.results import summary

    busy = starting_service(alice.organisation)
    quiet = service_create(organisation=alice.organisation, name="Poradna", kind=ServiceKind.NOT_REGISTERED)
    for day in (3, 4):
        ContactFactory(assistant=alice, occurred_at=at(3, day))
    ContactFactory(assistant=alice, service=quiet, occurred_at=at(3, 5))
    ContactFactory(assistant=alice, service=quiet, occurred_at=at(3, 5, year=2024))
    results = Results()
    year = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert busiest_registered_service(alice.organisation, year, results) == (busy.pk, 2)
    busy.refresh_from_db()
    assert busy.kind == ServiceKind.FIELD_PROGRAMMES and busy.registration_id == "1234567"
    assert [pk for pk, _name in subject_choices(carol, ReportType.MPSV_STATEMENT)] == [busy.pk]
    assert len(results.notes) == 1
    results.exports = [
        {"name": "MPSV", "funder_report": True, "seconds": 31.0, "peak_rss_mb": 90.0, "rows": 0},
        {"name": "Cards", "funder_report": True, "seconds": 3.0, "peak_rss_mb": 90.0, "rows": 0},
    ]
    lines = summary(results)
    assert "- MPSV: < 30 s and < 200 MB: **missed** (31.0 s, 90 MB)" in lines
    assert "- Cards: < 30 s and < 200 MB: met (3.0 s, 90 MB)" in lines


def _queries(carol, service, report_type) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        report = _report(carol, service, report_type=report_type)
        for sheet in report.sheets:
            list(sheet.rows)
    return len(captured.captured_queries)


# The statement: the subject checked (1); the overview: users, contacts, activities, group
# activities, anonymous attendance (5); sex and age (1); districts and their names (2); target
# groups (1); refusals (1); activity types: counts, types, contacts in total (3); staff: paid time,
# work, the people (3); users by month (1). The cards: the subject, their number, their rows.
QUERIES = {ReportType.MPSV_STATEMENT: 18, ReportType.MPSV_USER_CARDS: 3}


@pytest.mark.parametrize("report_type", [ReportType.MPSV_STATEMENT, ReportType.MPSV_USER_CARDS])
def test_the_number_of_queries_does_not_grow_with_the_records(carol, alice, data, report_type):
    before = _queries(carol, data["service"], report_type)
    assert before == QUERIES[report_type]
    for month in range(1, 13):
        more = ClientFactory(organisation=alice.organisation, created_by=alice, birth_year=1960 + month)
        ContactFactory(assistant=alice, occurred_at=at(month, 12), clients=[more, data["josef"]])
        GroupActivityFactory(author=alice, occurred_at=at(month, 14), participants=[more])
    assert _queries(carol, data["service"], report_type) == before


def test_a_year_without_records_gives_zeros_and_no_cards(carol):
    service = starting_service(carol.organisation)
    service.kind, service.capacity = ServiceKind.FIELD_PROGRAMMES, None
    service.save()
    report = _report(carol, service)
    assert [row[1] for row in _sheet(report, "Přehled").rows] == [0] * 14 + ["", ""]
    assert list(_sheet(report, "Personál").rows) == [[0, 251, 0.0, 0.0, 0.0, 0.0, ""]]
    assert list(_sheet(report, "Kapacita").rows) == [["Nezaznamenáno", 0.0, 0, "", "", ""]]
    assert list(_sheet(report, "Kontakty a intervence").rows)[-1] == ["Služba celkem", "", 0, 0, 0, 0.0, 0.0]
    assert dict(report.cover)["Identifikátor registrace"] == "Nezaznamenáno"
    cards = _report(carol, service, report_type=ReportType.MPSV_USER_CARDS).sheets[0]
    assert cards.row_count == 0 and list(cards.rows) == []
