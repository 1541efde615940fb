"""Writes to client files that go beyond a plain form save."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import District, Locality, User
from accounts.scoping import own_client_work_organisation_id
from common.versioning import check_version, next_version
from programmes.models import Service

from .models import Client, Consent, ParticipantSheet, RefusedApplicant, ServiceUse, Sex
from .participation import PARTICIPANT_QUESTIONS


class ConsentError(Exception):
    """A consent change that the client's history does not allow; the message is for the user."""


# The fields of a client file its author fills in, on the page and in the API.
CLIENT_FIELDS = (
    "identity",
    "first_name",
    "last_name",
    "nickname",
    "birth_year",
    "sex",
    "locality",
    "district",
    "target_groups",
    "phone",
    "email",
    "address",
    "note",
)
# The answers of the ESF+ / OPZ+ monitoring sheet, saved with the client file.
PARTICIPANT_FIELDS = tuple(PARTICIPANT_QUESTIONS)


def participant_answers(client: Client) -> dict[str, str]:
    """The sheet's stored answers ("" for a question not asked, and for a client without a sheet)."""
    sheet = ParticipantSheet.objects.filter(client=client).first() if client.pk else None
    return {name: getattr(sheet, name) if sheet else "" for name in PARTICIPANT_FIELDS}


def _save_participant_sheet(client: Client, answers: dict[str, str]) -> None:
    """Keep the sheet when any question has an answer; a sheet emptied of answers goes."""
    sheet = ParticipantSheet.objects.filter(client=client).first() or ParticipantSheet(client=client)
    for name in PARTICIPANT_FIELDS:
        setattr(sheet, name, answers.get(name, ""))
    if sheet.is_empty:
        if sheet.pk:
            sheet.delete()
        return
    sheet.full_clean()
    sheet.save()


def _save(client: Client, answers: dict[str, str]) -> Client:
    # The model's rules (a pseudonym needs a nickname and a year, an anonymous client keeps
    # nothing identifying, no ethnic group) apply to every route; clean() also normalises.
    client.clean()
    client.save()
    _save_participant_sheet(client, answers)
    return client


@transaction.atomic
def client_create(
    *,
    by: User,
    identity: str = Client.Identity.NAMED,
    first_name: str = "",
    last_name: str = "",
    nickname: str = "",
    birth_year: int | None = None,
    sex: str = Sex.UNSTATED,
    locality: Locality | None = None,
    district: District | None = None,
    target_groups: list[str] | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
    note: str = "",
    labour_market_status: str = "",
    education: str = "",
    housing_exclusion: str = "",
    disadvantage: str = "",
) -> Client:
    """A new client file in the creator's organisation, with the answers of the ESF+ monitoring
    sheet when any is given. Raises ValidationError (by field); nothing is saved then."""
    client = Client(
        organisation_id=own_client_work_organisation_id(by),
        created_by=by,
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        nickname=nickname,
        birth_year=birth_year,
        sex=sex,
        locality=locality,
        district=district,
        target_groups=list(target_groups or []),
        phone=phone,
        email=email,
        address=address,
        note=note,
    )
    answers = {
        "labour_market_status": labour_market_status,
        "education": education,
        "housing_exclusion": housing_exclusion,
        "disadvantage": disadvantage,
    }
    return _save(client, answers)


@transaction.atomic
def client_update(
    *,
    client: Client,
    identity: str,
    first_name: str,
    last_name: str,
    nickname: str,
    birth_year: int | None,
    sex: str,
    locality: Locality | None,
    district: District | None,
    target_groups: list[str],
    phone: str,
    email: str,
    address: str,
    note: str,
    labour_market_status: str,
    education: str,
    housing_exclusion: str,
    disadvantage: str,
    version: int | None = None,
) -> Client:
    """Replace the fields of a client file and the answers of their ESF+ monitoring sheet.
    Raises ValidationError (by field); nothing is saved then. When someone else saved the file
    since the form showed `version`, nothing is saved either (the message names what differs)."""
    stored = Client.objects.select_for_update().get(pk=client.pk)
    check_version(
        stored,
        version,
        submitted={
            "identity": identity,
            "first_name": first_name,
            "last_name": last_name,
            "nickname": nickname,
            "birth_year": birth_year,
            "sex": sex,
            "locality": locality,
            "district": district,
            "target_groups": list(target_groups),
            "phone": phone,
            "email": email,
            "address": address,
            "note": note,
        },
        private={"note"},
    )
    client.version = stored.version
    next_version(client)
    client.identity = identity
    client.first_name, client.last_name, client.nickname = first_name, last_name, nickname
    client.birth_year, client.sex = birth_year, sex
    client.locality, client.district = locality, district
    client.target_groups = list(target_groups)
    client.phone, client.email, client.address = phone, email, address
    client.note = note
    answers = {
        "labour_market_status": labour_market_status,
        "education": education,
        "housing_exclusion": housing_exclusion,
        "disadvantage": disadvantage,
    }
    return _save(client, answers)


