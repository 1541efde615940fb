"""Report jobs: a statistics or export file that the worker makes in the background."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class ReportType(models.TextChoices):
    NATIONAL_STATISTICS = "national", _("National statistics")
    ACTIVITY = "activity", _("Monthly activity report of the organisation")
    CASE_CONTACT_EXPORT = "export", _("Export of the organisation's contacts and cases")
    # The reports that funders and the ministry ask for (reports/funder_reports/): each about
    # one service, project or funder (the job's `subject`), or the whole programme.
    MPSV_STATEMENT = "mpsv", _("MPSV annual statement of a social service")
    MPSV_USER_CARDS = "mpsv_cards", _("MPSV user cards of a social service")
    ESF_MONITORING = "esf", _("ESF+ project monitoring")
    PREVENTION_PROJECT = "prevention", _("Crime-prevention project report")
    FUNDER_AREA = "funder", _("Report for a city or region as funder")
    NATIONAL_OVERVIEW = "overview", _("National programme overview")


# What each report holds, said on the page where it is asked for.
REPORT_DESCRIPTIONS = {
    ReportType.NATIONAL_STATISTICS: _(
        "Counts of the whole programme by month, region, authority and crime type; small counts protected."
    ),
    ReportType.ACTIVITY: _("Contacts, hours and activity categories of each assistant of the organisation."),
    ReportType.CASE_CONTACT_EXPORT: _("Every contact and case of the organisation, record by record."),
    ReportType.MPSV_STATEMENT: _(
        "The annual statement of a registered social service (§ 85 of act 108/2006 Sb.): users, contacts, "
        "interventions, hours and staff."
    ),
    ReportType.MPSV_USER_CARDS: _("One row per user of the service in the year, in the columns of the MPSV user card."),
    ReportType.ESF_MONITORING: _(
        "Participants, the 40-hour support threshold and hours of support for a monitoring report of an ESF+ project."
    ),
    ReportType.PREVENTION_PROJECT: _(
        "Activities, clients, group work, localities, observations, cases and cooperation with the police "
        "of a crime-prevention project."
    ),
    ReportType.FUNDER_AREA: _("The figures of every service that a city or region funds, aggregated and protected."),
    ReportType.NATIONAL_OVERVIEW: _(
        "Assistants, services, activities, persons helped, cases and observations by region and funder."
    ),
}


class ReportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"
    PDF = "pdf", "PDF"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    # The worker making it stopped (no heartbeat): it is being sent again (reports/heartbeat.py).
    INTERRUPTED = "interrupted", _("Interrupted, being made again")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportJob(models.Model):
    # Empty for the reports that the monthly schedule makes for everyone entitled.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("requested by"),
    )
    # The organisation an activity report or export is about; empty for national statistics.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("organisation"),
    )
    report_type = models.CharField(_("report"), max_length=20, choices=ReportType.choices)
    # Validated by reports.parameters: period start and end (ISO dates), breakdown, format.
    parameters = models.JSONField(_("parameters"), default=dict)
    state = models.CharField(_("state"), max_length=11, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    # A name relative to PRIVATE_MEDIA_ROOT/reports; set only once the whole file is in place.
    result_file = models.CharField(max_length=200, blank=True, editable=False)
    result_size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    scheduled = models.BooleanField(_("made by the monthly schedule"), default=False)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    # When its task was handed to the broker; empty while it never was (the broker was down or
    # hung when it was asked for): reports.tasks.requeue_stranded_report_jobs sends it soon.
    sent_at = models.DateTimeField(_("sent to the worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # The running attempt's last sign of life (reports/heartbeat.py).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="reportjob_requester_idx"),
            models.Index(fields=["report_type", "organisation", "-created_at"], name="reportjob_type_org_idx"),
            models.Index(fields=["state", "expires_at"], name="reportjob_state_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reportjob_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_report_type_display()} #{self.pk}"

    @property
    def file_format(self) -> str:
        return self.parameters.get("format", "")

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def is_downloadable(self) -> bool:
        return self.state == JobState.DONE and bool(self.result_file)

    @property
    def period_display(self) -> str:
        """The period as people read it: "listopad 2026" for a whole month, else
        "1. 11. 2026 – 15. 11. 2026" (the active language's formats)."""
        try:
            start = datetime.date.fromisoformat(self.parameters.get("start", ""))
            end = datetime.date.fromisoformat(self.parameters.get("end", ""))
        except (TypeError, ValueError):
            return "–"
        next_day = end + datetime.timedelta(days=1)
        if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
            return formats.date_format(start, "YEAR_MONTH_FORMAT")
        return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"

    @property
    def download_name(self) -> str:
        start = self.parameters.get("start", "")
        end = self.parameters.get("end", "")
        return f"liaison-{self.report_type}-{start}-{end}.{self.file_format}"
