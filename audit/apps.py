from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import history, signals  # noqa: F401 - connects the sign-in signal handlers

        # After every migrate, so that tables added later (e.g. in cases/) are covered too.
        post_migrate.connect(history.attach_history_triggers, sender=self, dispatch_uid="audit_history_triggers")
