"""Writes to victim-support cases. Status changes, sharing with the police, attachments and
police feedback go through here so that their rules live in one place."""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Locality, Region, User
from accounts.scoping import own_client_work_organisation_id
from clients.models import Client
from common.versioning import check_version, next_version

from . import attachments, workflow
from .models import (
    Attachment,
    Case,
    CaseAssignment,
    CaseNote,
    CaseStatus,
    CaseTransition,
    CrimeType,
    PoliceFeedback,
    Referral,
    ReferralState,
    RightsInformation,
    RiskLevel,
    Task,
    VictimRight,
)
from .selectors import case_is_visible_to_police, client_consents_to_police_sharing, visible_cases


class CaseError(Exception):
    """A change the case's state does not allow; the message is for the user, `field` names the
    form field it concerns (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _refuse_sharing_unless_visible(case: Case, shared_with_police: bool) -> None:
    if shared_with_police and not case_is_visible_to_police(case, lock=True):
        raise CaseError(_("This case is not shared with the police, so this must stay internal."))


def _check_sharing(case: Case, *, lock: bool = True) -> None:
    if case.shared_with_police and not client_consents_to_police_sharing(case.client_id, lock=lock):
        raise CaseError(
            _("The case cannot be shared with the police: the client has no active consent to it."),
            field="shared_with_police",
        )


# The descriptive fields of a case; the status, the outcome and the police review are written
# by the workflow and the police feedback only.
CASE_FIELDS = (
    "title",
    "assistant",
    "crime_types",
    "incident_date",
    "reported_on",
    "region",
    "locality",
    "police_reference",
    "police_unit",
    "particularly_vulnerable",
    "risk_level",
    "shared_with_police",
)


def _save_descriptive(
    case: Case,
    *,
    title: str,
    assistant: User,
    crime_types: Iterable[CrimeType],
    incident_date: datetime.date | None,
    reported_on: datetime.date | None,
    region: Region,
    locality: Locality | None,
    police_reference: str,
    police_unit: str,
    particularly_vulnerable: bool,
    risk_level: str,
    shared_with_police: bool,
) -> Case:
    case.title, case.assistant = title, assistant
    case.incident_date, case.reported_on = incident_date, reported_on
    case.region, case.locality = region, locality
    case.police_reference, case.police_unit = police_reference, police_unit
    case.particularly_vulnerable, case.risk_level = particularly_vulnerable, risk_level
    case.shared_with_police = shared_with_police
    case.clean()  # the model's rules (dates, locality in the region); ValidationError by field
    _check_sharing(case)
    case.save()
    case.crime_types.set(crime_types)
    return case


@transaction.atomic
def case_open(
    *,
    by: User,
    client: Client,
    title: str,
    assistant: User,
    crime_types: Iterable[CrimeType],
    region: Region,
    incident_date: datetime.date | None = None,
    reported_on: datetime.date | None = None,
    locality: Locality | None = None,
    police_reference: str = "",
    police_unit: str = "",
    particularly_vulnerable: bool = False,
    risk_level: str = RiskLevel.LOW,
    shared_with_police: bool = False,
) -> Case:
    """A new case of `client` for the opener's organisation, status new. Raises ValidationError
    (by field) or CaseError (sharing without consent); nothing is saved then."""
    case = Case(client=client, organisation_id=own_client_work_organisation_id(by), status=CaseStatus.NEW)
    _save_descriptive(
        case,
        title=title,
        assistant=assistant,
        crime_types=crime_types,
        incident_date=incident_date,
        reported_on=reported_on,
        region=region,
        locality=locality,
        police_reference=police_reference,
        police_unit=police_unit,
        particularly_vulnerable=particularly_vulnerable,
        risk_level=risk_level,
        shared_with_police=shared_with_police,
    )
    CaseTransition.objects.create(case=case, from_status="", to_status=CaseStatus.NEW, by=by)
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    by: User,
    title: str,
    assistant: User,
    crime_types: Iterable[CrimeType],
    region: Region,
    incident_date: datetime.date | None,
    reported_on: datetime.date | None,
    locality: Locality | None,
    police_reference: str,
    police_unit: str,
    particularly_vulnerable: bool,
    risk_level: str,
    shared_with_police: bool,
    version: int | None = None,
) -> Case:
    """Save the edited descriptive fields. The stored row is locked and written: the fields owned
    by the workflow and by the police review keep their stored values, even if they changed
    while the form was open. When another edit was saved since the form showed `version`,
    nothing is saved (ValidationError naming what differs). Giving the case to another
    assistant is recorded (CaseAssignment) for its timeline."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    previous_assistant_id = locked.assistant_id
    crime_types = list(crime_types)
    submitted = {
        "title": title,
        "assistant": assistant,
        "crime_types": crime_types,
        "incident_date": incident_date,
        "reported_on": reported_on,
        "region": region,
        "locality": locality,
        "police_reference": police_reference,
        "police_unit": police_unit,
        "particularly_vulnerable": particularly_vulnerable,
        "risk_level": risk_level,
        "shared_with_police": shared_with_police,
    }
    check_version(
        locked,
        version,
        submitted=submitted,
        stored_value=lambda name: list(locked.crime_types.all()) if name == "crime_types" else getattr(locked, name),
    )
    next_version(locked)
    _save_descriptive(
        locked,
        title=title,
        assistant=assistant,
        crime_types=crime_types,
        incident_date=incident_date,
        reported_on=reported_on,
        region=region,
        locality=locality,
        police_reference=police_reference,
        police_unit=police_unit,
        particularly_vulnerable=particularly_vulnerable,
        risk_level=risk_level,
        shared_with_police=shared_with_police,
    )
    if locked.assistant_id != previous_assistant_id:
        CaseAssignment.objects.create(
            case=locked, from_assistant_id=previous_assistant_id, to_assistant=locked.assistant, by=by
        )
    return locked


