"""Demo work of the ESF+ / OPZ+ projects: the contacts and group activities of an assistant
assigned to such a project belong to it, and a course of weekly sessions gives a few regular
participants more than the 40 hours of support of a "podpořená osoba" (the ESF+ monitoring
report has participants on both sides of the threshold)."""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from contacts.models import Contact
from groupwork.models import GroupActivity
from programmes.models import Assignment
from programmes.vocabulary import ActivityCategory, FunderKind

COURSE_TOPIC = "Kurz finanční gramotnosti (OPZ+)"
COURSE_SESSIONS = 14  # weekly, three hours each: 42 hours for whoever comes to all of them
COURSE_MINUTES = 180


def seed_esf_project_work() -> None:
    if GroupActivity.objects.filter(topic=COURSE_TOPIC).exists():
        return
    now = timezone.now()
    assignments = Assignment.objects.filter(project__funder__kind=FunderKind.ESF).select_related(
        "profile__user", "project", "service"
    )
    for assignment in assignments:
        user = assignment.profile.user
        since = timezone.make_aware(datetime.datetime.combine(assignment.valid_from, datetime.time.min))
        window = Q(occurred_at__gte=since)
        if assignment.valid_until is not None:
            until = assignment.valid_until + datetime.timedelta(days=1)
            window &= Q(occurred_at__lt=timezone.make_aware(datetime.datetime.combine(until, datetime.time.min)))
        Contact.objects.filter(window, assistant=user, service=assignment.service, project__isnull=True).update(
            project=assignment.project
        )
        GroupActivity.objects.filter(window, author=user, service=assignment.service, project__isnull=True).update(
            project=assignment.project
        )
        if assignment.valid_until is None:
            _seed_course(assignment, now)


def _seed_course(assignment: Assignment, now: datetime.datetime) -> None:
    """Weekly sessions of the last months: two participants come to all of them (42 hours), two
    miss a few (below the threshold unless their individual support makes it up)."""
    project = assignment.project
    if project is None:
        return
    rng = random.Random(f"course {project.name}")  # noqa: S311 - made-up data
    user = assignment.profile.user
    named = list(
        Client.objects.filter(organisation_id=project.organisation_id)
        .exclude(identity=Client.Identity.ANONYMOUS)
        .order_by("pk")
    )
    if len(named) < 4:
        return
    regulars, occasional = named[:2], named[2:4]
    activity_type = assignment.service.activity_types.filter(category=ActivityCategory.GROUP).first()
    if activity_type is None:
        return
    first = now.replace(hour=16, minute=0, second=0, microsecond=0) - datetime.timedelta(weeks=COURSE_SESSIONS + 1)
    for week in range(COURSE_SESSIONS):
        session = GroupActivity.objects.create(
            organisation_id=project.organisation_id,
            author=user,
            service=assignment.service,
            project=project,
            activity_type=activity_type,
            occurred_at=first + datetime.timedelta(weeks=week),
            minutes=COURSE_MINUTES,
            topic=COURSE_TOPIC,
            description="Rozpočet domácnosti, splátky a exekuce, jak se bránit lichvě.",
        )
        session.participants.set([*regulars, *(c for c in occasional if rng.random() < 0.75)])
