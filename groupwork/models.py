"""Group activities: a prevention talk, a community meeting, a workshop.

A group activity counts its named participants (clients of the organisation) and an anonymous
head count by sex and age band. Reports count distinct persons (a client at five meetings is
one person) apart from attendances (groupwork.selectors.group_participation).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Locality, Organisation
from common.crypto import EncryptedTextField
from common.record_keys import RecordKeyField
from common.validators import CLOCK_SKEW
from programmes.models import ActivityType, Project, Service

MAX_MINUTES = 24 * 60
MAX_HEAD_COUNT = 500  # people of one sex and age band at one activity
# The assistant programme began in the 2000s; an earlier date is a typing mistake.
EARLIEST_YEAR = 2000


class Sex(models.TextChoices):
    FEMALE = "female", pgettext_lazy("group activity", "Female")
    MALE = "male", pgettext_lazy("group activity", "Male")
    UNKNOWN = "unknown", pgettext_lazy("group activity", "Not stated")


class AgeBand(models.TextChoices):
    CHILD = "0-14", pgettext_lazy("group activity", "0–14")
    YOUTH = "15-17", pgettext_lazy("group activity", "15–17")
    YOUNG_ADULT = "18-26", pgettext_lazy("group activity", "18–26")
    ADULT = "27-64", pgettext_lazy("group activity", "27–64")
    SENIOR = "65+", pgettext_lazy("group activity", "65+")


# The cells of the anonymous head count, in the order of the form's grid (rows: sex).
HEAD_COUNT_CELLS = [(sex, band) for sex in Sex.values for band in AgeBand.values]


class GroupActivity(models.Model):
    # Copied from the author when recorded, like a contact's: scoping is one column.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="group_activities", verbose_name=_("organisation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_activities", verbose_name=_("author")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="group_activities", verbose_name=_("service"), db_index=False
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_activities",
        verbose_name=pgettext_lazy("group activity", "project"),
    )
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("group activity", "activity type"),
    )
    occurred_at = models.DateTimeField(_("date and time"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("locality")
    )
    topic = models.CharField(_("topic"), max_length=200, help_text=_("E.g. Prevence lichvy – beseda."))
    description = EncryptedTextField(_("description"), max_length=3000, blank=True)
    participants = models.ManyToManyField(
        "clients.Client",
        blank=True,
        related_name="group_activities",
        verbose_name=pgettext_lazy("group activity", "participants"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counted in statistics: the cell-key perturbation (docs/statistical-disclosure.md).
    record_key = RecordKeyField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        indexes = [
            models.Index(fields=["organisation", "-occurred_at", "-id"], name="groupactivity_org_time_idx"),
            models.Index(fields=["organisation", "service", "-occurred_at"], name="groupactivity_org_service_idx"),
            models.Index(fields=["occurred_at"], name="groupactivity_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0, minutes__lte=MAX_MINUTES), name="groupactivity_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} – {self.topic}"

    def clean(self) -> None:
        """Rules of a plausible group activity, shared by the page and the API (the service
        checks what needs the database: participants, the head count, who is present)."""
        errors: dict[str, str | Promise] = {}
        if not (self.topic or "").strip():
            errors["topic"] = _("Enter the topic of the activity.")
        if self.minutes is not None and not 1 <= self.minutes <= MAX_MINUTES:
            errors["minutes"] = _("Enter a duration from 1 minute to 24 hours (1440 minutes).")
        if self.occurred_at is not None:
            if self.occurred_at > timezone.now() + CLOCK_SKEW:
                errors["occurred_at"] = _("The date and time cannot be in the future.")
            elif self.occurred_at < datetime.datetime(EARLIEST_YEAR, 1, 1, tzinfo=datetime.UTC):
                errors["occurred_at"] = _("The date cannot be before the year %(year)s.") % {"year": EARLIEST_YEAR}
        if self.service_id is not None and self.organisation_id is not None:
            if self.service.organisation_id != self.organisation_id:
                errors["service"] = _("Choose a service of your organisation.")
            elif self.activity_type_id is not None and self.activity_type.service_id != self.service_id:
                errors["activity_type"] = _("Choose an activity type of the chosen service.")
        project = self.project if self.project_id is not None else None
        if project is not None and self.organisation_id is not None:
            if project.organisation_id != self.organisation_id:
                errors["project"] = _("Choose a project of your organisation.")
            elif self.occurred_at is not None and "occurred_at" not in errors:
                day = timezone.localtime(self.occurred_at).date()
                if day < project.starts_on or (project.ends_on is not None and day > project.ends_on):
                    errors["project"] = _("The project does not run on the date of the activity.")
        if errors:
            raise ValidationError(errors)

    @property
    def anonymous_total(self) -> int:
        """People who gave no name (uses the list's annotation when there is one)."""
        annotated = self.__dict__.get("anonymous_sum")
        if annotated is not None:
            return annotated
        return sum(cell.count for cell in self.anonymous_attendance.all())


class AnonymousAttendance(models.Model):
    """People of one sex and age band who attended without giving a name (cells of zero are
    not stored)."""

    group_activity = models.ForeignKey(
        GroupActivity,
        on_delete=models.CASCADE,
        related_name="anonymous_attendance",
        verbose_name=_("group activity"),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_band = models.CharField(pgettext_lazy("group activity", "age band"), max_length=5, choices=AgeBand.choices)
    count = models.PositiveSmallIntegerField(pgettext_lazy("group activity", "number of persons"))

    class Meta:
        ordering = ["group_activity", "sex", "age_band"]
        verbose_name = _("anonymous attendance")
        verbose_name_plural = _("anonymous attendance")
        constraints = [
            models.UniqueConstraint(fields=["group_activity", "sex", "age_band"], name="anonymous_attendance_cell"),
            models.CheckConstraint(
                condition=models.Q(count__gt=0, count__lte=MAX_HEAD_COUNT), name="anonymous_attendance_count_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sex_display()} {self.get_age_band_display()}: {self.count}"
