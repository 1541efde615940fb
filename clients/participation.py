"""What funders count about a client beyond the client file: the periods in which the person
used a service (MPSV annual statement: users of the service, who stopped and why) and the
ESF+ / OPZ+ monitoring sheet of a project participant.

Imported by clients.models, where the rest of the client's models live."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.crypto import EncryptedTextField

# An earlier start of a service is a typing mistake (as for contacts and refusals).
EARLIEST_SERVICE_YEAR = 2000


class EndReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("The goal of the cooperation was reached")
    MOVED_AWAY = "moved_away", _("Moved away")
    CLIENT_ENDED = "client_ended", _("The client ended the cooperation")
    LOST_CONTACT = "lost_contact", _("Contact with the client was lost")
    TRANSFERRED = "transferred", _("Transferred to another service")
    DIED = "died", _("Died")
    OTHER = "other", _("Other reason")


class ServiceUse(models.Model):
    """One period in which the client used one of the organisation's services: from when they
    became a user of the service until they stopped (with the reason). At most one period of
    a service is open at a time."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="service_uses", verbose_name=_("client")
    )
    service = models.ForeignKey(
        "programmes.Service", on_delete=models.PROTECT, related_name="uses", verbose_name=_("service")
    )
    started_on = models.DateField(_("user of the service since"))
    ended_on = models.DateField(_("stopped using the service on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=EndReason.choices, blank=True)
    note = EncryptedTextField(_("note"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("use of a service")
        verbose_name_plural = _("uses of services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="service_use_ends_after_start",
                violation_error_message=_("The end of the service cannot be before its start."),
            ),
            # An ended period says why; an open one has no reason yet.
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_reason="")
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="service_use_reason_when_ended",
                violation_error_message=_("Choose why the client stopped using the service."),
            ),
            models.UniqueConstraint(
                fields=["client", "service"],
                condition=models.Q(ended_on__isnull=True),
                name="service_use_one_open_per_service",
                violation_error_message=_("The client already uses this service: end that period first."),
            ),
        ]
        indexes = [models.Index(fields=["service", "started_on"], name="service_use_service_idx")]

    def __str__(self) -> str:
        return f"{self.service} ({self.started_on} – {self.ended_on or ''})"

    def clean(self) -> None:
        """The period's rules, for the page and any other route (the database repeats them)."""
        errors: dict[str, str | Promise] = {}
        today = timezone.localdate()
        for name in ("started_on", "ended_on"):
            day = getattr(self, name)
            if day is not None and day > today:
                errors[name] = _("The date cannot be in the future.")
            elif day is not None and day.year < EARLIEST_SERVICE_YEAR:
                errors[name] = _("The date cannot be before the year %(year)s.") % {"year": EARLIEST_SERVICE_YEAR}
        if self.ended_on is not None and self.started_on is not None and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end of the service cannot be before its start.")
        if self.ended_on is not None and not self.end_reason:
            errors["end_reason"] = _("Choose why the client stopped using the service.")
        if self.ended_on is None and self.end_reason:
            errors["ended_on"] = _("Enter the day the client stopped using the service.")
        if self.client_id is not None and self.service_id is not None:
            if self.service.organisation_id != self.client.organisation_id:
                errors["service"] = _("Choose a service of the client's organisation.")
            elif "ended_on" not in errors and self.started_on is not None:
                errors.update(self._overlap_errors())
        if errors:
            raise ValidationError(errors)

    def _overlap_errors(self) -> dict[str, str | Promise]:
        """A person uses a service once at a time: periods of one service do not overlap."""
        others = ServiceUse.objects.filter(client_id=self.client_id, service_id=self.service_id).exclude(pk=self.pk)
        if self.ended_on is None and others.filter(ended_on__isnull=True).exists():
            return {"service": _("The client already uses this service: end that period first.")}
        overlapping = others.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=self.started_on))
        if self.ended_on is not None:
            overlapping = overlapping.filter(started_on__lte=self.ended_on)
        if overlapping.exists():
            return {"started_on": _("This period overlaps another period of the same service.")}
        return {}

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


# -- the ESF+ / OPZ+ monitoring sheet -------------------------------------------------------------
# Every question has "declined to say" as an answer of its own; an empty answer means not asked.
DECLINED = "declined"
DECLINED_LABEL = _("Declined to say")


class LabourMarketStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed, registered with the labour office")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed (more than 12 months)")
    UNEMPLOYED_UNREGISTERED = "unemployed_unregistered", _("Unemployed, not registered with the labour office")
    INACTIVE = "inactive", _("Economically inactive")
    IN_EDUCATION = "in_education", _("In education or training")
    DECLINED = DECLINED, DECLINED_LABEL


class Education(models.TextChoices):
    """Highest education reached, in the ISCED groups of the OPZ+ monitoring sheet."""

    ISCED_0 = "isced_0", _("ISCED 0 – no formal or pre-primary education")
    ISCED_1 = "isced_1", _("ISCED 1 – primary education (first stage)")
    ISCED_2 = "isced_2", _("ISCED 2 – lower secondary (basic school completed)")
    ISCED_3_4 = "isced_3_4", _("ISCED 3–4 – upper secondary or post-secondary")
    ISCED_5_8 = "isced_5_8", _("ISCED 5–8 – tertiary (higher vocational, university)")
    DECLINED = DECLINED, DECLINED_LABEL


class HousingExclusion(models.TextChoices):
    HOMELESS = "homeless", _("Homeless (without a roof or shelter)")
    INSECURE = "insecure", _("Insecure housing")
    INADEQUATE = "inadequate", _("Inadequate housing")
    NONE = "none", _("Not excluded from housing")
    DECLINED = DECLINED, DECLINED_LABEL


class Disadvantage(models.TextChoices):
    DISABILITY = "disability", _("Person with a disability")
    OTHER = "other", _("Other disadvantage")
    NONE = "none", _("No disadvantage")
    DECLINED = DECLINED, DECLINED_LABEL


# The sheet's questions: field name -> its answers (the form and the API offer them in this order).
PARTICIPANT_QUESTIONS: dict[str, type[models.TextChoices]] = {
    "labour_market_status": LabourMarketStatus,
    "education": Education,
    "housing_exclusion": HousingExclusion,
    "disadvantage": Disadvantage,
}


class ParticipantSheet(models.Model):
    """The monitoring sheet (monitorovací list) of a participant of an ESF+ / OPZ+ project."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="participant_sheet", verbose_name=_("client")
    )
    labour_market_status = models.CharField(
        _("labour-market status"), max_length=30, choices=LabourMarketStatus.choices, blank=True
    )
    education = models.CharField(_("highest education (ISCED)"), max_length=20, choices=Education.choices, blank=True)
    housing_exclusion = models.CharField(
        _("housing exclusion"), max_length=20, choices=HousingExclusion.choices, blank=True
    )
    disadvantage = models.CharField(_("disadvantage"), max_length=20, choices=Disadvantage.choices, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("ESF+ participant sheet")
        verbose_name_plural = _("ESF+ participant sheets")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in PARTICIPANT_QUESTIONS)
