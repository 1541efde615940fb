"""Writes to client files that go beyond a plain form save."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Client, Consent


class ConsentError(Exception):
    """A consent change that the client's history does not allow; the message is for the user."""


@transaction.atomic
def client_create(*, created_by: User, client: Client) -> Client:
    """Save a new client (an unsaved instance from the form) into the creator's organisation."""
    client.organisation_id = created_by.organisation_id
    client.created_by = created_by
    client.save()
    return client


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
