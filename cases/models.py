"""Victim-support cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, Organisation, Region


class CrimeType(models.Model):
    """Reference data: a crime under the Criminal Code no. 40/2009 Sb."""

    section = models.CharField(_("section"), max_length=10, unique=True, help_text=_("e.g. §218"))
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("crime type")
        verbose_name_plural = _("crime types")

    def __str__(self) -> str:
        return f"{self.name} ({self.section})"


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported to the police")
    INVESTIGATION = "investigation", _("Under investigation")
    COURT = "court", _("In court")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Case(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="cases", verbose_name=_("client (victim)")
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_cases", verbose_name=_("assistant")
    )
    title = models.CharField(_("title"), max_length=200)
    crime_types = models.ManyToManyField(CrimeType, related_name="cases", verbose_name=_("crime types"))
    incident_date = models.DateField(_("incident date"), null=True, blank=True)
    # The region decides which police directorate's liaison officer may review a shared case.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases", verbose_name=_("region"))
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("locality")
    )
    police_reference = models.CharField(_("police reference number"), max_length=60, blank=True)
    police_unit = models.CharField(_("police unit"), max_length=150, blank=True)
    particularly_vulnerable = models.BooleanField(_("particularly vulnerable victim"), default=False)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    shared_with_police = models.BooleanField(
        _("shared with the police"),
        default=False,
        help_text=_("Only with the client's recorded consent to sharing with the police."),
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "status", "-opened_at"], name="case_org_status_idx"),
            models.Index(fields=["assistant", "status"], name="case_assistant_status_idx"),
            models.Index(fields=["region", "shared_with_police", "status"], name="case_region_shared_idx"),
        ]

    def __str__(self) -> str:
        return self.title
