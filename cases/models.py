"""Victim-support cases."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Locality, Organisation, Region
from common.crypto import EncryptedTextField
from common.record_keys import RecordKeyField
from common.versioning import VersionField

# Hearings and a client's transfer to another organisation live in their own modules; found here too.
from .hearing_models import Hearing, HearingKind  # noqa: F401
from .transfer_models import ClientTransfer, TransferState  # noqa: F401


class CrimeType(models.Model):
    """Reference data: a crime under the Criminal Code no. 40/2009 Sb."""

    section = models.CharField(_("section"), max_length=10, unique=True, help_text=_("e.g. §218"))
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("in use"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "name"]
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
    # An assistant's proposal to close, with its outcome; the organisation's coordinator approves
    # it (closed) or returns it (back to the status before the proposal). Not closed: statistics
    # and retention count a case as closed only from the approval (closed_at).
    CLOSING_PROPOSED = "closing_proposed", _("Waiting for approval of closing")
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
    reported_on = models.DateField(
        _("reported to the police on"),
        null=True,
        blank=True,
        help_text=_("The day the crime was reported to the police, if it was."),
    )
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
    police_reviewed_at = models.DateTimeField(_("reviewed by the police"), null=True, blank=True)
    police_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counted in national statistics: the cell-key perturbation (docs/statistical-disclosure.md).
    record_key = RecordKeyField()
    # Optimistic locking of the edit form (common/versioning.py).
    version = VersionField()
    # The identifier of the record in the organisation's earlier spreadsheets: importing the same
    # file again finds it instead of adding it twice (cases/imports.py).
    external_id = models.CharField(_("external identifier"), max_length=100, blank=True)
    # Filled when the record came from an imported file: which file, who imported it and when.
    imported_from = models.CharField(_("imported from file"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "status", "-opened_at"], name="case_org_status_idx"),
            models.Index(fields=["assistant", "status"], name="case_assistant_status_idx"),
            # (With the client: the police's count checks each client's consent, from the index.)
            models.Index(
                fields=["region", "shared_with_police", "status"], include=["client"], name="case_region_shared_idx"
            ),
            # In the order of the lists, so that a page is read from the index, not sorted.
            models.Index(fields=["organisation", "-opened_at", "-id"], name="case_org_opened_idx"),
            models.Index(
                fields=["region", "shared_with_police", "-updated_at", "-id"], name="case_region_shared_recent_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="case_external_id_unique_per_organisation",
                violation_error_message=_("Another case of the organisation has this external identifier."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Rules of a plausible case, applied by the form and by cases.services on every save."""
        errors: dict[str, StrOrPromise] = {}
        if self.incident_date and self.reported_on and self.incident_date > self.reported_on:
            errors["incident_date"] = _("The incident cannot be after the day it was reported to the police.")
        if self.locality is not None and self.region_id and self.locality.municipality.region_id != self.region_id:
            errors["locality"] = _("The locality is not in the chosen region.")
        if errors:
            raise ValidationError(errors)


class CaseTransition(models.Model):
    """One change of a case's status; written only by cases.services.case_transition."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("case"))
    # Empty for the opening of the case.
    from_status = models.CharField(_("from"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CaseStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # The outcome proposed or approved by a closing; on a reopening, the outcome the case had
    # until then (the reopened case starts without one, its history keeps it here).
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


class CaseAssignment(models.Model):
    """A case given to another assistant; written only by cases.services.case_update."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case"))
    from_assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("previous assistant")
    )
    to_assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("new assistant")
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("assignment of a case")
        verbose_name_plural = _("assignments of cases")

    def __str__(self) -> str:
        return f"{self.from_assistant_id} → {self.to_assistant_id}"


