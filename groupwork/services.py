"""Writes of group activities: the record, its participants and its anonymous head count in one
transaction. The page and the API both parse their input and call these, so the rules below
apply to both routes alike."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Locality, Organisation, User
from accounts.scoping import own_client_work_organisation_id
from clients.models import Client
from programmes.models import ActivityType, Project, Service
from programmes.selectors import activity_types_for, assignment_on
from programmes.services import starting_service

from .models import HEAD_COUNT_CELLS, MAX_HEAD_COUNT, AgeBand, AnonymousAttendance, GroupActivity, Sex
from .selectors import can_delete_group_activity, can_edit_group_activity

HeadCount = Mapping[tuple[str, str], int]


def default_service(by: User, day: datetime.date) -> tuple[Service, Project | None]:
    """Where the author's work belongs on `day`: the assignment's service and project, or the
    organisation's first service."""
    organisation_id = own_client_work_organisation_id(by)
    assignment = assignment_on(by, day)
    if assignment is not None and assignment.service.organisation_id == organisation_id:
        return assignment.service, assignment.project
    return starting_service(Organisation.objects.get(pk=organisation_id)), None


def ensure_a_service(by: User) -> Service:
    """The organisation's first service, made when it has none, so that a new organisation's
    form offers a service and its activity types."""
    return starting_service(Organisation.objects.get(pk=own_client_work_organisation_id(by)))


def _checked_head_count(head_count: HeadCount) -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    for (sex, band), count in head_count.items():
        if sex not in Sex.values or band not in AgeBand.values:
            raise ValidationError({"anonymous_attendance": _("Unknown sex or age band in the head count.")})
        if count is None:
            continue
        if not 0 <= count <= MAX_HEAD_COUNT:
            raise ValidationError(
                {
                    "anonymous_attendance": _("Enter from 0 to %(max)s persons in each box of the head count.")
                    % {"max": MAX_HEAD_COUNT}
                }
            )
        if count:
            cells[(sex, band)] = cells.get((sex, band), 0) + count
    return cells


def _save(
    group_activity: GroupActivity,
    *,
    participants: Iterable[Client],
    head_count: HeadCount,
    type_changed: bool,
    transferred: frozenset[int] = frozenset(),
) -> GroupActivity:
    participants = list(participants)
    cells = _checked_head_count(head_count)
    group_activity.clean()  # the model's rules: dates, minutes, service, project
    in_use = activity_types_for(group_activity.service).filter(pk=group_activity.activity_type_id)
    if type_changed and not in_use.exists():
        raise ValidationError({"activity_type": _("Choose an activity type in use of the chosen service.")})
    if any(
        client.organisation_id != group_activity.organisation_id and client.pk not in transferred
        for client in participants
    ):
        raise ValidationError({"participants": _("Choose clients of your organisation.")})
    if not participants and not cells and not group_activity.activity_type.without_client:
        raise ValidationError(
            {"participants": _("Choose at least one participant or enter the number of anonymous participants.")}
        )
    group_activity.save()
    group_activity.participants.set(participants)
    group_activity.anonymous_attendance.all().delete()
    AnonymousAttendance.objects.bulk_create(
        AnonymousAttendance(group_activity=group_activity, sex=sex, age_band=band, count=count)
        for (sex, band), count in sorted(cells.items(), key=lambda item: HEAD_COUNT_CELLS.index(item[0]))
    )
    return group_activity


@transaction.atomic
def group_activity_create(
    *,
    by: User,
    occurred_at: datetime.datetime,
    minutes: int,
    activity_type: ActivityType,
    topic: str,
    service: Service | None = None,
    project: Project | None = None,
    locality: Locality | None = None,
    description: str = "",
    participants: Iterable[Client] = (),
    head_count: HeadCount | None = None,
) -> GroupActivity:
    """Record a group activity of `by`, in their organisation. Without a service, the one of the
    author's assignment on that day (with its project). Raises ValidationError (by field) when
    a rule is broken; nothing is saved then."""
    organisation_id = own_client_work_organisation_id(by)
    if service is None:
        service, assigned_project = default_service(by, occurred_at.date())
        project = project or assigned_project
    group_activity = GroupActivity(
        organisation_id=organisation_id,
        author=by,
        service=service,
        project=project,
        activity_type=activity_type,
        occurred_at=occurred_at,
        minutes=minutes,
        locality=locality,
        topic=topic.strip(),
        description=description,
    )
    return _save(group_activity, participants=participants, head_count=head_count or {}, type_changed=True)


@transaction.atomic
def group_activity_update(
    *,
    by: User,
    group_activity: GroupActivity,
    occurred_at: datetime.datetime,
    minutes: int,
    service: Service,
    project: Project | None,
    activity_type: ActivityType,
    topic: str,
    locality: Locality | None,
    description: str,
    participants: Iterable[Client],
    head_count: HeadCount,
) -> GroupActivity:
    """Replace a group activity's fields; only its author or a coordinator may (PermissionDenied)."""
    if not can_edit_group_activity(by, group_activity):
        raise PermissionDenied
    # An activity type switched off since keeps counting the activities recorded with it.
    type_changed = activity_type.pk != group_activity.activity_type_id
    group_activity.occurred_at = occurred_at
    group_activity.minutes = minutes
    group_activity.service = service
    group_activity.project = project
    group_activity.activity_type = activity_type
    group_activity.topic = topic.strip()
    group_activity.locality = locality
    group_activity.description = description
    # A participant since transferred to another organisation is out of the editor's sight and
    # of the form's choices, yet the record keeps counting the person (the sender's statistics).
    transferred = [c for c in group_activity.participants.all() if c.organisation_id != group_activity.organisation_id]
    participants = list(participants)
    participants += [c for c in transferred if c.pk not in {p.pk for p in participants}]
    return _save(
        group_activity,
        participants=participants,
        head_count=head_count,
        type_changed=type_changed,
        transferred=frozenset(c.pk for c in transferred),
    )


@transaction.atomic
def group_activity_delete(*, by: User, group_activity: GroupActivity) -> None:
    """A coordinator removes a group activity recorded by mistake (PermissionDenied otherwise)."""
    if not can_delete_group_activity(by, group_activity):
        raise PermissionDenied
    group_activity.delete()


def head_count_of(group_activity: GroupActivity) -> dict[tuple[str, str], int]:
    """The stored head count as the services take it."""
    return {(cell.sex, cell.age_band): cell.count for cell in group_activity.anonymous_attendance.all()}
