"""An uploaded client import waiting for its confirmation, and the organisation's mapping of
columns to fields (clients/imports.py)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

# An upload not confirmed within a day is deleted (clients.imports.forget_old_uploads).
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)


class ClientImportUpload(models.Model):
    """The file between the dry run and the confirmation, encrypted (common.crypto.encrypt_bytes);
    only its uploader reaches it, and it is deleted on confirmation or after a day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("encrypted content"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("uploaded client import")
        verbose_name_plural = _("uploaded client imports")

    def __str__(self) -> str:
        return self.file_name


class ClientImportMapping(models.Model):
    """Which column of the organisation's files holds which field: {field: column heading}."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    columns = models.JSONField(_("columns"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mapping of client import columns")
        verbose_name_plural = _("mappings of client import columns")

    def __str__(self) -> str:
        return str(self.organisation)
