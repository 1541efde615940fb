"""The status workflow of a victim-support case: the one place that says which change is allowed.

The ordinary path follows the victim from first contact to the end of the proceedings:

    new → in progress → reported to the police → under investigation → in court → closed

Closing needs the coordinator's approval (the four-eyes rule of the organisation):
- an assistant proposes closing an open case, with its outcome: the case waits for approval
  (CLOSING_PROPOSED), still open for statistics and retention;
- the coordinator approves (closed) or returns it with a comment saying why: the case goes back
  to the status it had before the proposal (`returns_to`, from its history);
- a coordinator closes an open case directly: the approval is their own, recorded as one
  status change by them, so a coordinator never waits for themselves.

Skips that practice needs, and why:
- any open status → closing: the client may stop cooperating or decide not to report at all,
  the police may shelve the report (odložení), an investigation may end without charges.
  Closing (proposed or direct) always needs an outcome.
- in progress → under investigation: the police sometimes start on their own (ex officio),
  so the case never goes through "reported to the police" by the client.
- closed → in progress (reopening): only a coordinator, with a comment saying why; a closed
  case must not silently come back to life.

Moves backwards between open statuses are not allowed: the history would stop telling what
happened. Services call `check_transition`, which raises `TransitionError` with a message for
the user; views never change `Case.status` themselves.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role

from .models import CaseStatus

S = CaseStatus

OPEN: tuple[str, ...] = (S.NEW, S.IN_PROGRESS, S.REPORTED, S.INVESTIGATION, S.COURT)

# A proposed closing may also go back to the status before the proposal (see `targets`).
ALLOWED: dict[str, tuple[str, ...]] = {
    S.NEW: (S.IN_PROGRESS, S.CLOSING_PROPOSED, S.CLOSED),
    S.IN_PROGRESS: (S.REPORTED, S.INVESTIGATION, S.CLOSING_PROPOSED, S.CLOSED),
    S.REPORTED: (S.INVESTIGATION, S.CLOSING_PROPOSED, S.CLOSED),
    S.INVESTIGATION: (S.COURT, S.CLOSING_PROPOSED, S.CLOSED),
    S.COURT: (S.CLOSING_PROPOSED, S.CLOSED),
    S.CLOSING_PROPOSED: (S.CLOSED,),
    S.CLOSED: (S.IN_PROGRESS,),
}


class TransitionError(Exception):
    """A status change the workflow does not allow; the message is for the user."""


@dataclass(frozen=True)
class Change:
    from_status: str
    to_status: str

    @property
    def is_reopening(self) -> bool:
        return self.from_status == S.CLOSED

    @property
    def is_proposal(self) -> bool:
        return self.to_status == S.CLOSING_PROPOSED

    @property
    def is_closing(self) -> bool:
        return self.to_status == S.CLOSED

    @property
    def is_approval(self) -> bool:
        return self.from_status == S.CLOSING_PROPOSED and self.to_status == S.CLOSED

    @property
    def is_return(self) -> bool:
        """A proposed closing sent back to the status before it."""
        return self.from_status == S.CLOSING_PROPOSED and self.to_status != S.CLOSED


def targets(current: str, returns_to: str | None = None) -> tuple[str, ...]:
    """Where a case may go from `current`; `returns_to` is the status before a proposed closing."""
    if current == S.CLOSING_PROPOSED and returns_to in OPEN:
        return (S.CLOSED, returns_to)
    return ALLOWED.get(current, ())


def next_statuses(current: str, user: User, *, returns_to: str | None = None) -> list[str]:
    """The statuses the user may move a case to from `current`, in workflow order."""
    return [
        to for to in targets(current, returns_to) if _refusal(Change(current, to), user, "x", "x", returns_to) is None
    ]


def check_transition(
    *, current: str, target: str, user: User, outcome: str, comment: str, returns_to: str | None = None
) -> Change:
    change = Change(current, target)
    refusal = _refusal(change, user, outcome, comment, returns_to)
    if refusal:
        raise TransitionError(refusal)
    return change


def _refusal(change: Change, user: User, outcome: str, comment: str, returns_to: str | None) -> str | None:
    if change.to_status not in S.values or change.from_status not in S.values:
        return _("Unknown status.")
    if change.to_status not in targets(change.from_status, returns_to):
        return _("A case cannot move from “%(from)s” to “%(to)s”.") % {
            "from": S(change.from_status).label,
            "to": S(change.to_status).label,
        }
    supervises = Role(user.role).can_supervise()
    if change.is_reopening:
        if not supervises:
            return _("Only a coordinator may reopen a closed case.")
        if not comment.strip():
            return _("Say why the case is being reopened.")
    if change.is_proposal:
        if supervises:
            return _("A coordinator closes a case directly, without a proposal.")
        if not outcome.strip():
            return _("Proposing to close a case needs an outcome.")
    if change.is_closing:
        if not supervises:
            return _("Only the coordinator may close a case: propose closing it instead.")
        if not outcome.strip():
            return _("Closing a case needs an outcome.")
    if change.is_return:
        if not supervises:
            return _("Only the coordinator may return a proposed closing.")
        if not comment.strip():
            return _("Say why the closing is returned.")
    return None
