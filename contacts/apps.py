from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts with authorities")

    def ready(self) -> None:
        # Registers this app's kind of import for the worker (clients.importing.IMPORTERS).
        from . import imports  # noqa: F401
