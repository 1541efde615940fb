from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttentionConfig(AppConfig):
    name = "attention"
    verbose_name = _("What needs doing")
