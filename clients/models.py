"""Clients: the people assistants help. Never an ethnicity field, by design."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Locality, Organisation
from common.crypto import EncryptedTextField
from common.record_keys import RecordKeyField
from common.versioning import VersionField
from programmes.vocabulary import PERSON_TARGET_GROUPS, TargetGroup

# The service periods and the ESF+ monitoring sheet live in their own module; found here too.
from .participation import ParticipantSheet, ServiceUse  # noqa: F401


def client_display_name(identity: str, first: str, last: str, nickname: str, birth_year, pk) -> str:
    """How a client is named on screen and in exports; a function so that exports can name
    clients from plain values without building a model instance per row."""
    if identity == Client.Identity.NAMED:
        return f"{first} {last}".strip()
    if identity == Client.Identity.PSEUDONYM:
        year = f" ({birth_year})" if birth_year else ""
        return f"„{nickname}“{year}"
    return str(_("Anonymous client no. %(id)s") % {"id": pk})


class Sex(models.TextChoices):
    """As the MPSV user card and the ESF+ monitoring sheet count it."""

    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Other")
    UNSTATED = "unstated", _("Not stated")


class Client(models.Model):
    class Identity(models.TextChoices):
        NAMED = "named", _("Named person")
        PSEUDONYM = "pseudonym", _("Pseudonym (nickname and year of birth)")
        ANONYMOUS = "anonymous", _("Anonymous")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clients", verbose_name=_("organisation")
    )
    identity = models.CharField(_("identity"), max_length=12, choices=Identity.choices, default=Identity.NAMED)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNSTATED)
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="clients", verbose_name=_("locality")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("district of residence"),
    )
    # The person's target groups from the MPSV code list, never an ethnic minority: the
    # choices leave it out, clean() refuses it and so does a check constraint.
    target_groups = ArrayField(
        models.CharField(max_length=30, choices=PERSON_TARGET_GROUPS),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    note = EncryptedTextField(_("note"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counted in national statistics: the cell-key perturbation (docs/statistical-disclosure.md).
    record_key = RecordKeyField()
    # Optimistic locking of the edit form (common/versioning.py).
    version = VersionField()
    # The identifier of the person in the organisation's earlier records: an import of a file
    # with this column updates the client instead of adding them again (clients/imports.py).
    external_id = models.CharField(_("external identifier"), max_length=100, blank=True)
    # Filled when the client came from an imported file: which file, who imported it and when.
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
        ordering = ["last_name", "first_name", "nickname", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="client_org_name_idx"),
            models.Index(fields=["organisation", "-created_at"], name="client_org_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target_groups__contains=[TargetGroup.MINORITIES.value]),
                name="client_target_group_never_minority",
                violation_error_message=_("No ethnic group is ever recorded for a person."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="client_external_id_unique_per_organisation",
                violation_error_message=_("Another client of the organisation has this external identifier."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """The identity rules, shared by the form and the API (both call full_clean)."""
        errors: dict[str, str | Promise] = {}
        if self.birth_year is not None and not (1900 <= self.birth_year <= timezone.localdate().year):
            errors["birth_year"] = _("Enter a year between 1900 and this year.")
        errors.update(_target_group_errors(self.target_groups))
        if self.identity == self.Identity.NAMED:
            if not self.first_name:
                errors["first_name"] = _("A named client needs a first name.")
            if not self.last_name:
                errors["last_name"] = _("A named client needs a last name.")
        elif self.identity == self.Identity.PSEUDONYM:
            if not self.nickname:
                errors["nickname"] = _("A pseudonymous client needs a nickname.")
            if not self.birth_year and "birth_year" not in errors:
                errors["birth_year"] = _("A pseudonymous client needs a year of birth.")
        elif self.identity == self.Identity.ANONYMOUS:
            # Nothing identifying is kept about an anonymous client, whatever was typed.
            self.first_name = self.last_name = self.nickname = ""
            self.phone = self.email = self.address = ""
            self.birth_year = None
        if errors:
            raise ValidationError(errors)

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(PERSON_TARGET_GROUPS)
        return [str(labels.get(value, value)) for value in self.target_groups or []]

    @property
    def display_name(self) -> str:
        return client_display_name(
            self.identity, self.first_name, self.last_name, self.nickname, self.birth_year, self.pk
        )


def _target_group_errors(target_groups: list[str] | None) -> dict[str, str | Promise]:
    allowed = {value for value, _label in PERSON_TARGET_GROUPS}
    if TargetGroup.MINORITIES in (target_groups or []):
        return {"target_groups": _("No ethnic group is ever recorded for a person.")}
    unknown = [value for value in target_groups or [] if value not in allowed]
    if unknown:
        return {"target_groups": _("Unknown target group: %(value)s.") % {"value": ", ".join(unknown)}}
    if len(set(target_groups or [])) != len(target_groups or []):
        return {"target_groups": _("A target group is chosen twice.")}
    return {}


# No consent of a client of the programme is older; an earlier date is a typing mistake.
EARLIEST_CONSENT_YEAR = 2000


class ConsentQuerySet(models.QuerySet):
    def active(self, purpose: str) -> "ConsentQuerySet":
        """The consents to `purpose` that stand: given, not withdrawn and not expired. Every check
        of a consent reads it through here (e.g. `client.consents.active(Consent.Purpose.POLICE_SHARING)`)."""
        return self.standing().filter(purpose=purpose)

    def standing(self, today: datetime.date | None = None) -> "ConsentQuerySet":
        """The consents of any purpose that stand `today`: a consent is valid through its last day."""
        today = today or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )


class Consent(models.Model):
    """One consent given by a client; withdrawing it closes the record, it is never deleted."""

    class Purpose(models.TextChoices):
        PROCESSING = "processing", _("Processing of personal data")
        POLICE_SHARING = "police_sharing", _("Sharing with the police")
        TRANSFER = "transfer", _("Transfer to another organisation")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
    # A consent given for a time only; it no longer stands after this day. Empty: until withdrawn.
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The last day the consent stands. Leave empty for a consent given until it is withdrawn."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawal recorded at"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            # Whether a client's consent of a purpose stands (`active`), from the index alone: the
            # police's lists check it for every shared case they count.
            models.Index(
                fields=["purpose", "client", "valid_until"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_live_idx",
            ),
            # The start page's consents withdrawn lately and those expiring about now: a few days'
            # rows each, not every consent of the country.
            models.Index(
                fields=["-withdrawn_at", "-id"],
                condition=models.Q(withdrawn_at__isnull=False),
                name="consent_withdrawn_idx",
            ),
            models.Index(
                fields=["valid_until", "id"],
                condition=models.Q(withdrawn_at__isnull=True, valid_until__isnull=False),
                name="consent_expiry_idx",
            ),
        ]
        constraints = [
            # At most one live consent per purpose: a new one needs the old one withdrawn first.
            # A consent with an expiry stops standing by itself, which no index can tell: those
            # are checked by `clients.services.consent_record` under a lock of the client.
            models.UniqueConstraint(
                fields=["client", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True, valid_until__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_until_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    def clean(self) -> None:
        """A consent cannot be given before the programme existed nor in the future (1850 is a typo)."""
        errors: dict[str, str | Promise] = {}
        for name in ("given_on", "withdrawn_on"):
            day = getattr(self, name)
            if day is not None and day > timezone.localdate():
                errors[name] = _("The date cannot be in the future.")
            elif day is not None and day.year < EARLIEST_CONSENT_YEAR:
                errors[name] = _("The date cannot be before the year %(year)s.") % {"year": EARLIEST_CONSENT_YEAR}
        if self.valid_until is not None and self.given_on is not None and self.valid_until < self.given_on:
            errors["valid_until"] = _("The consent cannot be valid until a day before it was given (%(given_on)s).") % {
                "given_on": date_format(self.given_on, "SHORT_DATE_FORMAT")
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def is_active(self) -> bool:
        """Whether it stands: the rule of `ConsentQuerySet.standing`, for one consent in hand."""
        return self.withdrawn_at is None and not self.is_expired


# As for contacts: an earlier date is a typing mistake.
EARLIEST_REFUSAL_YEAR = 2000


class RefusalReason(models.TextChoices):
    """The only grounds on which a provider may refuse to conclude a contract for a social
    service: section 91(3) of act 108/2006 Sb., on social services."""

    NOT_PROVIDED = "not_provided", _("The service asked for is not provided (§ 91(3)(a))")
    CAPACITY = "capacity", _("Not enough capacity (§ 91(3)(b))")
    HEALTH = "health", _("The person's health excludes the service (§ 91(3)(c))")
    EXPELLED = "expelled", _("Contract ended for a breach less than 6 months ago (§ 91(3)(d))")


class ApplicantSex(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")


class RefusedApplicant(models.Model):
    """An applicant (zájemce) whom the organisation refused under §91(3). Anonymous by design:
    no name and no contact, so that a refusal is counted in the annual statement without a
    client file being kept about somebody who never became a client."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="refused_applicants", verbose_name=_("organisation")
    )
    requested_on = models.DateField(_("date of the request"))
    requested = models.CharField(
        _("what was asked for"), max_length=300, help_text=_("The help the person asked for, without any names.")
    )
    reason = models.CharField(_("reason for refusal"), max_length=20, choices=RefusalReason.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=ApplicantSex.choices, blank=True)
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("locality")
    )
    note = EncryptedTextField(
        _("note"),
        max_length=2000,
        blank=True,
        help_text=_("Without names or anything else that identifies the person."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Counted in national statistics (the MPSV annual statement), like contacts and clients.
    record_key = RecordKeyField()

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("refused applicant")
        verbose_name_plural = _("refused applicants")
        indexes = [models.Index(fields=["organisation", "-requested_on", "-id"], name="refused_org_date_idx")]

    def __str__(self) -> str:
        return f"{self.requested_on} – {self.get_reason_display()}"

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.birth_year is not None and not (1900 <= self.birth_year <= timezone.localdate().year):
            errors["birth_year"] = _("Enter a year between 1900 and this year.")
        if self.requested_on is not None:
            if self.requested_on > timezone.localdate():
                errors["requested_on"] = _("The date cannot be in the future.")
            elif self.requested_on.year < EARLIEST_REFUSAL_YEAR:
                errors["requested_on"] = _("The date cannot be before the year %(year)s.") % {
                    "year": EARLIEST_REFUSAL_YEAR
                }
        if errors:
            raise ValidationError(errors)


class ClientMerge(models.Model):
    """Two client files of one person made one: the merged-away file's records moved to `kept`
    and the file itself was deleted. Names nobody: the removed file is an id, as in the audit
    trail; its old values stay in the history of changes."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    kept = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges", verbose_name=_("kept file"))
    merged_client_id = models.PositiveIntegerField(_("number of the merged-away file"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged by")
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    # How many records of each relation moved ({"contacts.Contact.clients": 3, ...}).
    moved = models.JSONField(_("records moved"), default=dict, blank=True)
    # Consents of the merged-away file that were live beside a live consent of the same purpose
    # in the kept file: recorded as withdrawn by the merge (the earlier given one stands).
    withdrawn_consent_ids = models.JSONField(_("consents withdrawn by the merge"), default=list, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge of client files")
        verbose_name_plural = _("merges of client files")

    def __str__(self) -> str:
        return f"{self.merged_client_id} → {self.kept_id}"


# The uploaded files of client imports and the remembered mapping of their columns.
from .import_models import (  # noqa: E402, F401
    ClientImportMapping,
    ClientImportUpload,
    ClientImportUploadPart,
    ImportJob,
)
