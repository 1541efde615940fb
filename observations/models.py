"""Locality observations: what a crime-prevention assistant reports to the police mentor.

An observation is about a place, never a person: it has no link to a client, and the form
tells the assistant not to name anyone in the description.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, Organisation
from common.crypto import EncryptedTextField
from common.record_keys import RecordKeyField

# The assistant programme began in the 2000s; an earlier date is a typing mistake.
EARLIEST_OBSERVATION_YEAR = 2000


class ObservationKind(models.TextChoices):
    DRUG_PARAPHERNALIA = "drug_paraphernalia", _("Drug paraphernalia")
    ILLEGAL_DUMPING = "illegal_dumping", _("Illegal dumping")
    UNSECURED_BUILDING = "unsecured_building", _("Unsecured building")
    NEIGHBOUR_CONFLICT = "neighbour_conflict", _("Conflict between neighbours")
    USURY = "usury", _("Suspected usury")
    OTHER = "other", _("Other")


class PassedTo(models.TextChoices):
    NOBODY = "", _("Not passed on")
    MUNICIPAL_POLICE = "municipal_police", _("Municipal police")
    POLICE = "police", _("Policie ČR")
    MUNICIPAL_OFFICE = "municipal_office", _("Municipal office")
    OWNER = "owner", _("Owner")


class OutcomeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting action")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Not resolved")


class Observation(models.Model):
    # Copied from the assistant when recorded, like a contact's: scoping is one column.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="observations", verbose_name=_("organisation")
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations", verbose_name=_("assistant")
    )
    observed_on = models.DateField(_("date"))
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+", verbose_name=_("locality"))
    kind = models.CharField(_("type"), max_length=20, choices=ObservationKind.choices)
    description = EncryptedTextField(
        _("description"),
        max_length=3000,
        help_text=_("Describe the place and what you saw. Do not name any person."),
    )
    passed_to = models.CharField(_("passed to"), max_length=20, choices=PassedTo.choices, blank=True, default="")
    outcome_status = models.CharField(
        _("outcome"), max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.PENDING
    )
    outcome = models.CharField(_("outcome note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counted in the reports for cities, regions and the ministry: the cell-key perturbation.
    record_key = RecordKeyField()

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("locality observation")
        verbose_name_plural = _("locality observations")
        indexes = [
            models.Index(fields=["organisation", "-observed_on", "-id"], name="observation_org_date_idx"),
            # The police list: observations passed to the police, by date.
            models.Index(fields=["passed_to", "-observed_on", "-id"], name="observation_passed_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.observed_on:%Y-%m-%d} – {self.get_kind_display()}"

    def clean(self) -> None:
        if self.observed_on is not None:
            if self.observed_on > timezone.localdate():
                raise ValidationError({"observed_on": _("The date cannot be in the future.")})
            if self.observed_on < datetime.date(EARLIEST_OBSERVATION_YEAR, 1, 1):
                raise ValidationError(
                    {
                        "observed_on": _("The date cannot be before the year %(year)s.")
                        % {"year": EARLIEST_OBSERVATION_YEAR}
                    }
                )

    @property
    def is_passed_to_police(self) -> bool:
        return self.passed_to == PassedTo.POLICE


class PoliceReply(models.Model):
    """A police liaison officer's answer to an observation passed to the police."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="replies", verbose_name=_("locality observation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = EncryptedTextField(_("reply"), max_length=3000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("police reply")
        verbose_name_plural = _("police replies")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
