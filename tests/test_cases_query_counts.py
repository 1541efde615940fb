"""The case list, my tasks and the police review list run a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CrimeType
from tests.factories import CaseFactory, ClientFactory, TaskFactory, shared_case


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), "\n".join(q["sql"] for q in ctx.captured_queries)


def _grow(alice, n):
    crimes = list(CrimeType.objects.all()[:3])
    for _ in range(n):
        own_client = ClientFactory(organisation=alice.organisation, created_by=alice)
        case = shared_case(client=own_client, assistant=alice, crime_types=crimes)
        TaskFactory(case=case, assignee=alice)
        CaseFactory(client=own_client, assistant=alice)


@pytest.mark.parametrize(
    ("who", "url_name"),
    [("alice", "cases:list"), ("alice", "cases:my_tasks"), ("police_officer", "police:case_list")],
)
def test_query_count_is_constant(client, request, alice, who, url_name):
    client.force_login(request.getfixturevalue(who))
    _grow(alice, 2)
    client.get(reverse(url_name))  # the process's caches (content types of the audit trail)
    small, _ = _count(client, reverse(url_name))
    _grow(alice, 15)
    large, sql = _count(client, reverse(url_name))
    assert small == large, sql
    # session, user with the organisation (scoping), second-factor device, the page's rows with
    # the list's count, their crime types (lists) or cases (tasks), the audit INSERT, then the
    # filters' choices: crime types, assistants and localities (cases); crime types and
    # localities (police). The session's expiry is renewed at most once a minute.
    assert large == {"cases:list": 9, "cases:my_tasks": 5, "police:case_list": 8}[url_name], sql
