"""Contact records: an assistant's work with clients and the police or another authority."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, Organisation
from common.crypto import EncryptedTextField
from common.record_keys import RecordKeyField
from common.validators import CLOCK_SKEW
from common.versioning import VersionField
from programmes.models import ActivityType, Project, Service


class Authority(models.Model):
    """Reference list of the authorities an assistant deals with (editable by administrators)."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        MUNICIPAL_POLICE = "municipal_police", _("Municipal police")
        OFFICE = "office", _("Public office")
        JUSTICE = "justice", _("Justice")
        SERVICE = "service", _("Support service")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


MAX_DURATION_MINUTES = 24 * 60
# The assistant programme began in the 2000s; an earlier date is a typing mistake (and a year
# like 0007 has no time zone offset that a client of the API could read back).
EARLIEST_CONTACT_YEAR = 2000
# Older records of work are not kept (nor funded): an older date is a typing mistake.
MAX_CONTACT_AGE_YEARS = 10


def earliest_contact_day() -> datetime.date:
    """The first day a contact may be dated today: ten years back."""
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - MAX_CONTACT_AGE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MAX_CONTACT_AGE_YEARS, day=28)


class Contact(models.Model):
    # The organisation is copied from the assistant when the record is made, so that
    # scoping is one indexed column and survives the assistant changing employer.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organisation")
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("assistant")
    )
    occurred_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    clients = models.ManyToManyField("clients.Client", blank=True, related_name="contacts", verbose_name=_("clients"))
    anonymous_persons = models.PositiveSmallIntegerField(
        _("anonymous persons"),
        default=0,
        help_text=_("People present who did not give their name; they count in the statistics."),
    )
    # No index of its own: a few dozen authorities each hold a large share of all contacts, so
    # such an index only tempts the planner away from contact_org_authority_idx below.
    # Optional: a consultation in the field involves no authority.
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authority"),
        db_index=False,
    )
    # The service the work was done in and, where funded, the project that pays for it.
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("service"), db_index=False
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("project"),
        db_index=False,
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("locality")
    )
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    note = EncryptedTextField(_("note"), max_length=5000, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counted in national statistics: the cell-key perturbation (docs/statistical-disclosure.md).
    record_key = RecordKeyField()
    # Optimistic locking of the edit form (common/versioning.py).
    version = VersionField()
    # The identifier of the record in the organisation's earlier spreadsheets: importing the same
    # file again finds it instead of adding it twice (contacts/imports.py).
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
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["organisation", "-occurred_at", "-id"], name="contact_org_time_idx"),
            # One per filter of the list (contacts/filters.py): the scoping column, the filter, then
            # the list's order, so that a filtered page and its capped count read one index range.
            models.Index(fields=["organisation", "assistant", "-occurred_at", "-id"], name="contact_org_assistant_idx"),
            models.Index(fields=["organisation", "authority", "-occurred_at", "-id"], name="contact_org_authority_idx"),
            models.Index(fields=["organisation", "locality", "-occurred_at", "-id"], name="contact_org_locality_idx"),
            # National statistics and the ministry's dashboard count a period across organisations.
            models.Index(fields=["occurred_at"], name="contact_time_idx"),
            # The start page's follow-ups of an assistant: only the contacts that have a date.
            models.Index(
                fields=["assistant", "follow_up_on"],
                condition=models.Q(follow_up_on__isnull=False),
                name="contact_follow_up_idx",
            ),
            # The last contact on a case (the start page's quiet cases), read from the index alone.
            models.Index(
                fields=["case", "-occurred_at"],
                include=["organisation"],
                condition=models.Q(case__isnull=False),
                name="contact_case_time_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="contact_duration_positive"),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="contact_external_id_unique_per_organisation",
                violation_error_message=_("Another contact of the organisation has this external identifier."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} – {self.authority or self.service}"

    def clean(self) -> None:
        """Rules of a plausible contact record, shared by the form and the API."""
        errors: dict[str, str | Promise] = {}
        if self.duration_minutes is not None:
            if self.duration_minutes < 1:
                errors["duration_minutes"] = _("The duration must be at least one minute.")
            elif self.duration_minutes > MAX_DURATION_MINUTES:
                errors["duration_minutes"] = _("A contact cannot last longer than 24 hours.")
        if self.anonymous_persons is not None and self.anonymous_persons > 500:
            errors["anonymous_persons"] = _("Enter at most 500 anonymous persons.")
        if self.occurred_at is not None:
            if self.occurred_at > timezone.now() + CLOCK_SKEW:
                errors["occurred_at"] = _("The date and time cannot be in the future.")
            elif self.occurred_at < datetime.datetime(EARLIEST_CONTACT_YEAR, 1, 1, tzinfo=datetime.UTC):
                errors["occurred_at"] = _("The date cannot be before the year %(year)s.") % {
                    "year": EARLIEST_CONTACT_YEAR
                }
            elif (day := timezone.localtime(self.occurred_at).date()) < earliest_contact_day():
                earliest = formats.date_format(earliest_contact_day(), "SHORT_DATE_FORMAT")
                errors["occurred_at"] = _(
                    "A contact cannot be recorded more than %(years)s years back (before %(day)s)."
                ) % {"years": MAX_CONTACT_AGE_YEARS, "day": earliest}
            elif self.organisation_id is not None and (founded := self.organisation.founded_on) and day < founded:
                errors["occurred_at"] = _(
                    "The organisation has been working only since %(day)s: a contact cannot be before that."
                ) % {"day": formats.date_format(founded, "SHORT_DATE_FORMAT")}
            elif self.follow_up_on is not None and self.follow_up_on < timezone.localtime(self.occurred_at).date():
                errors["follow_up_on"] = _("The follow-up date cannot be before the contact.")
        if errors:
            raise ValidationError(errors)


class Activity(models.Model):
    """One activity (výkon) of a record of work: its type and its minutes."""

    class Work(models.TextChoices):
        DIRECT = "direct", _("Direct work with the client")
        ON_BEHALF = "on_behalf", _("Work on the client's behalf")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="activities", verbose_name=_("contact"))
    # No index of its own: activity_type_contact_idx below starts with it. That index also answers
    # the contact list's filter by activity type (an EXISTS probe per contact of the page).
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity type"), db_index=False
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    work = models.CharField(_("kind of work"), max_length=10, choices=Work.choices, default=Work.DIRECT)

    class Meta:
        ordering = ["contact", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["activity_type", "contact"], name="activity_type_contact_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gt=0), name="activity_minutes_positive")]

    def __str__(self) -> str:
        return f"{self.activity_type} ({self.minutes} min)"


class ContactMonthTotal(models.Model):
    """How many contacts an organisation recorded in a calendar month (local time, TIME_ZONE),
    and the sum of their record keys: the monthly charts of the dashboards read these few rows
    instead of counting every contact of the year.

    Kept by PostgreSQL, not by Django: triggers on the contact table add each inserted, changed or
    deleted contact in the statement that writes it (migration 0011), so that no path (the ORM,
    the API, an erasure, raw SQL) can leave the totals behind. A load that skips triggers
    (seed_bulk) rebuilds them with `rebuild_contact_month_totals()`."""

    # (The unique constraint below serves as the index of the key.)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()
    contacts = models.BigIntegerField()
    # The raw sum of the contacts' record keys (reports.disclosure.key_sum).
    key_sum = models.BigIntegerField()

    class Meta:
        verbose_name = _("monthly total of contacts")
        verbose_name_plural = _("monthly totals of contacts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="contact_month_total_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}: {self.contacts}"


class ClientLastContact(models.Model):
    """When each client was last met in a contact of an organisation: the start page's quiet
    cases and open follow-ups compare with it instead of looking through every contact of every
    client (seconds at a million contacts).

    Kept by PostgreSQL triggers on the contacts and their client links (migration 0013), so that
    every path that writes them keeps it; a load that skips triggers (seed_bulk) rebuilds it with
    `rebuild_client_last_contacts()`."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False)
    last_contact_at = models.DateTimeField()

    class Meta:
        verbose_name = _("last contact with a client")
        verbose_name_plural = _("last contacts with clients")
        constraints = [
            # (Also the index of the look-up by client.)
            models.UniqueConstraint(
                fields=["client", "organisation"], include=["last_contact_at"], name="client_last_contact_unique"
            ),
        ]
        indexes = [
            # The clients of an organisation met since a day (the start page's quiet cases).
            models.Index(fields=["organisation", "last_contact_at"], name="client_last_contact_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} in {self.organisation_id}: {self.last_contact_at:%Y-%m-%d}"