def status_before_proposal(case: Case) -> str | None:
    """The status a case waiting for approval of closing had before the proposal (where a
    returned proposal sends it back), from its history; None when it is not waiting. A history
    without the proposal (a case set waiting by hand) goes back to in progress."""
    if case.status != CaseStatus.CLOSING_PROPOSED:
        return None
    before = (
        case.transitions.filter(to_status=CaseStatus.CLOSING_PROPOSED)
        .order_by("-at", "-id")
        .values_list("from_status", flat=True)
        .first()
    )
    return before if before in workflow.OPEN else CaseStatus.IN_PROGRESS


@transaction.atomic
def case_transition(*, case: Case, to_status: str, by: User, comment: str = "", outcome: str = "") -> CaseTransition:
    """Move a case to another status if the workflow allows it; otherwise nothing changes.

    Closing: an assistant proposes it with an outcome, the coordinator approves (the proposed
    outcome stands unless they give another) or returns it; a coordinator may close directly.
    The outcome belongs to the case only while it is proposed or closed: a returned proposal
    and a reopening take it off the case, and the status change keeps it."""
    locked = visible_cases(by).select_for_update().get(pk=case.pk)
    returns_to = status_before_proposal(locked)
    closes = to_status in (CaseStatus.CLOSING_PROPOSED, CaseStatus.CLOSED)
    outcome = outcome.strip()
    if to_status == CaseStatus.CLOSED and locked.status == CaseStatus.CLOSING_PROPOSED:
        outcome = outcome or locked.outcome  # the approval keeps the proposed outcome
    change = workflow.check_transition(
        current=locked.status, target=to_status, user=by, outcome=outcome, comment=comment, returns_to=returns_to
    )
    # A return leaves the outcome on the proposal's record; anything else opening the case keeps it here.
    recorded_outcome = outcome if closes else ("" if change.is_return else locked.outcome)
    locked.status = change.to_status
    fields = ["status", "outcome", "updated_at"]
    locked.outcome = outcome if closes else ""
    if change.is_closing:
        locked.closed_at = timezone.now()
        fields.append("closed_at")
    elif change.is_reopening:
        locked.closed_at = None
        fields.append("closed_at")
    locked.save(update_fields=fields)
    case.status, case.closed_at, case.outcome = locked.status, locked.closed_at, locked.outcome
    return CaseTransition.objects.create(
        case=locked,
        from_status=change.from_status,
        to_status=change.to_status,
        by=by,
        comment=comment.strip(),
        outcome=recorded_outcome,
    )


