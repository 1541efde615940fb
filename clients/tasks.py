from celery import shared_task

from .imports import forget_old_uploads


@shared_task(name="clients.tasks.forget_old_import_uploads")
def forget_old_import_uploads() -> int:
    """Delete the uploaded client imports not confirmed within a day; returns how many."""
    return forget_old_uploads()
