"""Reads of victim-support cases, scoped to the person asking."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from accounts.scoping import client_work_organisation_id, police_region_id
from clients.models import Consent

from .models import Case


def active_police_sharing_consent() -> Exists:
    return Exists(
        Consent.objects.filter(
            client_id=OuterRef("client_id"), purpose=Consent.Purpose.POLICE_SHARING, withdrawn_at__isnull=True
        )
    )


def visible_cases(user: User) -> QuerySet[Case]:
    """Assistants and coordinators see their organisation's cases. A police liaison officer
    sees the cases of the own region that are shared and whose client's consent to sharing
    stands; withdrawing the consent removes the case from the officer's view at once."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is not None:
        return Case.objects.filter(organisation_id=organisation_id)
    region_id = police_region_id(user)
    if region_id is not None:
        return Case.objects.filter(region_id=region_id, shared_with_police=True).filter(active_police_sharing_consent())
    return Case.objects.none()
