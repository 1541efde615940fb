"""The Celery application; tasks live in each app's tasks.py."""

import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")

app = Celery("liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _filter_worker_logs(logger: logging.Logger, **kwargs) -> None:
    """Celery replaces the handlers that settings.LOGGING configured with its own: give those the
    same filters (one traceback a minute in an outage, personal data masked)."""
    from liaison.log_volume import OutageLogFilter
    from liaison.security_logging import PersonalDataFilter

    for handler in logger.handlers:
        if not any(isinstance(f, OutageLogFilter) for f in handler.filters):
            handler.addFilter(OutageLogFilter())
            handler.addFilter(PersonalDataFilter())
