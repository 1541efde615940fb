"""Every case URL against every role: own organisation 200 (or a redirect after a valid post),
another organisation 404, roles without the ability 403."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, ReferralFactory, TaskFactory, shared_case

CLIENT_WORK = ["alice", "carol"]
NO_CLIENT_WORK = ["police_officer", "ministry_analyst", "administrator"]
NOT_POLICE = ["alice", "carol", "ministry_analyst", "administrator"]

CASE_PAGES = ["cases:detail", "cases:edit"]
CASE_POSTS = [
    "cases:transition",
    "cases:rights",
    "cases:note_add",
    "cases:task_add",
    "cases:referral_add",
    "cases:attachment_add",
]


@pytest.fixture
def records(alice, own_client, foreign_client):
    own = shared_case(client=own_client, assistant=alice)
    foreign = CaseFactory(client=foreign_client)
    return {
        "own": own,
        "foreign": foreign,
        "own_task": TaskFactory(case=own),
        "foreign_task": TaskFactory(case=foreign),
        "own_referral": ReferralFactory(case=own),
        "foreign_referral": ReferralFactory(case=foreign),
    }


def _login(client, request, name):
    user = request.getfixturevalue(name)
    client.force_login(user)
    return user


@pytest.mark.parametrize("who", CLIENT_WORK)
def test_lists_and_create(client, request, records, who):
    _login(client, request, who)
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.get(reverse("cases:my_tasks")).status_code == 200
    assert client.get(reverse("cases:create", args=[records["own"].client_id])).status_code == 200
    assert client.get(reverse("cases:create", args=[records["foreign"].client_id])).status_code == 404


@pytest.mark.parametrize("who", CLIENT_WORK)
@pytest.mark.parametrize("name", CASE_PAGES)
def test_case_pages_own_200_foreign_404(client, request, records, who, name):
    _login(client, request, who)
    assert client.get(reverse(name, args=[records["own"].pk])).status_code == 200
    assert client.get(reverse(name, args=[records["foreign"].pk])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("who", CLIENT_WORK)
@pytest.mark.parametrize("name", CASE_POSTS)
def test_case_posts_foreign_404_and_get_not_allowed(client, request, records, who, name):
    _login(client, request, who)
    assert client.post(reverse(name, args=[records["foreign"].pk]), {}).status_code == 404
    # An empty post on the own case is refused with the form (400), never a crash.
    assert client.post(reverse(name, args=[records["own"].pk]), {}).status_code == 400
    assert client.get(reverse(name, args=[records["own"].pk])).status_code == 405


@pytest.mark.parametrize("who", CLIENT_WORK)
def test_task_and_referral_actions_foreign_404(client, request, records, who):
    _login(client, request, who)
    assert client.post(reverse("cases:task_toggle", args=[records["foreign_task"].pk])).status_code == 404
    assert client.post(reverse("cases:task_toggle", args=[records["own_task"].pk])).status_code == 302
    url = reverse("cases:referral_state", args=[records["foreign_referral"].pk])
    assert client.post(url, {"state": "sent", "on": "2020-01-01"}).status_code == 404
    url = reverse("cases:referral_state", args=[records["own_referral"].pk])
    assert client.post(url, {"state": "sent", "on": records["own_referral"].proposed_on.isoformat()}).status_code == 302


@pytest.mark.parametrize("who", NO_CLIENT_WORK)
def test_roles_without_client_work_get_403(client, request, records, who):
    _login(client, request, who)
    own = records["own"]
    for url in [reverse("cases:list"), reverse("cases:my_tasks"), reverse("cases:create", args=[own.client_id])]:
        assert client.get(url).status_code == 403, url
    for name in CASE_PAGES:
        assert client.get(reverse(name, args=[own.pk])).status_code == 403, name
    for name in CASE_POSTS:
        assert client.post(reverse(name, args=[own.pk]), {}).status_code == 403, name
    assert client.post(reverse("cases:task_toggle", args=[records["own_task"].pk])).status_code == 403
    assert client.post(reverse("cases:referral_state", args=[records["own_referral"].pk]), {}).status_code == 403


@pytest.mark.parametrize("who", NOT_POLICE)
def test_police_pages_are_403_for_other_roles(client, request, records, who):
    _login(client, request, who)
    assert client.get(reverse("police:case_list")).status_code == 403
    assert client.get(reverse("police:case_detail", args=[records["own"].pk])).status_code == 403


def test_police_pages_open_for_the_officer(client, police_officer, records):
    client.force_login(police_officer)
    assert client.get(reverse("police:case_list")).status_code == 200
    assert client.get(reverse("police:case_detail", args=[records["own"].pk])).status_code == 200
    assert client.get(reverse("police:case_detail", args=[records["foreign"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["ministry_analyst", "administrator"])
def test_attachment_download_is_403_without_a_case_role(client, request, records, who):
    _login(client, request, who)
    assert client.get(reverse("cases:attachment_download", args=[1])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, records):
    for url in [reverse("cases:list"), reverse("police:case_list"), reverse("cases:detail", args=[records["own"].pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_case_list_shows_only_own_organisation(client, alice, records):
    client.force_login(alice)
    body = client.get(reverse("cases:list")).content.decode()
    assert reverse("cases:detail", args=[records["own"].pk]) in body
    assert reverse("cases:detail", args=[records["foreign"].pk]) not in body
