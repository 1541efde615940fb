"""'Přímá práce a pracovní doba': paid time against the minutes of direct work and work on the
client's behalf, per assistant and service, and each service's FTE."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Activity
from programmes.models import StaffTime
from programmes.services import starting_service
from programmes.summary import czech_public_holidays, working_days
from tests.factories import ContactFactory, UserFactory

NOVEMBER_2026 = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def test_working_days_leave_out_weekends_and_public_holidays():
    # November 2026: 21 weekdays, 17 November (a Tuesday) is a holiday.
    assert working_days(*NOVEMBER_2026) == 20
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    assert {datetime.date(2026, 4, 3), datetime.date(2026, 4, 6)} <= czech_public_holidays(2026)
    assert working_days(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)) == 20


def _day(assistant, day: int, minutes: int = 480) -> None:
    StaffTime.objects.create(
        assistant=assistant,
        organisation=assistant.organisation,
        service=starting_service(assistant.organisation),
        starts_on=datetime.date(2026, 11, day),
        minutes=minutes,
        entered_by=assistant,
    )


def _work(assistant, day: int, direct: int, on_behalf: int) -> None:
    contact = ContactFactory(
        assistant=assistant,
        occurred_at=datetime.datetime(2026, 11, day, 10, 0, tzinfo=timezone.get_current_timezone()),
        duration_minutes=direct + on_behalf,
        activities=[],
    )
    activity_type = contact.service.activity_types.first()
    Activity.objects.create(contact=contact, activity_type=activity_type, minutes=direct, work=Activity.Work.DIRECT)
    if on_behalf:
        Activity.objects.create(
            contact=contact, activity_type=activity_type, minutes=on_behalf, work=Activity.Work.ON_BEHALF
        )


def test_summary_sets_direct_work_against_paid_time(client, carol, alice, bob, oscar):
    for day in (2, 3, 4, 5, 6):
        _day(alice, day)
    _day(bob, 2, 240)
    _work(alice, 3, 120, 60)
    _work(bob, 2, 60, 0)
    _work(alice, 1, 30, 0)  # 1 November (a Sunday) counts too
    _work(alice, 30, 15, 0)  # the last day of the month, in the morning
    _day(oscar, 2)  # another organisation's
    _work(oscar, 2, 60, 0)
    client.force_login(carol)
    response = client.get(reverse("programmes:work_summary"), {"month": "2026-11"})
    [service] = response.context["summary"]
    lines = {line.assistant.username: line for line in service.lines}
    assert set(lines) == {"alice", "bob"}
    assert (lines["alice"].paid, lines["alice"].direct, lines["alice"].on_behalf) == (2400, 165, 60)
    assert (lines["bob"].paid, lines["bob"].direct) == (240, 60)
    assert lines["bob"].direct_share == 0.25
    assert (service.paid, service.direct, service.on_behalf) == (2640, 225, 60)
    # FTE = paid hours / (40 h × 20 working days / 5) = 44 / 160
    assert service.fte == pytest.approx(44 / 160)
    body = response.content.decode()
    assert "Přímá práce a pracovní doba" in body and "Přepočtený úvazek 0,27" in body and "25 %" in body
    assert "160" in body  # the formula with this period's full-time hours


def test_a_chosen_period(client, carol, alice):
    _day(alice, 2)
    _day(alice, 20)
    client.force_login(carol)
    response = client.get(reverse("programmes:work_summary"), {"start": "2026-11-01", "end": "2026-11-10"})
    assert response.context["summary"][0].paid == 480 and response.context["days"] == 7
    refused = client.get(reverse("programmes:work_summary"), {"start": "2026-11-10", "end": "2026-11-01"})
    assert "Konec nemůže být před začátkem" in refused.content.decode()


def test_summary_query_count_does_not_grow_with_assistants(client, carol, alice, django_assert_max_num_queries):
    _day(alice, 2)
    _work(alice, 2, 60, 30)
    client.force_login(carol)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("programmes:work_summary"), {"month": "2026-11"})
    for _ in range(6):
        colleague = UserFactory(organisation=alice.organisation)
        _day(colleague, 3)
        _work(colleague, 3, 45, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programmes:work_summary"), {"month": "2026-11"})
    assert len(response.context["summary"][0].lines) == 7