@transaction.atomic
def consent_record(
    *,
    client: Client,
    purpose: str,
    given_on: datetime.date,
    recorded_by: User,
    note: str = "",
    valid_until: datetime.date | None = None,
) -> Consent:
    """Raises ValidationError (by field) for an impossible date, ConsentError for a consent the
    client's history does not allow; nothing is saved then. A consent that expired no longer
    stands, so a new one of its purpose may be recorded."""
    consent = Consent(
        client=client, purpose=purpose, given_on=given_on, valid_until=valid_until, recorded_by=recorded_by, note=note
    )
    consent.clean()  # the dates (the form runs it too; any other route gets the same rule)
    # The client's row is the lock: the index cannot tell a consent with an expiry that stands.
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True).first()
    if Consent.objects.active(purpose).filter(client=client).exists():
        raise ConsentError(_("This consent is already recorded and has not been withdrawn."))
    try:
        with transaction.atomic():
            consent.save()
            return consent
    except IntegrityError as exc:  # a colleague recorded the same consent a moment ago
        raise ConsentError(_("This consent is already recorded and has not been withdrawn.")) from exc


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date, withdrawn_by: User) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConsentError(_("This consent has already been withdrawn."))
    if withdrawn_on < consent.given_on:
        raise ConsentError(_("A consent cannot be withdrawn before the day it was given."))
    if withdrawn_on > timezone.localdate():
        raise ConsentError(_("The date cannot be in the future."))
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by = withdrawn_by
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawn_at"])
    return consent


@transaction.atomic
def refused_applicant_record(
    *,
    by: User,
    requested_on: datetime.date,
    requested: str,
    reason: str,
    birth_year: int | None = None,
    sex: str = "",
    locality: Locality | None = None,
    note: str = "",
) -> RefusedApplicant:
    """Record an applicant refused by the organisation of `by` (PermissionDenied for a user who
    keeps no client files). Raises ValidationError (by field) on bad input; nothing is saved then."""
    applicant = RefusedApplicant(
        organisation_id=own_client_work_organisation_id(by),
        recorded_by=by,
        requested_on=requested_on,
        requested=requested,
        reason=reason,
        birth_year=birth_year,
        sex=sex,
        locality=locality,
        note=note,
    )
    # Every field's own rules (a reason among §91(3)'s, lengths) and the model's (dates, year).
    applicant.full_clean()
    applicant.save()
    return applicant


@transaction.atomic
def service_use_start(
    *, client: Client, service: Service, started_on: datetime.date, recorded_by: User, note: str = ""
) -> ServiceUse:
    """The client became a user of one of their organisation's services. Raises ValidationError
    (by field): a service of another organisation, a date in the future, a period overlapping
    another of the same service (one open period per service)."""
    # Two colleagues starting the same service at once: the second waits and then sees the first.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    use = ServiceUse(client=client, service=service, started_on=started_on, recorded_by=recorded_by, note=note)
    use.full_clean()
    use.save()
    return use


@transaction.atomic
def service_use_end(*, use: ServiceUse, ended_on: datetime.date, end_reason: str, note: str) -> ServiceUse:
    """The client stopped using the service on `ended_on`, for `end_reason`. Raises
    ValidationError (by field): an end before the start, no reason, a period already ended."""
    use = ServiceUse.objects.select_for_update().select_related("client", "service").get(pk=use.pk)
    if use.ended_on is not None:
        raise ValidationError({"ended_on": _("This period has already ended.")})
    use.ended_on, use.end_reason, use.note = ended_on, end_reason, note
    use.full_clean()
    use.save(update_fields=["ended_on", "end_reason", "note"])
    return use
