"""The demo has worked cases, and the police officer of Jihomoravský kraj has some to review."""

from django.core.management import call_command

from accounts.models import User
from cases.models import Case, CaseNote, CaseTransition, ClientTransfer, PoliceFeedback, Referral, Task
from cases.selectors import transfers_waiting, visible_cases


def test_demo_has_cases_with_history_and_shared_cases_for_the_police(db, settings, tmp_path):
    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", password="demo-heslo-123")
    counts = [m.objects.count() for m in (Case, CaseTransition, CaseNote, Task, Referral, PoliceFeedback)]
    assert all(counts), counts
    assert CaseNote.objects.filter(shared_with_police=True).exists()
    assert CaseNote.objects.filter(shared_with_police=False).exists()
    officer = User.objects.get(username="policie.jmk")
    shared = visible_cases(officer)
    assert shared.count() >= 2
    assert PoliceFeedback.objects.filter(case__in=shared).exists()
    # A client moving from Ostrava to Brno waits for the decision of DROM's coordinator.
    waiting = list(transfers_waiting(User.objects.get(username="koordinator.brno")))
    assert len(waiting) == 1 and waiting[0].from_organisation.name == "Člověk v tísni, o.p.s."
    call_command("seed_demo", password="demo-heslo-123")
    assert ClientTransfer.objects.count() == 1
    assert [m.objects.count() for m in (Case, CaseTransition, CaseNote, Task, Referral, PoliceFeedback)] == counts
