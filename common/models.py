"""What every app shares in the database: the keys of create submissions, used once, and the
drafts of forms being filled in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .crypto import EncryptedTextField


class Submission(models.Model):
    """One create form or API request (its one-time key, per user) and what it made.

    The unique constraint, not a check before inserting, is what makes a double click or a
    retry after a dropped connection save once: the second insert of the same key waits for the
    first transaction and then fails, and the second request answers with the first result."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("submission key"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=300, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_once_per_user")]
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self) -> str:
        return self.key


class Draft(models.Model):
    """What a user has typed into a form and not saved yet, kept on the server so that a closed
    tab or a session that ended does not lose it (common/drafts.py). Only its author sees it;
    it goes when the form is saved, or after a week (common.tasks.forget_old_drafts)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("contact")
        CLIENT = "client", _("client")
        CASE = "case", _("case")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("form"), max_length=16, choices=Kind.choices)
    # "new" for a create form, the record's id for an edit form ("new-<client id>" for a case
    # opened for a client): a draft belongs to one form of one record.
    object_key = models.CharField(max_length=40)
    # The form's fields as JSON, encrypted: drafts hold the same sensitive text as the records.
    payload = EncryptedTextField(_("draft"))
    # The version of the record the form was opened with: a restored draft is saved against it,
    # so that another person's save in the meantime is shown, never overwritten silently.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_key"], name="draft_once_per_form")]
        indexes = [models.Index(fields=["updated_at"], name="draft_updated_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_key}"
