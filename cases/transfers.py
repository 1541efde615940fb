"""Writes of client transfers between organisations: request, accept, reject, withdraw.

The rules, decided once for the pages and the API:
- only a coordinator transfers, and only with the client's standing consent to the transfer
  (Consent.Purpose.TRANSFER); the consent is checked again, locked, when the transfer is accepted;
- the chosen cases go with the client; every case left behind must be closed (a closed case
  stays with the sender for its statistics, an open one cannot be abandoned);
- on acceptance the client file and the chosen cases get the receiving organisation, the cases
  and their open tasks are given to the receiving coordinator, and the client's open periods of
  the sender's services end ("transferred"); the sender keeps its contact records, which then
  name the client only as transferred;
- a rejected or withdrawn transfer changes nothing else.
Every step is a row in the audit trail; the changed rows are in the history of changes."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from audit.models import AuditAction
from audit.services import record_event
from clients.models import Client, Consent, ServiceUse
from clients.participation import EndReason
from clients.selectors import visible_clients

from .models import Case, CaseStatus, ClientTransfer, Task, TransferState
from .selectors import transfer_destinations


def _coordinator_organisation_id(user: User) -> int:
    """The organisation of a coordinator who works with client files; PermissionDenied otherwise."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None or not Role(user.role).can_supervise():
        raise PermissionDenied
    return organisation_id


def _consent_stands(client_id: int) -> bool:
    """Whether the client's consent to the transfer stands, locked until the end of the
    transaction so that a withdrawal waits for the write that relies on it."""
    return Consent.objects.active(Consent.Purpose.TRANSFER).filter(client_id=client_id).select_for_update().exists()


def consent_gone_message(client_id: int) -> str:
    """Why a transfer cannot be accepted once the consent to it no longer stands: a consent
    neither standing nor withdrawn has expired."""
    consents = Consent.objects.filter(client_id=client_id, purpose=Consent.Purpose.TRANSFER)
    if consents.filter(withdrawn_at__isnull=True).exists():
        return str(_("The client's consent to the transfer has expired, so it cannot be accepted. Reject it instead."))
    return str(_("The client withdrew the consent to the transfer, so it cannot be accepted. Reject it instead."))


def _open_cases_left_behind(client_id: int, organisation_id: int, chosen_ids: set[int]) -> list[Case]:
    return list(
        Case.objects.filter(client_id=client_id, organisation_id=organisation_id)
        .exclude(pk__in=chosen_ids)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("opened_at", "id")
    )


def _refuse_open_cases_left_behind(cases: list[Case]) -> None:
    if cases:
        raise ValidationError(
            {
                "cases": _("Include the open case „%(title)s“ in the transfer, or close it first.")
                % {"title": cases[0].title}
            }
        )