@transaction.atomic
def case_closing_decide(*, case: Case, by: User, approve: bool, comment: str = "") -> CaseTransition:
    """The coordinator's answer to a proposed closing: approve it (closed, with the proposed
    outcome) or return it with a comment (back to the status before the proposal)."""
    locked = visible_cases(by).select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.CLOSING_PROPOSED:
        raise workflow.TransitionError(_("The case is not waiting for approval of closing."))
    to_status = CaseStatus.CLOSED if approve else status_before_proposal(locked)
    return case_transition(case=case, to_status=str(to_status), by=by, comment=comment)


@transaction.atomic
def rights_record(*, case: Case, rights: list[str], informed_on: datetime.date, by: User) -> list[RightsInformation]:
    """Record that the client was told about `rights` on `informed_on`; rights already recorded stay."""
    if not case.particularly_vulnerable and set(rights) & VictimRight.vulnerable_only():
        raise CaseError(_("The extra rights apply only to a particularly vulnerable victim."))
    done = set(case.rights_information.values_list("right", flat=True))
    return RightsInformation.objects.bulk_create(
        [
            RightsInformation(case=case, right=right, informed_on=informed_on, recorded_by=by)
            for right in rights
            if right not in done
        ]
    )


@transaction.atomic
def note_add(*, case: Case, author: User, text: str, shared_with_police: bool) -> CaseNote:
    _refuse_sharing_unless_visible(case, shared_with_police)
    return CaseNote.objects.create(case=case, author=author, text=text, shared_with_police=shared_with_police)


@transaction.atomic
def task_add(*, case: Case, by: User, title: str, due_on: datetime.date, assignee: User) -> Task:
    return Task.objects.create(case=case, created_by=by, title=title, due_on=due_on, assignee=assignee)


@transaction.atomic
def task_set_done(*, task: Task, done: bool) -> Task:
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at"])
    return task


REFERRAL_DATE_FIELD = {
    ReferralState.PROPOSED: "proposed_on",
    ReferralState.SENT: "sent_on",
    ReferralState.ACCEPTED: "answered_on",
    ReferralState.REFUSED: "answered_on",
    ReferralState.COMPLETED: "completed_on",
}


@transaction.atomic
def referral_add(*, case: Case, by: User, service: str, provider: str, proposed_on: datetime.date) -> Referral:
    return Referral.objects.create(
        case=case,
        created_by=by,
        service=service,
        provider=provider,
        proposed_on=proposed_on,
        state=ReferralState.PROPOSED,
    )


