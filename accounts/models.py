"""Organisations, people who sign in, reference geography and the assistant programme."""

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.record_keys import RecordKeyField

from .roles import Role


class Region(models.Model):
    """A kraj; each has a police regional directorate."""

    code = models.CharField(_("code"), max_length=8, unique=True)  # CZ-NUTS code, e.g. CZ064
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_in_region")]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Locality(models.Model):
    """A socially excluded locality (sociálně vyloučená lokalita) within a municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="localities", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["municipality__name", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="locality_unique_in_municipality")]
        verbose_name = _("socially excluded locality")
        verbose_name_plural = _("socially excluded localities")

    def __str__(self) -> str:
        return f"{self.municipality.name} – {self.name}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        MUNICIPALITY = "municipality", _("Municipality")
        POLICE = "police", _("Police regional directorate")
        MINISTRY = "ministry", _("Ministry")
        OPERATOR = "operator", _("System operator")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # For a police directorate, the region whose shared cases its officers review; for a
    # region's own organisation (a municipality kind without a town), the region it belongs to.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name=_("region")
    )
    # For a town's own organisation (its office or contributory organisation): the town, whose
    # report as funder its coordinators may ask for (reports.funder_reports.funder_area).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_(
            "For a town's office or its organisation: the town. Its coordinators may ask for the report of "
            "the town as funder."
        ),
    )
    # An open case whose client nobody has met for this long is listed on the start page.
    no_contact_days = models.PositiveSmallIntegerField(
        _("days without contact before a case needs attention"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("An open case whose client had no contact for this many days appears on the start page."),
    )
    # No record of its work can be older (contacts.models.Contact.clean); empty when not known.
    founded_on = models.DateField(
        _("in operation since"),
        null=True,
        blank=True,
        help_text=_("The day the organisation started; no contact can be recorded before it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def provides_the_service(self) -> bool:
        """NGOs and municipalities employ assistants and keep client files."""
        return self.kind in (self.Kind.NGO, self.Kind.MUNICIPALITY)


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ASSISTANT)
    # What needs doing, mailed every morning (attention/digest.py), in this language.
    daily_digest = models.BooleanField(
        _("daily summary by e-mail"),
        default=False,
        help_text=_("Every morning, the number of things that need doing, with first names and links only."),
    )
    language = models.CharField(
        _("language of e-mails and the calendar"), max_length=8, choices=settings.LANGUAGES, default="cs"
    )
    # The SHA-256 of the secret in the user's calendar feed address; the secret itself is shown once.
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    if TYPE_CHECKING:
        # Set on the request's user by django_otp's OTPMiddleware: the second factor was given.
        def is_verified(self) -> bool: ...

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @classmethod
    # The stubs add Django 6.0's keyword-only fetch_mode, which Django 5.2 never passes.
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:  # type: ignore[override]
        user = super().from_db(db, field_names, values)
        # The role and organisation as stored, so that save() notices a change of them.
        if "role" in field_names and "organisation_id" in field_names:
            user._stored_access = (user.role, user.organisation_id)
        return user

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        # Reloaded role and organisation are the stored ones again.
        if fields is None or ("role" in fields and {"organisation", "organisation_id"} & set(fields)):
            self._stored_access = (self.role, self.organisation_id)

    def save(self, *args, **kwargs) -> None:
        """A change of role or organisation, by any route that saves the user, is refused when
        it is one's own and is otherwise recorded (`accounts.services`). `update()` bypasses
        this: the database's history of changes still records it."""
        from audit.actor import current_actor_id

        from .services import check_access_change, record_access_change

        stored = getattr(self, "_stored_access", None)
        update_fields = kwargs.get("update_fields")
        touched = update_fields is None or bool({"role", "organisation", "organisation_id"} & set(update_fields))
        if stored is None or self._state.adding or not touched or stored == (self.role, self.organisation_id):
            super().save(*args, **kwargs)
            if touched:
                self._stored_access = (self.role, self.organisation_id)
            return
        actor_id = current_actor_id()
        old_role, old_organisation_id = stored
        try:
            check_access_change(
                actor_id=actor_id,
                user=self,
                old_role=old_role,
                old_organisation_id=old_organisation_id,
                role=self.role,
                organisation_id=self.organisation_id,
            )
        except ValidationError as error:
            raise PermissionDenied(error.messages[0]) from error
        with transaction.atomic():
            super().save(*args, **kwargs)
            record_access_change(
                actor_id=actor_id, user=self, old_role=old_role, old_organisation_id=old_organisation_id
            )
        self._stored_access = (self.role, self.organisation_id)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def police_region_id(self) -> int | None:
        if self.role == Role.POLICE and self.organisation is not None:
            return self.organisation.region_id
        return None


class AssistantProfile(models.Model):
    """An assistant's place in the programme: where, for whom and paid by whom."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="assistant_profile", verbose_name=_("user")
    )
    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assistant_profiles", verbose_name=_("employer")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="assistant_profiles", verbose_name=_("municipality")
    )
    localities = models.ManyToManyField(
        Locality, blank=True, related_name="assistant_profiles", verbose_name=_("localities served")
    )
    employed_from = models.DateField(_("employed from"))
    employed_until = models.DateField(_("employed until"), null=True, blank=True)
    # Counted in the national programme overview: the cell-key perturbation
    # (docs/statistical-disclosure.md).
    record_key = RecordKeyField()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("assistant profile")
        verbose_name_plural = _("assistant profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employed_until__isnull=True)
                | models.Q(employed_until__gte=models.F("employed_from")),
                name="assistant_employment_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_employed(self) -> bool:
        today = timezone.localdate()
        return self.employed_from <= today and (self.employed_until is None or self.employed_until >= today)


class SignedInSession(models.Model):
    """Which sessions a user holds, so that all of them can end at once (accounts/sessions.py).

    A lookup by user instead of a scan of every session: the session store itself cannot be
    searched by user, and a national roll-out means many thousands of sessions.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(default=timezone.now)
    # Shortened (common.addresses.masked_address): only for the user's own list of sessions.
    address = models.CharField(max_length=64, blank=True)

    # Not stored: set by accounts.sessions.live_sessions for the list of the user's sessions.
    last_activity: datetime.datetime
    is_current: bool

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.signed_in_at:%Y-%m-%d %H:%M}"


class District(models.Model):
    """An okres (LAU 1), where a client lives: the MPSV user card and ESF+ count by it.
    The capital is one district of its own (Hlavní město Praha)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region"))
    code = models.CharField(_("code"), max_length=8, unique=True)  # LAU 1 code, e.g. CZ0642
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name
