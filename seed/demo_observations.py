"""Demo locality observations: what the assistants reported to their police mentor, a few of
them passed to Policie ČR and answered by the region's liaison officer."""

import datetime
import random

from django.utils import timezone

from accounts.models import Locality, User
from accounts.roles import Role
from observations.models import Observation, OutcomeStatus, PassedTo, PoliceReply

from .vocabulary import OBSERVATION_TEXTS, POLICE_REPLIES


def seed_observations(rng: random.Random, *, per_assistant: int = 4) -> None:
    if Observation.objects.exists():
        return
    officers = {
        officer.organisation.region_id: officer
        for officer in User.objects.filter(role=Role.POLICE).select_related("organisation")
        if officer.organisation is not None
    }
    today = timezone.localdate()
    assistants = User.objects.filter(role=Role.ASSISTANT, organisation__isnull=False).select_related("organisation")
    for assistant in assistants:
        localities = list(
            Locality.objects.filter(assistant_profiles__user=assistant).select_related("municipality").distinct()
        )
        organisation = assistant.organisation
        if not localities or organisation is None:
            continue
        for _ in range(per_assistant):
            kind = rng.choice(list(OBSERVATION_TEXTS))
            passed_to = rng.choice([PassedTo.POLICE, PassedTo.POLICE, PassedTo.MUNICIPAL_POLICE, PassedTo.OWNER, ""])
            locality = rng.choice(localities)
            observation = Observation.objects.create(
                organisation=organisation,
                assistant=assistant,
                observed_on=today - datetime.timedelta(days=rng.randint(1, 120)),
                locality=locality,
                kind=kind,
                description=rng.choice(OBSERVATION_TEXTS[kind]),
                passed_to=passed_to,
                outcome_status=rng.choice(OutcomeStatus.values),
            )
            officer = officers.get(locality.municipality.region_id)
            if passed_to == PassedTo.POLICE and officer is not None and rng.random() < 0.7:
                PoliceReply.objects.create(observation=observation, author=officer, text=rng.choice(POLICE_REPLIES))
