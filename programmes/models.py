"""Services, projects and their funders, the activity types work is counted in, staff time.

An organisation runs one or more services (a registered social service, or a crime-prevention
project run outside act 108/2006 Sb.) and projects paid by funders; an assistant's work belongs
to a service and, where funded, to a project (`Assignment`)."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, Region
from common.record_keys import RecordKeyField

from .vocabulary import ActivityCategory, FunderKind, ServiceKind, TargetGroup


class Funder(models.Model):
    """Who pays: each funder wants its own report for its own period."""

    kind = models.CharField(_("kind"), max_length=20, choices=FunderKind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    # A city or a region as funder sees the figures of the services it pays for in its area.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.kind == FunderKind.CITY and self.municipality_id is None:
            errors["municipality"] = _("A city as funder needs its municipality.")
        if self.kind == FunderKind.REGION and self.region_id is None:
            errors["region"] = _("A region as funder needs its region.")
        if errors:
            raise ValidationError(errors)


class Service(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of service"), max_length=30, choices=ServiceKind.choices)
    registration_id = models.CharField(
        _("registration identifier"),
        max_length=7,
        blank=True,
        help_text=_("The seven-digit identifier from the register of social service providers."),
    )
    target_groups = ArrayField(
        models.CharField(max_length=30, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    localities = models.ManyToManyField(Locality, blank=True, related_name="services", verbose_name=_("localities"))
    # The MPSV annual statement asks for the capacity and how much of it was used.
    capacity = models.PositiveIntegerField(_("capacity (clients at one time)"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Counted in the national programme overview: the cell-key perturbation
    # (docs/statistical-disclosure.md).
    record_key = RecordKeyField()

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="service_name_unique_in_org")]

    def __str__(self) -> str:
        return self.name

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(group, group)) for group in self.target_groups]

    def clean(self) -> None:
        if self.registration_id and not (len(self.registration_id) == 7 and self.registration_id.isdigit()):
            raise ValidationError({"registration_id": _("The registration identifier has seven digits.")})
        if self.kind == ServiceKind.NOT_REGISTERED and self.registration_id:
            raise ValidationError(
                {"registration_id": _("A service that is not registered has no registration identifier.")}
            )


class Project(models.Model):
    """A funded project: its funder wants its own figures for the project's period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(
        _("registration number"), max_length=60, blank=True, help_text=_("E.g. CZ.03.02.01/00/22_005/0001234.")
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="projects", verbose_name=_("funder"))
    services = models.ManyToManyField(Service, blank=True, related_name="projects", verbose_name=_("services"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budgeted_hours = models.PositiveIntegerField(_("budgeted hours"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Counted in the national programme overview (docs/statistical-disclosure.md).
    record_key = RecordKeyField()

    class Meta:
        ordering = ["organisation__name", "-starts_on", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="project_name_unique_in_org"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="project_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})


class ActivityType(models.Model):
    """An activity type (výkon) of a service, mapped to a national reporting category."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="activity_types", verbose_name=_("service")
    )
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("national reporting category"), max_length=20, choices=ActivityCategory.choices)
    without_client = models.BooleanField(
        _("work without a client"),
        default=False,
        help_text=_("Work such as monitoring a locality or a case conference, recorded with no client present."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["service", "ordering", "name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="activity_type_unique_in_service")]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A period during which an assistant's work belongs to a service and, where funded, to a project."""

    profile = models.ForeignKey(
        AssistantProfile, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("assistant")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("service")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("project")
    )
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("assignment to a service")
        verbose_name_plural = _("assignments to services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="assignment_period_ordered",
            )
        ]

    def __str__(self) -> str:
        project = f" / {self.project}" if self.project_id else ""
        return f"{self.service}{project} ({self.valid_from}–{self.valid_until or '…'})"

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


class StaffTime(models.Model):
    """Paid working time of an assistant for one day or one week (entered or imported), so that
    reports can set direct work against paid time and count the FTE of direct-work staff."""

    class Period(models.TextChoices):
        DAY = "day", _("Day")
        WEEK = "week", _("Week (from Monday)")

    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_time", verbose_name=_("assistant")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff_time", verbose_name=_("organisation")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="staff_time", verbose_name=_("service"))
    period = models.CharField(_("period"), max_length=4, choices=Period.choices, default=Period.DAY)
    starts_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("working time (minutes)"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "assistant"]
        verbose_name = _("working time")
        verbose_name_plural = _("working time")
        constraints = [
            models.UniqueConstraint(
                fields=["assistant", "service", "period", "starts_on"], name="staff_time_once_per_period"
            ),
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="staff_time_positive"),
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"], name="staff_time_org_date_idx")]

    def __str__(self) -> str:
        return f"{self.assistant} {self.starts_on} ({self.minutes} min)"

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        limit = 24 * 60 if self.period == self.Period.DAY else 7 * 24 * 60
        if self.minutes is not None and not (0 < self.minutes <= limit):
            errors["minutes"] = _("Enter a working time above zero and at most the length of the period.")
        if self.period == self.Period.WEEK and self.starts_on is not None and self.starts_on.weekday() != 0:
            errors["starts_on"] = _("A week starts on a Monday.")
        if errors:
            raise ValidationError(errors)


class ReportingDeadline(models.Model):
    """A report owed to a funder or to the ministry by a day: of a project (a progress or final
    report) or of a service (the MPSV annual statement). A repeating one stands for its next
    occurrence: when it is marked submitted, the following one is created."""

    class Repeat(models.TextChoices):
        NONE = "none", _("Does not repeat")
        HALF_YEAR = "half_year", _("Every six months")
        YEAR = "year", _("Every year")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reporting_deadlines", verbose_name=_("organisation")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reporting_deadlines",
        verbose_name=_("project"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reporting_deadlines",
        verbose_name=_("service"),
    )
    name = models.CharField(_("name of the report"), max_length=200)
    due_on = models.DateField(_("due date"))
    repeat = models.CharField(_("repetition"), max_length=10, choices=Repeat.choices, default=Repeat.NONE)
    period_start = models.DateField(_("period covered from"), null=True, blank=True)
    period_end = models.DateField(_("period covered until"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        ordering = ["due_on", "name"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=True, service__isnull=False)
                | models.Q(project__isnull=False, service__isnull=True),
                name="deadline_of_project_or_service",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="deadline_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "due_on"], name="deadline_org_due_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.due_on})"

    @property
    def owner(self) -> Project | Service | None:
        return self.project or self.service

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if (self.project_id is None) == (self.service_id is None):
            errors["project"] = _("Choose either a project or a service.")
        if (self.period_start is None) != (self.period_end is None):
            errors["period_end"] = _("Enter both the start and the end of the period, or neither.")
        elif self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The end of the period cannot be before its start.")
        elif self.period_end and self.due_on and self.due_on < self.period_end:
            errors["due_on"] = _("A report is due after the period it covers has ended.")
        if errors:
            raise ValidationError(errors)
