"""Writes to victim-support cases. Status changes, sharing with the police, attachments and
police feedback go through here so that their rules live in one place."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import attachments, workflow
from .models import (
    Attachment,
    Case,
    CaseNote,
    CaseStatus,
    CaseTransition,
    PoliceFeedback,
    Referral,
    ReferralState,
    RightsInformation,
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


def _check_sharing(case: Case) -> None:
    if case.shared_with_police and not client_consents_to_police_sharing(case.client_id, lock=True):
        raise CaseError(
            _("The case cannot be shared with the police: the client has no active consent to it."),
            field="shared_with_police",
        )


@transaction.atomic
def case_open(*, by: User, case: Case, crime_types) -> Case:
    """Save a new case (an unsaved instance from the form) for the opener's organisation."""
    case.organisation_id = by.organisation_id
    case.status = CaseStatus.NEW
    _check_sharing(case)
    case.save()
    case.crime_types.set(crime_types)
    CaseTransition.objects.create(case=case, from_status="", to_status=CaseStatus.NEW, by=by)
    return case


@transaction.atomic
def case_update(*, case: Case, crime_types) -> Case:
    """Save the edited descriptive fields; the status is never changed here."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    # Fields owned by the workflow and by the police review keep their stored values, even if
    # they changed while the form was open.
    case.status, case.closed_at, case.outcome = locked.status, locked.closed_at, locked.outcome
    case.police_reviewed_at, case.police_reviewed_by_id = locked.police_reviewed_at, locked.police_reviewed_by_id
    _check_sharing(case)
    case.save()
    case.crime_types.set(crime_types)
    return case


@transaction.atomic
def case_transition(*, case: Case, to_status: str, by: User, comment: str = "", outcome: str = "") -> CaseTransition:
    """Move a case to another status if the workflow allows it; otherwise nothing changes."""
    locked = visible_cases(by).select_for_update().get(pk=case.pk)
    outcome = outcome.strip() or (locked.outcome if to_status != CaseStatus.CLOSED else "")
    change = workflow.check_transition(
        current=locked.status, target=to_status, user=by, outcome=outcome, comment=comment
    )
    locked.status = change.to_status
    fields = ["status", "updated_at"]
    if change.is_closing:
        locked.closed_at = timezone.now()
        locked.outcome = outcome.strip()
        fields += ["closed_at", "outcome"]
    elif change.is_reopening:
        locked.closed_at = None
        fields.append("closed_at")
    locked.save(update_fields=fields)
    case.status, case.closed_at, case.outcome = locked.status, locked.closed_at, locked.outcome
    return CaseTransition.objects.create(
        case=locked, from_status=change.from_status, to_status=change.to_status, by=by, comment=comment.strip()
    )


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


def task_add(*, case: Case, by: User, task: Task) -> Task:
    task.case = case
    task.created_by = by
    task.save()
    return task


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


def referral_add(*, case: Case, by: User, referral: Referral) -> Referral:
    referral.case = case
    referral.created_by = by
    referral.state = ReferralState.PROPOSED
    referral.save()
    return referral


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
