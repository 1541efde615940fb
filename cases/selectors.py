"""Reads of victim-support cases, scoped to the person asking."""

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id, police_region_id
from clients.models import Client, Consent

from .models import Attachment, Case, CaseStatus, ClientTransfer, Hearing, Referral, Task, TransferState


def active_police_sharing_consent() -> Exists:
    return Exists(Consent.objects.active(Consent.Purpose.POLICE_SHARING).filter(client_id=OuterRef("client_id")))


def client_consents_to_police_sharing(client_id: int, *, lock: bool = False) -> bool:
    """Whether the client's consent to sharing with the police stands (locked until the end of
    the transaction with `lock`, so that a withdrawal waits for the write that relies on it)."""
    consents = Consent.objects.active(Consent.Purpose.POLICE_SHARING).filter(client_id=client_id)
    if lock:
        consents = consents.select_for_update()
    return consents.exists()


def case_is_visible_to_police(case: Case, *, lock: bool = False) -> bool:
    """The rule of `visible_cases` for a police officer, for one case already in hand."""
    return case.shared_with_police and client_consents_to_police_sharing(case.client_id, lock=lock)


def visible_cases(user: User) -> QuerySet[Case]:
    """Assistants and coordinators see their organisation's cases. A police liaison officer
    sees the cases of the own region that are shared and whose client's consent to sharing
    stands; withdrawing the consent removes the case from the officer's view at once."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is not None:
        return Case.objects.filter(organisation_id=organisation_id)
    region_id = police_region_id(user)
    if region_id is not None:
        return Case.objects.filter(region_id=region_id, shared_with_police=True).filter(active_police_sharing_consent())
    return Case.objects.none()


def cases_for_list(user: User) -> QuerySet[Case]:
    """Visible cases with what a list row shows, in a constant number of queries."""
    return (
        visible_cases(user)
        .select_related("client", "assistant", "locality__municipality")
        .prefetch_related("crime_types")
    )


def cases_waiting_for_approval(user: User) -> QuerySet[Case]:
    """The cases of the user's organisation whose closing waits for the coordinator's approval,
    longest waiting first; nobody else approves, so for other roles there are none."""
    if not Role(user.role).can_supervise():
        return Case.objects.none()
    return (
        visible_cases(user)
        .filter(status=CaseStatus.CLOSING_PROPOSED)
        .select_related("client", "assistant")
        .annotate(proposed_at=Max("transitions__at", filter=Q(transitions__to_status=CaseStatus.CLOSING_PROPOSED)))
        .order_by("proposed_at", "id")
    )


def police_cases_for_list(user: User) -> QuerySet[Case]:
    """The officer's shared cases with what the review list shows; no client contact data is loaded."""
    return (
        visible_cases(user)
        .select_related("locality__municipality", "organisation")
        .prefetch_related("crime_types")
        .order_by("-updated_at", "-id")
    )


def visible_attachments(user: User) -> QuerySet[Attachment]:
    """The attachments of the cases the user sees. The police see only those the assistants
    marked as shared: this is the one place of that rule (pages, timeline, API, downloads)."""
    attachments = Attachment.objects.filter(case__in=visible_cases(user))
    if client_work_organisation_id(user) is None:
        attachments = attachments.filter(shared_with_police=True)
    return attachments


def visible_tasks(user: User) -> QuerySet[Task]:
    """Tasks are internal to the organisation: the police never see them, even of a shared case."""
    if client_work_organisation_id(user) is None:
        return Task.objects.none()
    return Task.objects.filter(case__in=visible_cases(user))


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Referrals are internal to the organisation, like tasks."""
    if client_work_organisation_id(user) is None:
        return Referral.objects.none()
    return Referral.objects.filter(case__in=visible_cases(user))


def visible_hearings(user: User) -> QuerySet[Hearing]:
    """Hearings of the organisation's cases, for its staff (to list, edit and delete). The police
    learn a shared case's hearings only from its police timeline: kind, time and place, never
    the note (cases.timeline.police_timeline)."""
    if client_work_organisation_id(user) is None:
        return Hearing.objects.none()
    return Hearing.objects.filter(case__in=visible_cases(user))


def hearings_between(
    user: User, start: datetime.datetime, end: datetime.datetime, *, own_cases_only: bool
) -> QuerySet[Hearing]:
    """The hearings from `start` (included) to `end` (excluded) of the cases the user is the
    assistant of (`own_cases_only`) or of every case the user sees, soonest first, with the
    case and its client."""
    hearings = visible_hearings(user).filter(starts_at__gte=start, starts_at__lt=end)
    if own_cases_only:
        hearings = hearings.filter(case__assistant=user)
    return hearings.select_related("case__client").order_by("starts_at", "id")


def open_tasks_of(user: User) -> QuerySet[Task]:
    """The user's unfinished tasks on cases the user can still see, soonest first."""
    return (
        visible_tasks(user)
        .filter(assignee=user, done_at__isnull=True)
        .select_related("case__client")
        .order_by("due_on", "id")
    )


def case_assignable_users(user: User) -> QuerySet[User]:
    """Who in the user's organisation may be given a case or a task."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        # Not "everyone without an organisation": a user who works with no client files has nobody.
        return User.objects.none()
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=[Role.ASSISTANT, Role.COORDINATOR]
    ).order_by("last_name", "first_name")


def visible_transfers(user: User) -> QuerySet[ClientTransfer]:
    """Coordinators see the transfers from and to their organisation; nobody else sees any.
    A transfer shows only its summary (`transfer_summary`): the receiver decides on it before
    it may see the client file."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None or not Role(user.role).can_supervise():
        return ClientTransfer.objects.none()
    return ClientTransfer.objects.filter(
        Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
    )


def transfers_for_list(user: User) -> QuerySet[ClientTransfer]:
    """Visible transfers with what a list row shows, in a constant number of queries."""
    return (
        visible_transfers(user)
        .select_related("client", "from_organisation", "to_organisation", "requested_by", "decided_by")
        .annotate(case_count=Count("cases", distinct=True))
        .order_by("-requested_at", "-id")
    )


def transfers_waiting(user: User) -> QuerySet[ClientTransfer]:
    """The transfers to the user's organisation that wait for its coordinator's decision."""
    organisation_id = client_work_organisation_id(user)
    return transfers_for_list(user).filter(to_organisation_id=organisation_id, state=TransferState.PENDING)


def transfer_summary(transfer: ClientTransfer) -> dict[str, object]:
    """What the receiving coordinator learns of a client before accepting: the initials, the
    year of birth and sex, never the full name, contacts or notes of the client file. Both sides
    see the same summary; after an accepted transfer it is all the sender has of the client."""
    client = transfer.client
    if client.identity == Client.Identity.NAMED:
        initials = " ".join(f"{name[0]}." for name in (client.first_name, client.last_name) if name)
    elif client.identity == Client.Identity.PSEUDONYM:
        initials = f"{client.nickname[:1]}." if client.nickname else ""
    else:
        initials = ""
    return {
        "initials": initials or str(_("anonymous")),
        "birth_year": client.birth_year,
        "sex": client.get_sex_display(),
    }


def transfer_destinations(user: User) -> QuerySet[Organisation]:
    """The organisations a client may be transferred to: those that keep client files and have
    an active coordinator to decide, except the user's own."""
    return (
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.NGO, Organisation.Kind.MUNICIPALITY],
            members__role=Role.COORDINATOR,
            members__is_active=True,
        )
        .exclude(pk=user.organisation_id or 0)
        .distinct()
        .order_by("name")
    )