@transaction.atomic
def referral_set_state(*, referral: Referral, state: str, on: datetime.date) -> Referral:
    """Move a referral to `state` and keep the day it happened in that state's date column."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if on < referral.proposed_on:
        raise CaseError(_("The date cannot be before the referral was proposed."))
    referral.state = state
    field = REFERRAL_DATE_FIELD[ReferralState(state)]
    setattr(referral, field, on)
    referral.save(update_fields=["state", field, "updated_at"])
    return referral


@transaction.atomic
def attachment_add(
    *, case: Case, by: User, checked: attachments.CheckedFile, shared_with_police: bool, description: str = ""
) -> Attachment:
    _refuse_sharing_unless_visible(case, shared_with_police)
    stored_name = attachments.new_stored_name()
    attachments.write_encrypted(stored_name, checked.content)
    # If the row cannot be saved, the encrypted file must not stay behind as an orphan.
    try:
        return Attachment.objects.create(
            case=case,
            original_name=checked.display_name,
            stored_name=stored_name,
            content_type=checked.content_type,
            size=len(checked.content),
            shared_with_police=shared_with_police,
            description=description,
            uploaded_by=by,
        )
    except Exception:
        attachments.remove_stored(stored_name)
        raise


@transaction.atomic
def police_feedback_record(*, case: Case, officer: User, text: str, marks_reviewed: bool) -> PoliceFeedback:
    """Feedback only on a case the officer may see right now (the consent is re-checked under a lock)."""
    locked = visible_cases(officer).select_for_update().filter(pk=case.pk).first()
    if locked is None or not client_consents_to_police_sharing(locked.client_id, lock=True):
        raise CaseError(_("This case is no longer shared with the police."))
    feedback = PoliceFeedback.objects.create(case=locked, officer=officer, text=text, marks_reviewed=marks_reviewed)
    if marks_reviewed:
        locked.police_reviewed_at = feedback.created_at
        locked.police_reviewed_by = officer
        locked.save(update_fields=["police_reviewed_at", "police_reviewed_by", "updated_at"])
    return feedback


# -- imported from a spreadsheet (cases/imports.py) -----------------------------------------------


def case_checked(
    *,
    organisation_id: int,
    client: Client,
    title: str,
    assistant: User,
    crime_types: Iterable[CrimeType],
    region: Region,
    incident_date: datetime.date | None = None,
    reported_on: datetime.date | None = None,
    locality: Locality | None = None,
    police_reference: str = "",
    police_unit: str = "",
    particularly_vulnerable: bool = False,
    risk_level: str = RiskLevel.LOW,
    shared_with_police: bool = False,
    external_id: str = "",
) -> tuple[Case, list[CrimeType]]:
    """A new case as case_open makes it, in `organisation_id` (the importing coordinator's own),
    checked by the same rules and not saved: ValidationError (by field) or CaseError (sharing
    without the client's consent). The caller found the client and assistant in its scope."""
    errors: dict[str, str] = {}
    if client.organisation_id != organisation_id:
        errors["client"] = _("The client is not of your organisation.")
    if assistant.organisation_id != organisation_id:
        errors["assistant"] = _("The assistant is not of your organisation.")
    if not title.strip():
        errors["title"] = _("The title is missing.")
    elif len(title) > 200:
        errors["title"] = _("The title is longer than 200 characters.")
    crime_types = list(crime_types)
    if not crime_types:
        errors["crime_types"] = _("Name at least one crime type.")
    if errors:
        raise ValidationError(errors)
    case = Case(
        client=client,
        organisation_id=organisation_id,
        status=CaseStatus.NEW,
        title=title.strip(),
        assistant=assistant,
        incident_date=incident_date,
        reported_on=reported_on,
        region=region,
        locality=locality,
        police_reference=police_reference,
        police_unit=police_unit,
        particularly_vulnerable=particularly_vulnerable,
        risk_level=risk_level,
        shared_with_police=shared_with_police,
        external_id=external_id,
    )
    case.clean()  # the model's rules (dates, locality in the region), as _save_descriptive
    if shared_with_police:
        # The consent is locked when the cases are written (the import's transaction); a dry run
        # outside of one only reads it.
        _check_sharing(case, lock=transaction.get_connection().in_atomic_block)
    return case, crime_types


def cases_imported_save(
    checked: Sequence[tuple[Case, list[CrimeType]]], *, by: User, file_name: str, at: datetime.datetime
) -> list[Case]:
    """Saves checked cases (case_checked) in a few statements, each marked as imported from
    `file_name` by `by` and opened by `by` (its first transition, as case_open records it). The
    caller holds the transaction (all or nothing)."""
    cases = [case for case, _types in checked]
    for case in cases:
        case.imported_from, case.imported_by, case.imported_at = file_name[:255], by, at
    Case.objects.bulk_create(cases)
    Case.crime_types.through.objects.bulk_create(
        Case.crime_types.through(case_id=case.pk, crimetype_id=crime.pk) for case, types in checked for crime in types
    )
    CaseTransition.objects.bulk_create(
        CaseTransition(case=case, from_status="", to_status=CaseStatus.NEW, by=by) for case in cases
    )
    return cases
