from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Victim-support cases")

    def ready(self) -> None:
        # Registers this app's kind of import for the worker (clients.importing.IMPORTERS).
        from . import imports  # noqa: F401
