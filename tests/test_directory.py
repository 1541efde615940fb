"""The assistant programme: coordinators see their organisation, ministry the whole country."""

import datetime

import pytest
from django.urls import reverse

from programmes.models import Assignment, Funder, Project
from programmes.services import starting_service
from programmes.vocabulary import FunderKind
from tests.factories import AssistantProfileFactory, OrganisationFactory, UserFactory


@pytest.fixture
def programme(alice, oscar):
    esf = Funder.objects.create(name="ESF", kind=FunderKind.ESF)
    mine = AssistantProfileFactory(user=alice)
    theirs = AssistantProfileFactory(user=oscar)
    project = Project.objects.create(
        organisation=alice.organisation, name="Asistenti OPZ+", funder=esf, starts_on=datetime.date(2024, 1, 1)
    )
    Assignment.objects.create(
        profile=mine,
        service=starting_service(alice.organisation),
        project=project,
        valid_from=datetime.date(2024, 1, 1),
    )
    return mine, theirs


def test_coordinator_sees_own_organisation_only(client, carol, programme):
    client.force_login(carol)
    body = client.get(reverse("accounts:directory")).content.decode()
    assert programme[0].user.last_name in body
    assert programme[1].user.last_name not in body


def test_ministry_sees_national_programme(client, ministry_analyst, programme):
    client.force_login(ministry_analyst)
    response = client.get(reverse("accounts:directory"))
    body = response.content.decode()
    assert programme[0].user.last_name in body and programme[1].user.last_name in body
    by_city = response.context["overview"]["by_city"]
    assert by_city == [{"municipality__name": "Brno", "municipality__region__name": "Jihomoravský kraj", "count": 2}]
    assert response.context["overview"]["by_funder"][0]["count"] == 1


def test_former_assistants_do_not_count(client, ministry_analyst, db):
    profile = AssistantProfileFactory(user=UserFactory(organisation=OrganisationFactory()))
    profile.employed_until = datetime.date(2023, 1, 1)
    profile.save(update_fields=["employed_until"])
    client.force_login(ministry_analyst)
    assert client.get(reverse("accounts:directory")).context["overview"]["by_city"] == []


@pytest.mark.parametrize("who", ["alice", "police_officer"])
def test_assistants_and_police_have_no_directory(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts:directory")).status_code == 403
