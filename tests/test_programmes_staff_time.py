"""Staff time: entered by the assistant or their coordinator, day or week, imported from CSV or
XLSX with a check first, all or nothing, and a re-import that corrects instead of doubling."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from programmes import staff_import
from programmes.models import Assignment, StaffTime
from programmes.selectors import visible_staff_time
from programmes.services import service_create, starting_service
from programmes.staff_time import format_hours, parse_hours, staff_time_save
from programmes.vocabulary import ServiceKind
from tests.factories import AssistantProfileFactory, UserFactory

MONDAY = datetime.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("8", 480), ("7,5", 450), ("7.5", 450), ("7:30", 450), ("0:45", 45), (" 6 h ", 360), ("7,25", 435)],
)
def test_hours_are_read_as_czech_write_them(text, minutes):
    assert parse_hours(text) == minutes


@pytest.mark.parametrize("text", ["", "sedm", "7:5", "7:60", "-1", "7,5,5", "nan", "inf", "1e9"])
def test_other_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_hours(text)


def test_format_hours():
    assert format_hours(450) == "7:30" and format_hours(480) == "8:00"


def _save(by, assistant, **kwargs):
    values = {
        "service": starting_service(assistant.organisation),
        "period": StaffTime.Period.DAY,
        "starts_on": MONDAY,
        "minutes": 480,
    }
    return staff_time_save(by=by, assistant=assistant, **{**values, **kwargs})


def test_entering_the_same_day_again_corrects_it(alice):
    _save(alice, alice)
    _save(alice, alice, minutes=300)
    assert list(StaffTime.objects.values_list("minutes", flat=True)) == [300]


def test_a_week_starts_on_monday_and_does_not_mix_with_days(alice):
    with pytest.raises(ValidationError) as refused:
        _save(alice, alice, period=StaffTime.Period.WEEK, starts_on=MONDAY + datetime.timedelta(days=1))
    assert "pondělím" in " ".join(refused.value.messages)
    _save(alice, alice, starts_on=MONDAY + datetime.timedelta(days=2))
    with pytest.raises(ValidationError) as refused:
        _save(alice, alice, period=StaffTime.Period.WEEK, minutes=40 * 60)
    assert "jednotlivých dnů" in " ".join(refused.value.messages)
    next_week = MONDAY + datetime.timedelta(days=7)
    _save(alice, alice, period=StaffTime.Period.WEEK, starts_on=next_week, minutes=20 * 60)
    with pytest.raises(ValidationError) as refused:
        _save(alice, alice, starts_on=next_week + datetime.timedelta(days=3))
    assert "celého týdne" in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": 0}, "větší než nula"),
        ({"minutes": 25 * 60}, "větší než nula"),
        ({"starts_on": datetime.date(1999, 12, 31)}, "před rokem 2000"),
        ({"starts_on": timezone.localdate() + datetime.timedelta(days=60)}, "měsíc dopředu"),
    ],
)
def test_bad_staff_time_is_refused(alice, changes, message):
    with pytest.raises(ValidationError) as refused:
        _save(alice, alice, **changes)
    assert message in " ".join(refused.value.messages)
    assert not StaffTime.objects.exists()


def test_who_may_enter_whose_time(alice, bob, carol, oscar):
    _save(carol, alice)  # the coordinator for an assistant of the organisation
    for by, assistant in [(alice, bob), (oscar, alice), (carol, oscar)]:
        with pytest.raises(ValidationError):
            _save(by, assistant, service=starting_service(alice.organisation))
    with pytest.raises(ValidationError) as refused:  # another organisation's service
        _save(alice, alice, service=starting_service(oscar.organisation))
    assert "organizace pracovníka" in " ".join(refused.value.messages)


def test_assistants_see_their_own_time_coordinators_the_organisations(alice, bob, carol, oscar):
    mine, bobs, _carols = _save(alice, alice), _save(bob, bob), _save(carol, carol)
    _save(oscar, oscar)
    assert list(visible_staff_time(alice)) == [mine]
    assert set(visible_staff_time(carol)) == set(StaffTime.objects.filter(organisation=alice.organisation))
    assert bobs in visible_staff_time(carol)


def test_staff_time_pages(client, alice, bob, carol):
    client.force_login(alice)
    service = starting_service(alice.organisation)
    response = client.post(
        reverse("programmes:staff_time_create"),
        {"assistant": bob.pk, "service": service.pk, "period": "day", "starts_on": "2026-11-02", "minutes": "7,5"},
    )
    assert response.status_code == 302
    entry = StaffTime.objects.get()
    assert entry.assistant == alice and entry.minutes == 450  # an assistant enters only their own
    refused = client.post(
        reverse("programmes:staff_time_create"),
        {"service": service.pk, "period": "day", "starts_on": "2026-11-03", "minutes": "sedm"},
    )
    assert refused.status_code == 400 and "7:30 nebo 7,5" in refused.content.decode()
    page = client.get(reverse("programmes:staff_time_list") + "?month=2026-11").content.decode()
    assert "7:30" in page
    client.force_login(carol)
    client.post(
        reverse("programmes:staff_time_edit", args=[entry.pk]),
        {"assistant": alice.pk, "service": service.pk, "period": "day", "starts_on": "2026-11-02", "minutes": "8:00"},
    )
    entry.refresh_from_db()
    assert entry.minutes == 480 and entry.entered_by == carol
    client.post(reverse("programmes:staff_time_edit", args=[entry.pk]), {"delete": "1"})
    assert not StaffTime.objects.exists()


def test_staff_time_list_query_count_does_not_grow(client, carol, alice, bob, django_assert_max_num_queries):
    client.force_login(carol)
    _save(alice, alice)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("programmes:staff_time_list") + "?month=2026-11")
    for day in range(1, 20):
        _save(bob, bob, starts_on=MONDAY + datetime.timedelta(days=day))
        _save(alice, alice, starts_on=MONDAY + datetime.timedelta(days=day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("programmes:staff_time_list") + "?month=2026-11")


# -- import -------------------------------------------------------------------------------------


def _csv(text: str, encoding: str = "utf-8-sig", name: str = "dochazka.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _check(client, upload):
    return client.post(reverse("programmes:staff_time_import"), {"file": upload})


def test_import_checks_then_imports_all_and_a_reimport_corrects(client, carol, alice, bob):
    starting_service(carol.organisation)  # the organisation's only service: rows without one go there
    client.force_login(carol)
    text = "uživatel;datum;hodiny\nalice;2.11.2026;7,5\nbob;2. 11. 2026;4:00\nalice;2026-11-03;8\n"
    checked = _check(client, _csv(text))
    assert checked.status_code == 200
    assert not StaffTime.objects.exists()  # the check saves nothing
    assert "3 řádky jsou připraveny" in checked.content.decode()
    confirmed = client.post(reverse("programmes:staff_time_import"), {"checked": checked.context["checked"]})
    assert confirmed.status_code == 302
    assert sorted(StaffTime.objects.values_list("assistant__username", "starts_on", "minutes")) == [
        ("alice", datetime.date(2026, 11, 2), 450),
        ("alice", datetime.date(2026, 11, 3), 480),
        ("bob", datetime.date(2026, 11, 2), 240),
    ]
    again = _check(client, _csv(text.replace("7,5", "6"), encoding="cp1250"))
    client.post(reverse("programmes:staff_time_import"), {"checked": again.context["checked"]})
    assert StaffTime.objects.count() == 3
    assert StaffTime.objects.get(assistant=alice, starts_on=datetime.date(2026, 11, 2)).minutes == 360


def test_import_names_every_bad_row_and_saves_nothing(client, carol, alice, oscar):
    starting_service(carol.organisation)
    client.force_login(carol)
    text = (
        "uzivatel,datum,hodiny,sluzba\n"
        'alice,2.11.2026,"7,5",\n'
        "oscar,2.11.2026,8,\n"
        "alice,31.2.2026,8,\n"
        "alice,3.11.2026,sedm,\n"
        "alice,4.11.2026,25,\n"
        'alice,2.11.2026,"7,5",\n'
        "alice,5.11.2026,8,Neexistující služba\n"
        ",6.11.2026,8,\n"
    )
    response = _check(client, _csv(text))
    assert response.status_code == 400
    errors = {error.number: error.message for error in response.context["errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert "oscar" in errors[3] and "není uživatelské jméno" in errors[3]
    assert "není datum" in errors[4]
    assert "nejsou hodiny" in errors[5]
    assert "nejvýše 24" in errors[6]
    assert "řádku 2" in errors[7]
    assert "není služba" in errors[8]
    assert "Chybí uživatelské jméno" in errors[9]
    assert "Řádek" in response.content.decode()
    assert not StaffTime.objects.exists()


def test_import_needs_the_columns_and_a_readable_file(client, carol):
    client.force_login(carol)
    response = _check(client, _csv("jméno;den\nalice;2.11.2026\n"))
    assert response.status_code == 400 and "záhlaví musí pojmenovat" in response.content.decode()
    response = _check(client, SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not a workbook"))
    assert response.status_code == 400 and "nelze přečíst" in response.content.decode()
    response = client.post(reverse("programmes:staff_time_import"), {})
    assert response.status_code == 400 and "Zvolte soubor" in response.content.decode()


def test_import_of_an_xlsx_with_excel_dates_and_numbers(client, carol, alice, drom):
    counselling = service_create(organisation=drom, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Uživatel", "Datum", "Hodiny", "Služba"])
    sheet.append(["alice", datetime.datetime(2026, 11, 2), 7.5, "Poradna"])  # noqa: DTZ001 - Excel cells are naive
    sheet.append(["ALICE", 46329, datetime.time(6, 15), "poradna"])  # 46329 = 3. 11. 2026
    data = io.BytesIO()
    workbook.save(data)
    client.force_login(carol)
    checked = _check(client, SimpleUploadedFile("dochazka.xlsx", data.getvalue()))
    assert checked.status_code == 200, checked.context.get("errors")
    client.post(reverse("programmes:staff_time_import"), {"checked": checked.context["checked"]})
    assert sorted(StaffTime.objects.values_list("starts_on", "minutes", "service")) == [
        (datetime.date(2026, 11, 2), 450, counselling.pk),
        (datetime.date(2026, 11, 3), 375, counselling.pk),
    ]


def test_without_a_service_column_the_assignment_decides(carol, alice, drom):
    service_create(organisation=drom, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    service_create(organisation=drom, name="Terénní programy", kind=ServiceKind.FIELD_PROGRAMMES)
    table = staff_import.read_table("a.csv", "uživatel;datum;hodiny\nalice;2.11.2026;8\n".encode())
    rows, errors = staff_import.check_rows(by=carol, table=table)
    assert not rows and "nemá ke dni" in errors[0].message  # two services, no assignment
    profile = AssistantProfileFactory(user=alice)
    Assignment.objects.create(profile=profile, service=starting_service(drom), valid_from=datetime.date(2026, 1, 1))
    rows, errors = staff_import.check_rows(by=carol, table=table)
    assert not errors and rows[0].service == starting_service(drom)


def test_the_import_is_all_or_nothing(carol, alice, bob):
    table = staff_import.read_table("a.csv", "uživatel;datum;hodiny\nalice;2.11.2026;8\nbob;2.11.2026;8\n".encode())
    starting_service(alice.organisation)
    rows, errors = staff_import.check_rows(by=carol, table=table)
    assert not errors
    # Between the check and the confirmation bob's whole week was entered: the second row fails.
    _save(bob, bob, period=StaffTime.Period.WEEK, minutes=2400)
    from programmes.staff_time import staff_time_import

    with pytest.raises(ValidationError):
        staff_time_import(by=carol, rows=rows)
    assert not StaffTime.objects.filter(assistant=alice).exists()


def test_only_the_organisations_staff_are_imported(carol, drom):
    stranger = UserFactory(username="cizi")
    starting_service(drom)
    table = staff_import.read_table("a.csv", f"uživatel;datum;hodiny\n{stranger.username};2.11.2026;8\n".encode())
    rows, errors = staff_import.check_rows(by=carol, table=table)
    assert not rows and errors[0].number == 2
