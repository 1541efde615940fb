from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        # Registers this app's kind of import for the worker (clients.importing.IMPORTERS).
        from . import imports  # noqa: F401
