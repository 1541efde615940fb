"""What every app shares in the database: the keys of create submissions, used once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
