"""The demo has worked cases, and the police officer of Jihomoravský kraj has some to review."""

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    CaseTransition,
    ClientTransfer,
    Hearing,
    PoliceFeedback,
    Referral,
    Task,
)
from cases.selectors import cases_waiting_for_approval, transfers_waiting, visible_cases


def test_demo_has_cases_with_history_and_shared_cases_for_the_police(db, settings, tmp_path):
    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", password="demo-heslo-123")
    counts = [m.objects.count() for m in (Case, CaseTransition, CaseNote, Task, Hearing, Referral, PoliceFeedback)]
    assert all(counts), counts
    assert CaseNote.objects.filter(shared_with_police=True).exists()
    assert CaseNote.objects.filter(shared_with_police=False).exists()
    # Some cases have an interview behind them and an appointment in the next days.
    assert Hearing.objects.filter(starts_at__lt=timezone.now()).exists()
    assert Hearing.objects.filter(starts_at__gt=timezone.now()).exists()
    officer = User.objects.get(username="policie.jmk")
    shared = visible_cases(officer)
    assert shared.count() >= 2
    assert PoliceFeedback.objects.filter(case__in=shared).exists()
    # One case waits for the coordinator's approval of closing, with the proposal in its history.
    waiting = Case.objects.get(status=CaseStatus.CLOSING_PROPOSED)
    proposal = waiting.transitions.last()
    assert proposal is not None
    assert proposal.to_status == CaseStatus.CLOSING_PROPOSED and proposal.outcome == waiting.outcome != ""
    assert waiting.closed_at is None and proposal.by.role == Role.ASSISTANT
    coordinator = User.objects.filter(organisation=waiting.organisation, role=Role.COORDINATOR).first()
    assert coordinator is not None
    assert list(cases_waiting_for_approval(coordinator)) == [waiting]
    # A client moving from Ostrava to Brno waits for the decision of DROM's coordinator.
    transfers = list(transfers_waiting(User.objects.get(username="koordinator.brno")))
    assert len(transfers) == 1 and transfers[0].from_organisation.name == "Člověk v tísni, o.p.s."
    call_command("seed_demo", password="demo-heslo-123")
    assert Case.objects.filter(status=CaseStatus.CLOSING_PROPOSED).count() == 1
    assert ClientTransfer.objects.count() == 1
    assert [
        m.objects.count() for m in (Case, CaseTransition, CaseNote, Task, Hearing, Referral, PoliceFeedback)
    ] == counts
