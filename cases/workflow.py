"""The status workflow of a victim-support case: the one place that says which change is allowed.

The ordinary path follows the victim from first contact to the end of the proceedings:

    new → in progress → reported to the police → under investigation → in court → closed

Skips that practice needs, and why:
- any open status → closed: the client may stop cooperating or decide not to report at all,
  the police may shelve the report (odložení), an investigation may end without charges.
  Closing always needs an outcome.
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

ALLOWED: dict[str, tuple[str, ...]] = {
    S.NEW: (S.IN_PROGRESS, S.CLOSED),
    S.IN_PROGRESS: (S.REPORTED, S.INVESTIGATION, S.CLOSED),
    S.REPORTED: (S.INVESTIGATION, S.CLOSED),
    S.INVESTIGATION: (S.COURT, S.CLOSED),
    S.COURT: (S.CLOSED,),
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
    def is_closing(self) -> bool:
        return self.to_status == S.CLOSED


def next_statuses(current: str, user: User) -> list[str]:
    """The statuses the user may move a case to from `current`, in workflow order."""
    return [to for to in ALLOWED.get(current, ()) if _refusal(Change(current, to), user, "x", "x") is None]


def check_transition(*, current: str, target: str, user: User, outcome: str, comment: str) -> Change:
    change = Change(current, target)
    refusal = _refusal(change, user, outcome, comment)
    if refusal:
        raise TransitionError(refusal)
    return change


def _refusal(change: Change, user: User, outcome: str, comment: str) -> str | None:
    if change.to_status not in S.values:
        return _("Unknown status.")
    if change.to_status not in ALLOWED.get(change.from_status, ()):
        return _("A case cannot move from “%(from)s” to “%(to)s”.") % {
            "from": S(change.from_status).label,
            "to": S(change.to_status).label,
        }
    if change.is_reopening:
        if not Role(user.role).can_supervise():
            return _("Only a coordinator may reopen a closed case.")
        if not comment.strip():
            return _("Say why the case is being reopened.")
    if change.is_closing and not outcome.strip():
        return _("Closing a case needs an outcome.")
    return None
