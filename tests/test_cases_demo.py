"""The demo has worked cases, and the police officer of Jihomoravský kraj has some to review."""

from django.core.management import call_command

from accounts.models import User
from cases.models import Case, CaseNote, CaseTransition, PoliceFeedback, Referral, Task
from cases.selectors import visible_cases


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
    call_command("seed_demo", password="demo-heslo-123")
    assert [m.objects.count() for m in (Case, CaseTransition, CaseNote, Task, Referral, PoliceFeedback)] == counts
