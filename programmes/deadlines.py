"""Writes of reporting deadlines: when each project's or service's reports are due, and marking
one submitted, which creates the next occurrence of a repeating one."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User

from .models import Project, ReportingDeadline, Service

MONTHS = {ReportingDeadline.Repeat.HALF_YEAR: 6, ReportingDeadline.Repeat.YEAR: 12}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the last day of a month stays the last day (30 June → 31 December)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return datetime.date(year, month + 1, last)
    return datetime.date(year, month + 1, min(day.day, last))


def _check_owner(organisation: Organisation, project: Project | None, service: Service | None) -> None:
    if (project is None) == (service is None):
        raise ValidationError({"project": _("Choose either a project or a service.")})
    owner = project or service
    if owner is not None and owner.organisation_id != organisation.pk:
        raise ValidationError({"project": _("Choose a project or a service of your organisation.")})


@transaction.atomic
def deadline_create(
    *,
    organisation: Organisation,
    name: str,
    due_on: datetime.date,
    project: Project | None = None,
    service: Service | None = None,
    repeat: str = ReportingDeadline.Repeat.NONE,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> ReportingDeadline:
    _check_owner(organisation, project, service)
    deadline = ReportingDeadline(
        organisation=organisation,
        project=project,
        service=service,
        name=name.strip(),
        due_on=due_on,
        repeat=repeat,
        period_start=period_start,
        period_end=period_end,
    )
    deadline.full_clean()
    deadline.save()
    return deadline


@transaction.atomic
def deadline_update(
    *,
    deadline: ReportingDeadline,
    name: str,
    due_on: datetime.date,
    project: Project | None = None,
    service: Service | None = None,
    repeat: str = ReportingDeadline.Repeat.NONE,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> ReportingDeadline:
    _check_owner(deadline.organisation, project, service)
    deadline.project, deadline.service, deadline.name = project, service, name.strip()
    deadline.due_on, deadline.repeat = due_on, repeat
    deadline.period_start, deadline.period_end = period_start, period_end
    deadline.full_clean()
    deadline.save(update_fields=["project", "service", "name", "due_on", "repeat", "period_start", "period_end"])
    return deadline


@transaction.atomic
def deadline_submit(*, deadline: ReportingDeadline, by: User) -> ReportingDeadline | None:
    """Marks the report submitted; of a repeating one, answers the next occurrence it creates."""
    locked = ReportingDeadline.objects.select_for_update().get(pk=deadline.pk)
    if locked.submitted_at is not None:
        raise ValidationError(_("This report was already marked submitted."))
    locked.submitted_at, locked.submitted_by = timezone.now(), by
    locked.save(update_fields=["submitted_at", "submitted_by"])
    deadline.submitted_at, deadline.submitted_by = locked.submitted_at, by
    months = MONTHS.get(ReportingDeadline.Repeat(locked.repeat))
    if months is None:
        return None
    start = end = None
    if locked.period_start and locked.period_end:
        start = locked.period_end + datetime.timedelta(days=1)
        end = add_months(start, months) - datetime.timedelta(days=1)
    following = ReportingDeadline(
        organisation_id=locked.organisation_id,
        project_id=locked.project_id,
        service_id=locked.service_id,
        name=locked.name,
        due_on=add_months(locked.due_on, months),
        repeat=locked.repeat,
        period_start=start,
        period_end=end,
    )
    following.full_clean()
    following.save()
    return following
