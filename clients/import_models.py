"""An uploaded import (of clients, contacts or cases) waiting for its confirmation, the
organisation's mapping of columns to fields per kind (clients/importing.py), and the background
job of a large import (clients/import_jobs.py)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

# An upload not confirmed within a day is deleted (clients.imports.forget_old_uploads).
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)


class ImportKind(models.TextChoices):
    CLIENTS = "clients", _("clients")
    CONTACTS = "contacts", _("contacts")
    CASES = "cases", _("cases")


class ClientImportUpload(models.Model):
    """The file between the dry run and the confirmation, encrypted (common.crypto.encrypt_bytes);
    only its uploader reaches it, and it is deleted on confirmation or after a day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.CLIENTS)
    file_name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("encrypted content"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("uploaded client import")
        verbose_name_plural = _("uploaded client imports")

    def __str__(self) -> str:
        return self.file_name


class ClientImportMapping(models.Model):
    """Which column of the organisation's files of a kind holds which field: {field: column heading}."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.CLIENTS)
    columns = models.JSONField(_("columns"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mapping of client import columns")
        verbose_name_plural = _("mappings of client import columns")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="import_mapping_one_per_kind"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)