class VictimRight(models.TextChoices):
    """Rights under the Victims of Crime Act no. 45/2013 Sb. that the victim must be told about."""

    PROFESSIONAL_HELP = "professional_help", _("Right to professional help")
    INFORMATION = "information", _("Right to information")
    PROTECTION_FROM_DANGER = "protection_danger", _("Right to protection from imminent danger")
    PRIVACY = "privacy", _("Right to privacy")
    SECONDARY_HARM = "secondary_harm", _("Right to protection from secondary harm")
    FINANCIAL_HELP = "financial_help", _("Right to financial help")
    # The extra rights of a particularly vulnerable victim (zvlášť zranitelná oběť).
    FREE_PROFESSIONAL_HELP = "vulnerable_free_help", _("Free professional help (particularly vulnerable victim)")
    SPECIAL_INTERVIEW = (
        "vulnerable_interview",
        _("Interview with special care, by a trained person of a chosen sex (particularly vulnerable victim)"),
    )
    NO_CONTACT_WITH_OFFENDER = (
        "vulnerable_no_contact",
        _("Avoiding contact with the offender (particularly vulnerable victim)"),
    )
    FREE_LEGAL_AID = "vulnerable_legal_aid", _("Free legal representation (particularly vulnerable victim)")

    @classmethod
    def vulnerable_only(cls) -> set[str]:
        return {
            cls.FREE_PROFESSIONAL_HELP,
            cls.SPECIAL_INTERVIEW,
            cls.NO_CONTACT_WITH_OFFENDER,
            cls.FREE_LEGAL_AID,
        }


class RightsInformation(models.Model):
    """That, and when, the client was told about one right."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rights_information", verbose_name=_("case"))
    right = models.CharField(_("right"), max_length=30, choices=VictimRight.choices)
    informed_on = models.DateField(_("informed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["informed_on", "id"]
        verbose_name = _("information about a right")
        verbose_name_plural = _("information about rights")
        constraints = [models.UniqueConstraint(fields=["case", "right"], name="rights_information_once_per_right")]

    def __str__(self) -> str:
        return f"{self.get_right_display()} ({self.informed_on})"


class ReferralService(models.TextChoices):
    VICTIM_SUPPORT = "victim_support", _("Victim support service (e.g. Bílý kruh bezpečí)")
    INTERVENTION_CENTRE = "intervention_centre", _("Intervention centre")
    TRAFFICKING_HELP = "trafficking_help", _("Help for trafficked persons (e.g. La Strada)")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PROBATION = "probation", _("Probation and mediation service")
    OTHER = "other", _("Other service")


class ReferralState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    COMPLETED = "completed", _("Completed")


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    service = models.CharField(_("service"), max_length=30, choices=ReferralService.choices)
    provider = models.CharField(
        _("provider"), max_length=200, blank=True, help_text=_("e.g. La Strada Česká republika")
    )
    state = models.CharField(_("state"), max_length=20, choices=ReferralState.choices, default=ReferralState.PROPOSED)
    proposed_on = models.DateField(_("proposed on"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    answered_on = models.DateField(_("accepted or refused on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counted in national statistics: the cell-key perturbation (docs/statistical-disclosure.md).
    record_key = RecordKeyField()

    class Meta:
        ordering = ["proposed_on", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.get_service_display()} – {self.get_state_display()}"


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case"))
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks", verbose_name=_("assigned to")
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee_open_idx")]

    def __str__(self) -> str:
        return self.title


class CaseNote(models.Model):
    """A note on a case; only notes marked as shared ever reach the police."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = EncryptedTextField(_("text"), max_length=5000)
    shared_with_police = models.BooleanField(_("shared with the police"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:  # never the text: it is encrypted for a reason
        return f"{self._meta.verbose_name} {self.pk}"


class Attachment(models.Model):
    """An uploaded document. The bytes live encrypted under PRIVATE_MEDIA_ROOT (cases.attachments)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))
    original_name = models.CharField(_("file name"), max_length=150)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    shared_with_police = models.BooleanField(_("shared with the police"), default=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def organisation_id(self) -> int:
        """The owning organisation, as on cases, clients and contacts (the audit trail reads it)."""
        return self.case.organisation_id


class PoliceFeedback(models.Model):
    """What the police liaison officer says back about a shared case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="police_feedback", verbose_name=_("case"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    text = EncryptedTextField(_("feedback"), max_length=5000)
    marks_reviewed = models.BooleanField(_("case reviewed"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("police feedback")
        verbose_name_plural = _("police feedback")

    def __str__(self) -> str:  # never the text: it is encrypted for a reason
        return f"{self._meta.verbose_name} {self.pk}"
