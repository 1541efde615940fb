"""Writes to client files that go beyond a plain form save."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Locality, User
from accounts.scoping import own_client_work_organisation_id

from .models import Client, Consent, RefusedApplicant


class ConsentError(Exception):
    """A consent change that the client's history does not allow; the message is for the user."""


# The fields of a client file its author fills in, on the page and in the API.
CLIENT_FIELDS = (
    "identity",
    "first_name",
    "last_name",
    "nickname",
    "birth_year",
    "locality",
    "phone",
    "email",
    "address",
    "note",
)


def _save(client: Client) -> Client:
    # The model's rules (a pseudonym needs a nickname and a year, an anonymous client keeps
    # nothing identifying) apply to every route; clean() also normalises the values.
    client.clean()
    client.save()
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
    locality: Locality | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
    note: str = "",
) -> Client:
    """A new client file in the creator's organisation. Raises ValidationError (by field)."""
    client = Client(
        organisation_id=own_client_work_organisation_id(by),
        created_by=by,
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        nickname=nickname,
        birth_year=birth_year,
        locality=locality,
        phone=phone,
        email=email,
        address=address,
        note=note,
    )
    return _save(client)


@transaction.atomic
def client_update(
    *,
    client: Client,
    identity: str,
    first_name: str,
    last_name: str,
    nickname: str,
    birth_year: int | None,
    locality: Locality | None,
    phone: str,
    email: str,
    address: str,
    note: str,
) -> Client:
    """Replace the fields of a client file. Raises ValidationError (by field)."""
    client.identity = identity
    client.first_name, client.last_name, client.nickname = first_name, last_name, nickname
    client.birth_year = birth_year
    client.locality = locality
    client.phone, client.email, client.address = phone, email, address
    client.note = note
    return _save(client)


@transaction.atomic
def consent_record(
    *, client: Client, purpose: str, given_on: datetime.date, recorded_by: User, note: str = ""
) -> Consent:
    if Consent.objects.select_for_update().active(purpose).filter(client=client).exists():
        raise ConsentError(_("This consent is already recorded and has not been withdrawn."))
    try:
        with transaction.atomic():
            return Consent.objects.create(
                client=client, purpose=purpose, given_on=given_on, recorded_by=recorded_by, note=note
            )
    except IntegrityError as exc:  # a colleague recorded the same consent a moment ago
        raise ConsentError(_("This consent is already recorded and has not been withdrawn.")) from exc


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date, withdrawn_by: User) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConsentError(_("This consent has already been withdrawn."))
    if withdrawn_on < consent.given_on:
        raise ConsentError(_("A consent cannot be withdrawn before the day it was given."))
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
