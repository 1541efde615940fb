"""Hearings and appointments at authorities on a case: added, edited and deleted from the case
page in local time (the nights the clocks change included), listed there and in the timeline
(the police see kind, time and place, never the note), in the calendar feed at their hour
without a name, and on the start page for two weeks ahead."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attention import ics
from attention.services import calendar_token_reset
from cases import hearings as hearing_services
from cases.models import Hearing, HearingKind
from cases.timeline import case_timeline, police_timeline
from gdpr.anonymisation import anonymise_client
from tests.factories import CaseFactory, ClientFactory, HearingFactory, shared_case

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
TODAY = timezone.localdate()


def _at(days: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
    """Local time `days` from today, aware."""
    return timezone.make_aware(
        datetime.datetime.combine(TODAY + datetime.timedelta(days=days), datetime.time(hour, minute))
    )


def _form(starts_at: str, **overrides) -> dict:
    data = {
        "kind": HearingKind.COURT_MAIN_HEARING,
        "starts_at": starts_at,
        "place": "Okresní soud Brno-venkov, Polní 39",
        "accompanied": "on",
        "note": "Klientka se bojí setkání s obžalovaným",
    }
    data.update(overrides)
    return data


def _local_input(days: int, hour: int = 9, minute: int = 30) -> str:
    return f"{TODAY + datetime.timedelta(days=days):%Y-%m-%d}T{hour:02d}:{minute:02d}"


@pytest.fixture
def case(alice, own_client):
    return CaseFactory(client=own_client, assistant=alice, title="Lichva – Dušková")


# -- the pages ------------------------------------------------------------------------------------


def test_a_hearing_is_added_from_the_case_page_in_local_time(client, alice, case):
    client.force_login(alice)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Přidat jednání" in detail and reverse("cases:hearing_add", args=[case.pk]) in detail
    response = client.post(reverse("cases:hearing_add", args=[case.pk]), _form(_local_input(10)))
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    hearing = Hearing.objects.get()
    assert hearing.starts_at == _at(10) and hearing.case == case and hearing.created_by == alice
    assert hearing.accompanied and hearing.kind == HearingKind.COURT_MAIN_HEARING
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Hlavní líčení u soudu" in body and "Okresní soud Brno-venkov, Polní 39" in body
    assert "Klientka se bojí setkání s obžalovaným" in body
    assert reverse("cases:hearing_edit", args=[hearing.pk]) in body
    assert reverse("cases:hearing_delete", args=[hearing.pk]) in body


def test_the_second_half_past_two_of_the_autumn_night_is_kept_apart(client, alice, case):
    client.force_login(alice)
    url = reverse("cases:hearing_add", args=[case.pk])
    assert client.post(url, _form("2027-10-31T02:30", starts_at_occurrence="second")).status_code == 302
    assert client.post(url, _form("2027-10-31T02:30")).status_code == 302
    second, first = (h.starts_at for h in Hearing.objects.order_by("id"))
    assert first == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC)  # summer time, UTC+2
    assert second == datetime.datetime(2027, 10, 31, 1, 30, tzinfo=datetime.UTC)  # winter time, UTC+1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # The spring night: 2:30 never happened.
        ({"starts_at": "2027-03-28T02:30"}, "starts_at", "se hodiny posunuly o hodinu dopředu"),
        ({"starts_at": "1990-05-04T09:00"}, "starts_at", "starší než deset let"),
        ({"starts_at": f"{TODAY.year + 5}-05-04T09:00"}, "starts_at", "nejvýše tři roky dopředu"),
        ({"starts_at": "zítra ráno"}, "starts_at", "platné datum"),
        ({"starts_at": ""}, "starts_at", "Toto pole je vyžadováno"),
        ({"place": "   "}, "place", "Toto pole je vyžadováno"),
        ({"kind": "execution"}, "kind", "Vyberte platnou možnost"),
        ({"place": "x" * 201}, "place", "nejvýše 200"),
    ],
)
def test_bad_input_is_refused_in_czech_and_saves_nothing(client, alice, case, overrides, field, message):
    client.force_login(alice)
    data = _form(_local_input(10))
    data.update(overrides)
    response = client.post(reverse("cases:hearing_add", args=[case.pk]), data)
    assert response.status_code == 400
    errors = " ".join(str(error) for error in response.context["form"].errors.get(field, []))
    assert message in errors, errors
    assert "Nic nebylo uloženo" in response.content.decode()
    assert not Hearing.objects.exists()


def test_a_hearing_before_the_incident_is_refused(client, alice, case):
    case.incident_date = TODAY - datetime.timedelta(days=3)
    case.save(update_fields=["incident_date"])
    client.force_login(alice)
    response = client.post(reverse("cases:hearing_add", args=[case.pk]), _form(_local_input(-5)))
    assert response.status_code == 400
    assert "nemůže být dříve než událost" in str(response.context["form"].errors["starts_at"])
    # The day of the incident is fine (an interview the same evening), and so is a past interview after it.
    assert client.post(reverse("cases:hearing_add", args=[case.pk]), _form(_local_input(-3, 21))).status_code == 302


def test_a_colleague_edits_and_the_form_shows_the_local_time(client, alice, bob, case):
    hearing = HearingFactory(case=case, starts_at=_at(4, 13, 0), note="Vzít s sebou předvolání")
    client.force_login(bob)  # a colleague of the same organisation may edit the case
    url = reverse("cases:hearing_edit", args=[hearing.pk])
    page = client.get(url).content.decode()
    assert f'value="{_local_input(4, 13, 0)}"' in page and "Vzít s sebou předvolání" in page
    response = client.post(
        url, _form(_local_input(5, 8, 15), kind=HearingKind.POLICE_INTERVIEW, place="KŘP JMK, Kounicova 24", note="")
    )
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.starts_at, hearing.kind, hearing.place, hearing.note) == (
        _at(5, 8, 15),
        HearingKind.POLICE_INTERVIEW,
        "KŘP JMK, Kounicova 24",
        "",
    )
    assert hearing.created_by == alice  # who added it stays
    # A refused edit changes nothing.
    assert client.post(url, _form("1990-01-01T10:00")).status_code == 400
    hearing.refresh_from_db()
    assert hearing.starts_at == _at(5, 8, 15)


def test_delete_asks_first_then_deletes(client, alice, case):
    hearing = HearingFactory(case=case)
    client.force_login(alice)
    url = reverse("cases:hearing_delete", args=[hearing.pk])
    page = client.get(url).content.decode()
    assert "Smazat jednání" in page and "Výslech na policii" in page and Hearing.objects.exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert not Hearing.objects.exists()


def test_another_organisations_hearing_cannot_be_changed(client, alice, oscar, foreign_client):
    foreign = HearingFactory(case=CaseFactory(client=foreign_client, assistant=oscar))
    client.force_login(alice)
    assert client.post(reverse("cases:hearing_edit", args=[foreign.pk]), _form(_local_input(3))).status_code == 404
    assert client.post(reverse("cases:hearing_delete", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("cases:hearing_add", args=[foreign.case_id]), _form(_local_input(3))).status_code == 404
    assert Hearing.objects.get() == foreign and foreign.place == Hearing.objects.get().place


def test_the_note_is_encrypted_at_rest(alice, case):
    hearing = hearing_services.hearing_add(
        case=case,
        by=alice,
        kind=HearingKind.OFFICE_MEETING,
        starts_at=_at(2),
        place="Úřad práce Brno",
        note="Doprovod kvůli dávkám",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_hearing WHERE id = %s", [hearing.pk])
        assert "dávkám" not in cursor.fetchone()[0]
    assert Hearing.objects.get().note == "Doprovod kvůli dávkám"


def test_erasure_empties_the_place_and_the_note_and_keeps_the_date(alice, case):
    hearing = HearingFactory(case=case, note="Bydlí u sestry na Cejlu", place="Soud, Cejl 12")
    anonymise_client(case.client)
    hearing.refresh_from_db()
    assert hearing.note == "" and "Cejl" not in hearing.place and hearing.starts_at == _at(3)


# -- the timelines --------------------------------------------------------------------------------


def test_the_timeline_shows_hearings_and_the_police_never_their_note(client, alice, police_officer):
    case = shared_case(client=ClientFactory(organisation=alice.organisation, created_by=alice), assistant=alice)
    HearingFactory(case=case, starts_at=_at(6), note="Interní: klientka nechce potkat pachatele", accompanied=True)
    internal = [entry for entry in case_timeline(case) if entry.kind == "hearing"]
    assert len(internal) == 1 and internal[0].at == _at(6)
    assert "Výslech na policii, OOP Brno-střed, Masná 2" in internal[0].text
    assert "nechce potkat pachatele" in internal[0].text and "doprovází" in internal[0].text
    police = [entry for entry in police_timeline(case, viewer=police_officer) if entry.kind == "hearing"]
    assert [entry.text for entry in police] == ["Výslech na policii, OOP Brno-střed, Masná 2"]
    assert police[0].at == _at(6) and police[0].shared_with_police
    client.force_login(police_officer)
    body = client.get(reverse("police:case_detail", args=[case.pk])).content.decode()
    assert "Výslech na policii, OOP Brno-střed, Masná 2" in body and "pachatele" not in body
    # Nor through the API.
    api_body = client.get(f"/api/v1/cases/{case.pk}/timeline/").content.decode()
    assert "Masná 2" in api_body and "pachatele" not in api_body


def test_the_police_see_no_hearing_of_a_case_not_shared(police_officer, case):
    HearingFactory(case=case)
    from cases.selectors import visible_cases, visible_hearings

    assert not visible_cases(police_officer).filter(pk=case.pk).exists()
    assert not visible_hearings(police_officer).exists()


# -- the calendar feed ----------------------------------------------------------------------------


def test_a_timed_event_is_written_in_utc_with_a_duration_across_summer_and_winter():
    stamp = datetime.datetime(2026, 12, 6, 19, 30, tzinfo=datetime.UTC)
    summer = datetime.datetime(2027, 7, 1, 9, 30, tzinfo=PRAGUE)
    winter = datetime.datetime(2027, 1, 15, 9, 30, tzinfo=PRAGUE)
    events = [
        ics.Event("hearing-1@x.cz", summer.date(), "Výslech – případ 7", "https://x.cz/cases/7/", starts_at=summer),
        ics.Event(
            "hearing-2@x.cz",
            winter.date(),
            "Soud – případ 7",
            "https://x.cz/cases/7/",
            starts_at=winter,
            duration=datetime.timedelta(minutes=90),
        ),
    ]
    lines = ics.calendar(name="Liaison", events=events, stamp=stamp).split("\r\n")
    assert "DTSTART:20270701T073000Z" in lines and "DURATION:PT1H" in lines
    assert "DTSTART:20270115T083000Z" in lines and "DURATION:PT1H30M" in lines
    assert not any(line.startswith(("DTSTART;VALUE=DATE", "DTEND")) for line in lines)
    assert lines.count("TRANSP:OPAQUE") == 2


def test_the_feed_has_the_assistants_hearings_at_their_hour_without_a_name(client, alice, bob, case):
    hearing = HearingFactory(
        case=case, kind=HearingKind.COURT_MAIN_HEARING, starts_at=_at(20, 10, 0), note="Tajná poznámka"
    )
    HearingFactory(case=CaseFactory(client=case.client, assistant=bob))  # a colleague's case
    HearingFactory(case=case, starts_at=_at(400))  # beyond the feed's year
    body = client.get(reverse("attention:calendar_feed", args=[calendar_token_reset(user=alice)])).content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert f"UID:hearing-{hearing.pk}@testserver" in body
    assert f"DTSTART:{hearing.starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in body
    assert "DURATION:PT1H" in body
    assert f"SUMMARY:Hlavní líčení u soudu – případ {case.pk}" in body
    assert f"http://testserver{reverse('cases:detail', args=[case.pk])}" in body
    for secret in ("Dušková", "Lichva", case.client.last_name, "Okresní soud", "Polní", "Tajná"):
        assert secret not in body


def test_the_feed_names_the_kind_in_the_users_language(client, alice, case):
    HearingFactory(case=case)
    alice.language = "en"
    alice.save(update_fields=["language"])
    body = client.get(reverse("attention:calendar_feed", args=[calendar_token_reset(user=alice)])).content.decode()
    assert f"SUMMARY:Interview at the police – case {case.pk}" in body


# -- the start page -------------------------------------------------------------------------------


def _section(response):
    return next((entry for entry in response.context["attention"] if entry.section.key == "hearings"), None)


def test_the_start_page_lists_the_next_two_weeks_of_hearings(client, alice, bob, carol, oscar, case, foreign_client):
    soon = HearingFactory(case=case, starts_at=_at(2, 8, 0), place="Okresní soud Brno-venkov")
    today_early = HearingFactory(case=case, starts_at=_at(0, 0, 30))
    last_day = HearingFactory(case=case, starts_at=_at(14, 23, 0))
    HearingFactory(case=case, starts_at=_at(15, 0, 30))  # too far ahead
    HearingFactory(case=case, starts_at=_at(-1, 23, 30))  # yesterday
    colleagues = HearingFactory(case=CaseFactory(client=case.client, assistant=bob), starts_at=_at(5))
    HearingFactory(case=CaseFactory(client=foreign_client, assistant=oscar), starts_at=_at(1))

    client.force_login(alice)
    response = client.get(reverse("home"))
    section = _section(response)
    assert [item.record for item in section.items] == [case, case, case] and section.total == 3
    assert [item.on for item in section.items] == [TODAY, TODAY + datetime.timedelta(days=2), last_day.starts_at.date()]
    assert section.items[1].what == "8:00 Výslech na policii, Okresní soud Brno-venkov"
    body = response.content.decode()
    assert "Jednání v příštích 14 dnech" in body and case.client.display_name in body
    assert soon.pk and today_early.pk

    # The coordinator sees the whole organisation's, not another organisation's.
    client.force_login(carol)
    section = _section(client.get(reverse("home")))
    assert section.total == 4 and colleagues.case in [item.record for item in section.items]
    client.force_login(oscar)
    assert _section(client.get(reverse("home"))).total == 1


def test_the_police_and_the_ministry_have_no_hearings_section(client, police_officer, ministry_analyst, alice):
    shared = shared_case(client=ClientFactory(organisation=alice.organisation, created_by=alice), assistant=alice)
    HearingFactory(case=shared, starts_at=_at(1))
    for user in (police_officer, ministry_analyst):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert _section(response) is None