@transaction.atomic
def transfer_request(
    *,
    by: User,
    client: Client,
    to_organisation: Organisation,
    cases: Iterable[Case] = (),
    note: str = "",
    request: HttpRequest | None = None,
) -> ClientTransfer:
    """Ask another organisation to take over the client with the chosen cases. Raises
    ValidationError (by field) and saves nothing when a rule is not met."""
    organisation_id = _coordinator_organisation_id(by)
    locked = visible_clients(by).select_for_update().filter(pk=client.pk).first()
    if locked is None:
        raise PermissionDenied
    if not transfer_destinations(by).filter(pk=to_organisation.pk).exists():
        raise ValidationError(
            {"to_organisation": _("Choose another organisation that keeps client files and has a coordinator.")}
        )
    if not _consent_stands(locked.pk):
        raise ValidationError(
            _("The client has no recorded consent to the transfer to another organisation: record it first.")
        )
    if ClientTransfer.objects.filter(client=locked, state=TransferState.PENDING).exists():
        raise ValidationError(_("A transfer of this client is already waiting for a decision."))
    chosen = list(cases)
    own_ids = set(
        Case.objects.filter(client=locked, organisation_id=organisation_id)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if any(case.pk not in own_ids for case in chosen):
        raise ValidationError({"cases": _("Choose only cases of this client.")})
    chosen_ids = {case.pk for case in chosen}
    _refuse_open_cases_left_behind(_open_cases_left_behind(locked.pk, organisation_id, chosen_ids))
    transfer = ClientTransfer.objects.create(
        client=locked,
        from_organisation_id=organisation_id,
        to_organisation=to_organisation,
        note=note.strip(),
        requested_by=by,
    )
    transfer.cases.set(chosen_ids)
    record_event(request=request, actor=by, action=AuditAction.TRANSFER_REQUESTED, obj=transfer)
    return transfer


def _lock_pending(transfer: ClientTransfer, *, organisation_field: str, organisation_id: int) -> ClientTransfer:
    locked = ClientTransfer.objects.select_for_update().get(pk=transfer.pk)
    if getattr(locked, organisation_field) != organisation_id:
        raise PermissionDenied
    if locked.state != TransferState.PENDING:
        raise ValidationError(
            _("This transfer was already decided: %(state)s.") % {"state": locked.get_state_display()}
        )
    return locked


def _decided(locked: ClientTransfer, transfer: ClientTransfer, *, state: str, by: User, reason: str = "") -> None:
    locked.state, locked.decided_by, locked.decided_at, locked.reason = state, by, timezone.now(), reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    transfer.state, transfer.decided_by, transfer.decided_at, transfer.reason = (
        locked.state,
        locked.decided_by,
        locked.decided_at,
        locked.reason,
    )


@transaction.atomic
def transfer_accept(*, by: User, transfer: ClientTransfer, request: HttpRequest | None = None) -> ClientTransfer:
    """The receiving coordinator takes over the client and the chosen cases (see the module's
    rules). Refused, with nothing changed, when the client's consent was withdrawn meanwhile or
    has expired."""
    organisation_id = _coordinator_organisation_id(by)
    locked = _lock_pending(transfer, organisation_field="to_organisation_id", organisation_id=organisation_id)
    client = Client.objects.select_for_update().get(pk=locked.client_id)
    if client.organisation_id != locked.from_organisation_id:
        raise ValidationError(_("The client is no longer with the sending organisation."))
    if not _consent_stands(client.pk):
        raise ValidationError(consent_gone_message(client.pk))
    case_ids = set(locked.cases.values_list("pk", flat=True))
    moving = Case.objects.select_for_update().filter(pk__in=case_ids)
    if moving.exclude(client=client, organisation_id=locked.from_organisation_id).exists():
        raise ValidationError(_("A case of the transfer is no longer with the sending organisation."))
    _refuse_open_cases_left_behind(_open_cases_left_behind(client.pk, locked.from_organisation_id, case_ids))
    now = timezone.now()
    # update() is recorded in the history of changes like save(); the versions change so that
    # a form opened before the transfer cannot overwrite it.
    moving.update(organisation_id=organisation_id, assistant=by, updated_at=now, version=F("version") + 1)
    Task.objects.filter(case_id__in=case_ids, done_at__isnull=True).update(assignee=by)
    Client.objects.filter(pk=client.pk).update(
        organisation_id=organisation_id, updated_at=now, version=F("version") + 1
    )
    today = timezone.localdate()
    ServiceUse.objects.filter(
        client=client, ended_on__isnull=True, service__organisation_id=locked.from_organisation_id
    ).update(ended_on=Greatest(Value(today), F("started_on")), end_reason=EndReason.TRANSFERRED)
    _decided(locked, transfer, state=TransferState.ACCEPTED, by=by)
    record_event(request=request, actor=by, action=AuditAction.TRANSFER_ACCEPTED, obj=locked)
    return transfer


@transaction.atomic
def transfer_reject(
    *, by: User, transfer: ClientTransfer, reason: str, request: HttpRequest | None = None
) -> ClientTransfer:
    """The receiving coordinator declines, saying why; nothing else changes."""
    organisation_id = _coordinator_organisation_id(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transfer is rejected.")})
    locked = _lock_pending(transfer, organisation_field="to_organisation_id", organisation_id=organisation_id)
    _decided(locked, transfer, state=TransferState.REJECTED, by=by, reason=reason.strip())
    record_event(request=request, actor=by, action=AuditAction.TRANSFER_REJECTED, obj=locked)
    return transfer


@transaction.atomic
def transfer_cancel(*, by: User, transfer: ClientTransfer, request: HttpRequest | None = None) -> ClientTransfer:
    """The sending coordinator takes the request back before it is decided; nothing else changes."""
    organisation_id = _coordinator_organisation_id(by)
    locked = _lock_pending(transfer, organisation_field="from_organisation_id", organisation_id=organisation_id)
    _decided(locked, transfer, state=TransferState.CANCELLED, by=by)
    record_event(request=request, actor=by, action=AuditAction.TRANSFER_CANCELLED, obj=locked)
    return transfer
