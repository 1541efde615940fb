"""The user's calendar feed: follow-ups, task deadlines and hearings at their hour, with no
client names: only what it is, the case (or contact) number and a link."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.hearing_models import DEFAULT_DURATION
from cases.selectors import hearings_between, open_tasks_of
from contacts.selectors import visible_contacts

from .ics import Event

# Past follow-ups stay in the calendar this long; future ones up to a year ahead.
DAYS_BACK = 90
DAYS_AHEAD = 365


def feed_events(user: User, *, base_url: str, host: str) -> list[Event]:
    """Three queries; the summary says only what it is and the case (or contact) number."""
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=DAYS_BACK), today + datetime.timedelta(days=DAYS_AHEAD)
    events = []
    contacts = (
        visible_contacts(user)
        .filter(assistant=user, follow_up_on__gte=start, follow_up_on__lte=end)
        .only("id", "follow_up_on", "case_id")
        .order_by("follow_up_on", "id")
    )
    for contact in contacts:
        if contact.follow_up_on is None:  # excluded by the filter; for the type checker
            continue
        url = base_url + reverse("contacts:detail", args=[contact.pk])
        if contact.case_id:
            summary = _("Follow-up – case %(number)s") % {"number": contact.case_id}
        else:
            summary = _("Follow-up – contact %(number)s") % {"number": contact.pk}
        events.append(Event(f"follow-up-{contact.pk}@{host}", contact.follow_up_on, summary, url))
    for task in open_tasks_of(user).filter(due_on__gte=start, due_on__lte=end).only("id", "due_on", "case_id"):
        url = base_url + reverse("cases:detail", args=[task.case_id])
        summary = _("Task – case %(number)s") % {"number": task.case_id}
        events.append(Event(f"task-{task.pk}@{host}", task.due_on, summary, url))
    events += _hearing_events(user, start, end, base_url=base_url, host=host)
    return sorted(events, key=lambda event: (event.on, event.uid))


def _hearing_events(user: User, start: datetime.date, end: datetime.date, *, base_url: str, host: str) -> list[Event]:
    """The hearings of the cases the user is the assistant of, at their time (never the place
    or the note: a place may name a person)."""
    hearings = (
        hearings_between(user, _day_start(start), _day_start(end + datetime.timedelta(days=1)), own_cases_only=True)
        .select_related(None)
        .only("id", "kind", "starts_at", "case_id")
    )
    events = []
    for hearing in hearings:
        summary = _("%(kind)s – case %(number)s") % {"kind": hearing.get_kind_display(), "number": hearing.case_id}
        events.append(
            Event(
                f"hearing-{hearing.pk}@{host}",
                timezone.localtime(hearing.starts_at).date(),
                summary,
                base_url + reverse("cases:detail", args=[hearing.case_id]),
                starts_at=hearing.starts_at,
                duration=DEFAULT_DURATION,
            )
        )
    return events


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
