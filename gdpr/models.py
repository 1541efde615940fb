"""What the GDPR duties leave behind: which client or case was anonymised, when, why, by whom."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyModel


class Anonymisation(AppendOnlyModel):
    class Kind(models.TextChoices):
        RETENTION = "retention", _("End of the retention period")
        ERASURE = "erasure", _("Erasure on request")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Exactly one of client and case: a client (with everything about them) or one closed case.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("client")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("performed by"),
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False, case__isnull=True)
                | models.Q(client__isnull=True, case__isnull=False),
                name="anonymisation_of_client_or_case",
            ),
            models.UniqueConstraint(fields=["client"], name="anonymisation_once_per_client"),
            models.UniqueConstraint(fields=["case"], name="anonymisation_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_at:%Y-%m-%d}"
