"""Celery tasks of attention: the work in attention/digest.py."""

from celery import shared_task

from . import digest


# No automatic retry: a retry would mail again everyone already served; a user whose mail failed
# is logged and gets the next morning's digest.
@shared_task(name="attention.tasks.send_daily_digests", acks_late=False)
def send_daily_digests() -> int:
    return digest.send_digests()
