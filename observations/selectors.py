"""Reads of locality observations, scoped to the person asking."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.scoping import client_work_organisation_id, police_region_id

from .models import Observation, PassedTo


def visible_observations(user: User) -> QuerySet[Observation]:
    """Assistants and coordinators see their organisation's observations. A police liaison
    officer sees only those passed to Policie ČR whose locality lies in the directorate's
    region. Nobody else sees any."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is not None:
        return Observation.objects.filter(organisation_id=organisation_id)
    region_id = police_region_id(user)
    if region_id is not None:
        return Observation.objects.filter(passed_to=PassedTo.POLICE, locality__municipality__region_id=region_id)
    return Observation.objects.none()


def observations_for_list(user: User) -> QuerySet[Observation]:
    """Visible observations with what a list row shows, in a constant number of queries."""
    return visible_observations(user).select_related("assistant", "organisation", "locality__municipality")
