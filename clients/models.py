"""Clients: the people assistants help. Never an ethnicity field, by design."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, Organisation
from common.crypto import EncryptedTextField
from common.record_keys import RecordKeyField


def client_display_name(identity: str, first: str, last: str, nickname: str, birth_year, pk) -> str:
    """How a client is named on screen and in exports; a function so that exports can name
    clients from plain values without building a model instance per row."""
    if identity == Client.Identity.NAMED:
        return f"{first} {last}".strip()
    if identity == Client.Identity.PSEUDONYM:
        year = f" ({birth_year})" if birth_year else ""
        return f"„{nickname}“{year}"
    return str(_("Anonymous client no. %(id)s") % {"id": pk})


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
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="clients", verbose_name=_("locality")
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

    class Meta:
        ordering = ["last_name", "first_name", "nickname", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="client_org_name_idx"),
            models.Index(fields=["organisation", "-created_at"], name="client_org_created_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """The identity rules, shared by the form and the API (both call full_clean)."""
        errors: dict[str, str | Promise] = {}
        if self.birth_year is not None and not (1900 <= self.birth_year <= timezone.localdate().year):
            errors["birth_year"] = _("Enter a year between 1900 and this year.")
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
    def display_name(self) -> str:
        return client_display_name(
            self.identity, self.first_name, self.last_name, self.nickname, self.birth_year, self.pk
        )


class ConsentQuerySet(models.QuerySet):
    def active(self, purpose: str) -> "ConsentQuerySet":
        """The consents to `purpose` that stand: given and not withdrawn. Every check of a
        consent reads it through here (e.g. `client.consents.active(Consent.Purpose.POLICE_SHARING)`)."""
        return self.filter(purpose=purpose, withdrawn_at__isnull=True)


class Consent(models.Model):
    """One consent given by a client; withdrawing it closes the record, it is never deleted."""

    class Purpose(models.TextChoices):
        PROCESSING = "processing", _("Processing of personal data")
        POLICE_SHARING = "police_sharing", _("Sharing with the police")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
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
        constraints = [
            # At most one live consent per purpose: a new one needs the old one withdrawn first.
            models.UniqueConstraint(
                fields=["client", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
