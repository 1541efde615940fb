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
    """The file between the dry run and the confirmation, kept encrypted in parts
    (ClientImportUploadPart, clients/import_storage.py); only its uploader reaches it, and it is
    deleted on confirmation or after a day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.CLIENTS)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("uploaded client import")
        verbose_name_plural = _("uploaded client imports")

    def __str__(self) -> str:
        return self.file_name


class ClientImportUploadPart(models.Model):
    """A consecutive piece of an upload's file, encrypted on its own (common.crypto.encrypt_bytes),
    so that neither storing nor reading a long file ever holds the whole of it in memory."""

    upload = models.ForeignKey(
        ClientImportUpload, on_delete=models.CASCADE, related_name="parts", verbose_name=_("upload")
    )
    number = models.PositiveIntegerField(_("number"))
    size = models.PositiveIntegerField(_("size in bytes"))  # of the plain content
    data = models.BinaryField(_("encrypted content"))

    class Meta:
        ordering = ["upload", "number"]
        verbose_name = _("part of an uploaded import")
        verbose_name_plural = _("parts of uploaded imports")
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="import_upload_part_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}/{self.number}"


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


class ImportJob(models.Model):
    """A large upload checked, then imported, by the worker (clients/import_jobs.py): its state,
    how many rows it has gone through, and the result the page shows. Only its requester sees it."""

    class Phase(models.TextChoices):
        CHECK = "check", _("check")
        IMPORT = "import", _("import")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    upload = models.ForeignKey(
        ClientImportUpload, on_delete=models.SET_NULL, null=True, related_name="jobs", verbose_name=_("upload")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # The check's result the confirmation must still find (clients.importing.DryRun.summary).
    expected_summary = models.CharField(_("expected result"), max_length=100, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.JSONField(_("skipped rows"), default=list)  # [[row number, reason], ...]
    errors = models.JSONField(_("rows with errors"), default=list)  # [[row number, message], ...]
    summary = models.CharField(_("result"), max_length=100, blank=True)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.phase})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
