"""Writes of locality observations and of the police's replies to them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Locality, User
from accounts.roles import Role
from accounts.scoping import own_client_work_organisation_id

from .models import Observation, PoliceReply
from .selectors import visible_observations

# The fields an assistant fills in, on the page.
OBSERVATION_FIELDS = ("observed_on", "locality", "kind", "description", "passed_to", "outcome_status", "outcome")


@transaction.atomic
def observation_create(
    *,
    by: User,
    observed_on: datetime.date,
    locality: Locality,
    kind: str,
    description: str,
    passed_to: str = "",
    outcome_status: str = Observation._meta.get_field("outcome_status").default,
    outcome: str = "",
) -> Observation:
    observation = Observation(
        organisation_id=own_client_work_organisation_id(by),
        assistant=by,
        observed_on=observed_on,
        locality=locality,
        kind=kind,
        description=description,
        passed_to=passed_to,
        outcome_status=outcome_status,
        outcome=outcome,
    )
    observation.full_clean()
    observation.save()
    return observation


def can_edit_observation(user: User, observation: Observation) -> bool:
    """The author edits an observation; a coordinator any of the organisation's."""
    if not visible_observations(user).filter(pk=observation.pk).exists():
        return False
    return observation.assistant_id == user.pk or Role(user.role).can_supervise()


@transaction.atomic
def observation_update(*, by: User, observation: Observation, **fields: object) -> Observation:
    if not can_edit_observation(by, observation):
        raise PermissionDenied
    unknown = set(fields) - set(OBSERVATION_FIELDS)
    if unknown:
        raise TypeError(f"not an observation field: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(observation, name, value)
    observation.full_clean()
    observation.save(update_fields=[*fields, "updated_at"])
    return observation


@transaction.atomic
def police_reply(*, by: User, observation: Observation, text: str) -> PoliceReply:
    """A police liaison officer answers an observation passed to the police of the region."""
    if not Role(by.role).can_review_shared_cases():
        raise PermissionDenied
    # Locked so that a change of "passed to" cannot slip between the check and the reply.
    if not visible_observations(by).select_for_update(of=("self",)).filter(pk=observation.pk).exists():
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a reply.")})
    reply = PoliceReply(observation=observation, author=by, text=text)
    reply.full_clean()
    reply.save()
    return reply
