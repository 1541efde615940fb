from celery import shared_task

from . import retention


@shared_task(name="gdpr.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE["gdpr-retention"])."""
    return retention.apply_retention()
