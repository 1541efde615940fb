"""The audit trail (who read or did what) and the history of changes (what the database changed).

Both are append-only: the models refuse save() of an existing row and delete(), and the
database refuses UPDATE and DELETE with a trigger (migration 0002). Neither stores names of
clients: a record is a content type and an id.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class AppendOnlyError(Exception):
    """Audit and history rows are never changed nor deleted by the application."""


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Sign-out")
    LOGOUT_ALL = "logout_all", _("Sign-out everywhere")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    FORBIDDEN = "forbidden", _("Refused access (403)")
    NOT_FOUND = "not_found", _("Refused access (404)")
    VIEW = "view", _("View")
    LIST = "list", _("List view")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    ACCESS_EXPORT = "access_export", _("Data-subject access export")
    ERASURE = "erasure", _("Erasure on request")
    RETENTION = "retention", _("Anonymisation after the retention period")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    ADMIN_LIST = "admin_list", _("List in the administration")
    ACCESS_CHANGE = "access_change", _("Change of role or organisation")
    DEVICES_REMOVED = "devices_removed", _("Second-factor devices removed")
    TRANSFER_REQUESTED = "transfer_requested", _("Client transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Client transfer accepted")
    TRANSFER_REJECTED = "transfer_rejected", _("Client transfer rejected")
    TRANSFER_CANCELLED = "transfer_cancelled", _("Client transfer withdrawn")
    MERGE = "merge", _("Merge of client files")
    DOCUMENT = "document", _("Document made from a template")
    # The management area (management/services.py).
    USER_CREATED = "user_created", _("User created")
    USER_CHANGED = "user_changed", _("User changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_USED = "invitation_used", _("Invitation used to set a password")
    ORGANISATION_CREATED = "org_created", _("Organisation created")
    ORGANISATION_CHANGED = "org_changed", _("Organisation changed")
    REFERENCE_CHANGED = "reference_changed", _("Reference list changed")


class AuditEvent(AppendOnlyModel):
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No foreign-key constraint: the trail outlives accounts and organisations, and a
    # constraint's ON DELETE could never be applied to an append-only row anyway.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The attempted user name of a failed sign-in, or the actor's user name at the time.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user's organisation"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("record type"),
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    # A list read (a page of a list, a search, an API list page) is one event naming every
    # record it showed, all of the type in `content_type`, in the order shown. JSON rather than
    # a PostgreSQL array: the demo runs on SQLite.
    object_ids = models.JSONField(_("records shown"), default=list, blank=True)
    # The organisation that owns the record, so that its coordinator sees who read it. For a
    # list read: the organisation owning all the records shown, empty when they belong to
    # several (the police's list of a region).
    record_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("record's organisation"),
    )
    # The path without its query string (a search may contain a name).
    path = models.CharField(_("address in the application"), max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["actor_organisation", "-occurred_at"], name="audit_actor_org_time_idx"),
            models.Index(fields=["record_organisation", "-occurred_at"], name="audit_record_org_time_idx"),
            models.Index(fields=["content_type", "object_id"], name="audit_record_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.username}"


class HistoryEntry(AppendOnlyModel):
    """One row change, written by the database trigger `audit_record_change()` (PostgreSQL only).

    `old_values` / `new_values` hold the changed columns only (all columns for INSERT and
    DELETE) exactly as stored: encrypted columns appear as ciphertext, passwords masked.
    """

    table_name = models.CharField(_("table"), max_length=100)
    row_pk = models.CharField(_("row id"), max_length=64, blank=True)
    operation = models.CharField(_("operation"), max_length=6)
    old_values = models.JSONField(_("old values"), null=True, blank=True)
    new_values = models.JSONField(_("new values"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    # Set by the retention service when it replaced the values of a person's rows.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        db_table = "audit_history"
        ordering = ["-changed_at", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history of changes")
        indexes = [models.Index(fields=["table_name", "row_pk"], name="audit_history_row_idx")]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M:%S} {self.operation} {self.table_name} {self.row_pk}"


class AccessChange(AppendOnlyModel):
    """A change of a user's role or organisation: who did it, and what it was before and after.

    Written with an `ACCESS_CHANGE` audit event by `accounts.services.record_access_change`;
    the coordinators of both organisations (left and joined) see it on their start page.
    User names are kept as they were, so that the row still reads after a rename.
    """

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_username = models.CharField(_("changed by"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)
    old_role = models.CharField(_("previous role"), max_length=20, choices=Role.choices, blank=True)
    new_role = models.CharField(_("new role"), max_length=20, choices=Role.choices, blank=True)
    old_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous organisation"),
    )
    new_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new organisation"),
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("change of role or organisation")
        verbose_name_plural = _("changes of role or organisation")
        indexes = [
            models.Index(fields=["old_organisation", "-occurred_at"], name="audit_access_old_org_idx"),
            models.Index(fields=["new_organisation", "-occurred_at"], name="audit_access_new_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username}: {self.old_role} -> {self.new_role}"
