"""List pages run a constant number of queries whatever the number of rows."""

from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from tests.factories import AssistantProfileFactory, ClientFactory, ContactFactory, activity_type_of


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


def _grow(alice, n):
    for _ in range(n):
        c1 = ClientFactory(organisation=alice.organisation, created_by=alice)
        c2 = ClientFactory(organisation=alice.organisation, created_by=alice)
        ContactFactory(assistant=alice, clients=[c1, c2])


@pytest.mark.parametrize("url_name", ["contacts:list", "clients:list", "home"])
def test_list_query_count_is_constant(client, alice, url_name):
    client.force_login(alice)
    _grow(alice, 2)
    client.get(reverse(url_name))  # the process's caches (content types of the audit trail)
    small, _ = _count_queries(client, reverse(url_name))
    _grow(alice, 20)
    large, ctx = _count_queries(client, reverse(url_name))
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_contact_list_queries_pinned(client, alice):
    client.force_login(alice)
    _grow(alice, 5)
    ContentType.objects.get_for_model(Contact)  # cached per process once any page has audited a contact
    count, ctx = _count_queries(client, reverse("contacts:list"))
    # 1 session, 2 user with the organisation (scoping), 3 the second-factor device of the
    # session, 4 page rows with assistant, authority, locality and the capped count, 5 prefetch
    # of clients, 6 prefetch of the activities with their types, 7 INSERT of the audit event
    # naming the contacts shown, 8-11 filter choices (assistants, authorities, activity types,
    # localities). No session save: the idle timeout's expiry, renewed at sign-in, is renewed at
    # most once a minute (liaison/session_store.py, tests/test_session_renewal.py).
    assert count == 11, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_directory_query_count_is_constant(client, carol):
    client.force_login(carol)
    AssistantProfileFactory(user__organisation=carol.organisation)
    small, _ = _count_queries(client, reverse("accounts:directory"))
    for _ in range(10):
        AssistantProfileFactory(user__organisation=carol.organisation)
    large, ctx = _count_queries(client, reverse("accounts:directory"))
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


def _count_post(client, url, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


@pytest.mark.parametrize(
    "params",
    [{"activity_type": "accompaniment"}, {"date_from": "2000-01-01", "date_to": "2100-01-01"}, {"assistant": "me"}],
)
def test_filtered_and_later_contact_pages_query_count_is_constant(client, alice, params, monkeypatch):
    from common import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 5)
    params = {key: (alice.pk if value == "me" else value) for key, value in params.items()}
    if "activity_type" in params:
        params["activity_type"] = activity_type_of(alice.organisation).pk
    client.force_login(alice)
    _grow(alice, 12)
    first = client.get(reverse("contacts:list"), params)
    cursor = first.context["page"].next_cursor
    small, _ = _count_queries(client, reverse("contacts:list") + "?" + urlencode(params | {"after": cursor}))
    _grow(alice, 20)
    large, ctx = _count_queries(client, reverse("contacts:list") + "?" + urlencode(params | {"after": cursor}))
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_client_search_query_count_is_constant(client, alice):
    client.force_login(alice)
    _grow(alice, 2)
    small, _ = _count_post(client, reverse("clients:list"), {"q": "dvorak"})
    _grow(alice, 20)
    large, ctx = _count_post(client, reverse("clients:list"), {"q": "dvorak"})
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_dashboard_query_count_is_constant(client, request, alice, who):
    client.force_login(request.getfixturevalue(who))
    _grow(alice, 2)
    small, _ = _count_queries(client, reverse("reports:dashboard"))
    _grow(alice, 20)
    large, ctx = _count_queries(client, reverse("reports:dashboard"))
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_a_session_signed_in_by_djangos_own_backend_still_serves_pages(client, alice):
    # Sessions from before accounts.backends.UserBackend name Django's ModelBackend.
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("contacts:list")).status_code == 200
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


def test_an_empty_later_page_still_counts_the_list(client, alice):
    _grow(alice, 2)
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), {"after": "2000-01-01T00:00:00+00:00~1"})
    assert response.status_code == 200 and response.context["page"].object_list == []
    assert response.context["page"].count == 2


def test_a_numbered_page_carries_the_count_and_a_page_past_the_end_gives_the_last(client, alice, monkeypatch):
    from cases.models import Case
    from common import pagination
    from tests.factories import CaseFactory

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    for _ in range(5):
        CaseFactory(client=ClientFactory(organisation=alice.organisation, created_by=alice), assistant=alice)
    client.force_login(alice)
    client.get(reverse("cases:list"))
    for asked, number in (("2", 2), ("3", 3), ("99", 3), ("x", 1), ("0", 3), ("²", 1), ("9" * 40, 3)):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("cases:list"), {"page": asked})
        page = response.context["page"]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (number, 5, 3), asked
        counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT COUNT(*) AS "__count"')]
        # A page that exists is read with its count in one query; only a page past the end counts apart.
        assert len(counts) == (0 if asked in ("2", "3") else 1), asked
    shown = [case.pk for case in client.get(reverse("cases:list"), {"page": "3"}).context["page"].object_list]
    assert shown == list(Case.objects.order_by("opened_at", "id").values_list("pk", flat=True)[:1])
