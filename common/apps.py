from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """Code every app shares (encrypted fields, pagination, validators, form helpers).

    The bottom layer: it imports nothing of the project. Installed so that its template tags load.
    """

    name = "common"
    verbose_name = _("Drafts and form submissions")
