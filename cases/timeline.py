"""One chronological story of a case, built from its transitions, notes, contacts, referrals,
tasks, hearings, attachments and police feedback. The police timeline leaves out everything
internal: of a hearing the police learn its kind, time and place, never its note."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role

from .models import Case, CaseStatus
from .selectors import visible_attachments


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    # A CSS/semantic key: transition, assignment, note, contact, referral, task, hearing, attachment, feedback.
    kind: str
    label: str  # what kind of event it is, for the reader
    text: str
    who: str = ""
    shared_with_police: bool = False


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _transition_text(transition) -> str:
    if not transition.from_status:
        return _("Case opened")
    return _("%(from)s → %(to)s") % {
        "from": CaseStatus(transition.from_status).label,
        "to": CaseStatus(transition.to_status).label,
    }


def _transition_label(transition) -> str:
    """What kind of status change it was: the steps of a closing are named for the reader."""
    frm, to = transition.from_status, transition.to_status
    if to == CaseStatus.CLOSING_PROPOSED:
        return _("Closing proposed")
    if frm == CaseStatus.CLOSING_PROPOSED:
        return _("Closing approved") if to == CaseStatus.CLOSED else _("Closing returned")
    if to == CaseStatus.CLOSED:
        # A coordinator closes without a proposal: the approval is their own.
        if Role(transition.by.role).can_supervise():
            return _("Closed by the coordinator (approved by themselves)")
        return _("Case closed")
    if frm == CaseStatus.CLOSED:
        return _("Case reopened")
    return _("Status")


def _transition_entry(t) -> Entry:
    text = _transition_text(t)
    if t.outcome:
        label = _("Outcome until then") if t.from_status == CaseStatus.CLOSED else _("Outcome")
        text += f"\n{label}: {t.outcome}"
    if t.comment:
        text += f"\n{_('Comment')}: {t.comment}"
    return Entry(t.at, "transition", _transition_label(t), text, str(t.by))


def case_timeline(case: Case) -> list[Entry]:
    """Everything that happened on the case, oldest first (for the case's own organisation)."""
    entries = [_transition_entry(t) for t in case.transitions.select_related("by")]
    entries += [
        Entry(
            a.at,
            "assignment",
            _("Assigned to another assistant"),
            f"{a.from_assistant} → {a.to_assistant}",
            str(a.by),
        )
        for a in case.assignments.select_related("from_assistant", "to_assistant", "by")
    ]
    entries += [
        Entry(
            n.created_at,
            "note",
            _("Note shared with the police") if n.shared_with_police else _("Internal note"),
            n.text,
            str(n.author),
            n.shared_with_police,
        )
        for n in case.notes.select_related("author")
    ]
    # The contacts of the organisation that has the case: after a transfer to another
    # organisation the sender's contacts stay the sender's records.
    contacts = case.contacts.filter(organisation_id=case.organisation_id)
    for c in contacts.select_related("authority", "assistant").prefetch_related("activities__activity_type"):
        activities = ", ".join(f"{a.activity_type.name} {a.minutes} min" for a in c.activities.all())
        summary = f"{c.authority} – {activities}" if c.authority_id else activities
        entries.append(Entry(c.occurred_at, "contact", _("Contact"), summary, str(c.assistant)))
    for r in case.referrals.all():
        entries.append(Entry(_day_start(r.proposed_on), "referral", _("Referral proposed"), r.get_service_display()))
        if r.state != "proposed":
            day = r.completed_on or r.answered_on or r.sent_on or r.proposed_on
            entries.append(
                Entry(_day_start(day), "referral", _("Referral"), f"{r.get_service_display()}: {r.get_state_display()}")
            )
    for task in case.tasks.select_related("assignee"):
        entries.append(Entry(task.created_at, "task", _("Task created"), task.title, str(task.assignee)))
        if task.done_at:
            entries.append(Entry(task.done_at, "task", _("Task done"), task.title, str(task.assignee)))
    entries += [
        Entry(a.uploaded_at, "attachment", _("Attachment"), a.original_name, str(a.uploaded_by), a.shared_with_police)
        for a in case.attachments.select_related("uploaded_by")
    ]
    entries += _hearing_entries(case, internal=True)
    entries += _feedback_entries(case)
    return sorted(entries, key=lambda e: e.at)


def police_timeline(case: Case, *, viewer: User) -> list[Entry]:
    """What the police may read: status changes (without the assistants' comments), shared notes,
    the attachments the officer `viewer` may see (the shared ones), the hearings' kind, time and
    place (the police take part in many of them; never the note) and the police's own feedback."""
    entries = [Entry(t.at, "transition", _("Status"), _transition_text(t)) for t in case.transitions.all()]
    entries += [
        Entry(n.created_at, "note", _("Note shared with the police"), n.text, str(n.author), True)
        for n in case.notes.filter(shared_with_police=True).select_related("author")
    ]
    entries += [
        Entry(a.uploaded_at, "attachment", _("Attachment"), a.original_name, "", True)
        for a in visible_attachments(viewer).filter(case=case)
    ]
    entries += _hearing_entries(case, internal=False)
    entries += _feedback_entries(case)
    return sorted(entries, key=lambda e: e.at)


def _hearing_entries(case: Case, *, internal: bool) -> list[Entry]:
    """A hearing stands in the story at its own time, ahead of today while it is to come."""
    hearings = case.hearings.all() if internal else case.hearings.only("id", "case_id", "kind", "starts_at", "place")
    entries = []
    for hearing in hearings:
        text = f"{hearing.get_kind_display()}, {hearing.place}"
        if internal and hearing.accompanied:
            text += "\n" + _("The assistant accompanies the client.")
        if internal and hearing.note:
            text += f"\n{_('Note')}: {hearing.note}"
        entries.append(Entry(hearing.starts_at, "hearing", _("Hearing"), text, "", not internal))
    return entries


def _feedback_entries(case: Case) -> list[Entry]:
    return [
        Entry(
            f.created_at,
            "feedback",
            _("Police feedback (case reviewed)") if f.marks_reviewed else _("Police feedback"),
            f.text,
            str(f.officer),
            True,
        )
        for f in case.police_feedback.select_related("officer")
    ]
