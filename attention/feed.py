"""The user's calendar feed: follow-ups and task deadlines, with no client names. The case
model has no hearing dates; when it gets them, they belong here as a third kind of event."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.selectors import open_tasks_of
from contacts.selectors import visible_contacts

from .ics import Event

# Past follow-ups stay in the calendar this long; future ones up to a year ahead.
DAYS_BACK = 90
DAYS_AHEAD = 365


def feed_events(user: User, *, base_url: str, host: str) -> list[Event]:
    """Two queries; the summary says only what it is and the case (or contact) number."""
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
    return sorted(events, key=lambda event: (event.on, event.uid))
