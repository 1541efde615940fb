import datetime

from celery import shared_task
from django.utils import timezone

from .drafts import KEEP_DRAFTS
from .models import Draft, Submission

# A retry comes within minutes; a week covers a laptop that slept over a weekend with the page open.
KEEP_SUBMISSIONS = datetime.timedelta(days=7)


@shared_task
def forget_old_submissions() -> int:
    """Delete the keys of create submissions older than a week; returns how many."""
    deleted, _ = Submission.objects.filter(created_at__lt=timezone.now() - KEEP_SUBMISSIONS).delete()
    return deleted


@shared_task
def forget_old_drafts() -> int:
    """Delete the drafts of forms not touched for a week; returns how many."""
    deleted, _ = Draft.objects.filter(updated_at__lt=timezone.now() - KEEP_DRAFTS).delete()
    return deleted
