"""A client's transfer to another organisation (the client moved, e.g. from Ostrava to Brno).

It lives with the cases because it moves cases too (cases are above clients in the layers).
Its rules are in cases.transfers, its reads in cases.selectors."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from common.crypto import EncryptedTextField


class TransferState(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn by the sender")


class ClientTransfer(models.Model):
    """The sending coordinator asks, the receiving organisation's coordinator accepts or rejects.
    Until it is accepted the client and the cases stay with the sender."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="transfers", verbose_name=_("client")
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="transfers", verbose_name=_("cases transferred")
    )
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("sending organisation")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving organisation")
    )
    note = EncryptedTextField(_("note for the receiving organisation"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=TransferState.choices, default=TransferState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = EncryptedTextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("client transfer")
        verbose_name_plural = _("client transfers")
        indexes = [
            models.Index(fields=["to_organisation", "state", "-requested_at"], name="transfer_to_state_idx"),
            models.Index(fields=["from_organisation", "state", "-requested_at"], name="transfer_from_state_idx"),
        ]
        constraints = [
            # One open question at a time: a second one waits until the first is decided.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(state="pending"),
                name="transfer_one_pending_per_client",
                violation_error_message=_("A transfer of this client is already waiting for a decision."),
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="transfer_to_another_organisation",
                violation_error_message=_("A client is transferred to another organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending", decided_at__isnull=True)
                | (~models.Q(state="pending") & models.Q(decided_at__isnull=False)),
                name="transfer_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:  # never the client's name: the receiver sees only a summary
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.state == TransferState.PENDING
