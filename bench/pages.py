"""Every main page requested in-process with Django's test client under production settings:
server time (median, 95th percentile) and the number of SQL queries."""

import datetime
import statistics
import time
from typing import TypeVar

from .common import NotMeasured, PageResult, Results, log

_Row = TypeVar("_Row")


def _found(row: _Row | None, what: str) -> _Row:
    """A row the seeded benchmark database holds; without it the pages cannot be measured."""
    if row is None:
        raise NotMeasured(f"The benchmark database holds no {what}.")
    return row


def _login(client_factory, user):
    """A signed-in client with both factors, as after a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client = client_factory(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _measure(client, method: str, url: str, data: dict | None, requests: int) -> tuple[int, list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = getattr(client, method)
    for _ in range(3):  # warm-up: templates, connection, caches
        response = call(url, data or {})
    status = response.status_code
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = call(url, data or {})
        times.append((time.perf_counter() - started) * 1000)
        status = status if status != 200 else response.status_code
    with CaptureQueriesContext(connection) as captured:
        call(url, data or {})
    return status, times, len(captured.captured_queries)


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[94] if len(times) > 1 else times[0]


def pick_people():
    """The assistant with most contacts in the largest organisation, its coordinator, the police
    officer of the region with most shared cases, a ministry analyst."""
    from django.db.models import Count

    from accounts.models import Organisation, User
    from accounts.roles import Role
    from cases.models import Case
    from contacts.models import Contact

    largest = _found(Contact.objects.values("organisation").annotate(n=Count("id")).order_by("-n").first(), "contacts")
    organisation = Organisation.objects.get(pk=largest["organisation"])
    assistant_row = _found(
        Contact.objects.filter(organisation=organisation)
        .values("assistant")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first(),
        "contacts",
    )
    assistant = User.objects.get(pk=assistant_row["assistant"])
    coordinator = User.objects.filter(organisation=organisation, role=Role.COORDINATOR).first()
    region = (
        Case.objects.filter(shared_with_police=True).values("region").annotate(n=Count("id")).order_by("-n").first()
    )
    # Without shared cases, region_id=None (Django's IS NULL) picks an officer of no region; the
    # stubs' lookup check does not take None for the nullable key.
    police = User.objects.filter(
        role=Role.POLICE,
        organisation__region_id=region["region"] if region else None,  # type: ignore[misc]
    ).first()
    ministry = User.objects.filter(role=Role.MINISTRY).first()
    return {
        "organisation": organisation,
        "organisation_contacts": largest["n"],
        "assistant": assistant,
        "assistant_contacts": assistant_row["n"],
        "coordinator": coordinator,
        "police": police,
        "ministry": ministry,
    }


def measure_pages(people: dict, requests: int, results: Results) -> None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from accounts.models import Locality
    from contacts.models import Authority, Contact
    from programmes.models import ActivityType

    assistant, organisation = people["assistant"], people["organisation"]
    contacts = Contact.objects.filter(organisation=organisation)
    authority = _found(Authority.objects.filter(kind="police").first(), "police authority")
    locality = _found(
        Locality.objects.filter(pk__in=contacts.exclude(locality=None).values("locality")[:1]).first(),
        "contact with a locality",
    )
    types = ActivityType.objects.filter(service__organisation=organisation, service__is_active=True).order_by("service")
    mediation = _found(types.filter(category="mediation").first(), "activity type of mediation")
    accompaniment = _found(types.filter(category="accompaniment").first(), "activity type of accompaniment")
    today = timezone.localdate()
    five_years_ago = contacts.filter(occurred_at__lte=timezone.now() - datetime.timedelta(days=5 * 365)).first()

    def url(name: str, *args) -> str | None:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    clients = {role: _login(Client, people[role]) for role in ("assistant", "coordinator", "police", "ministry")}
    contact_list = url("contacts:list")
    plan = [
        # (name, kind, role, method, url, data)
        ("Contact list, first page", "list", "assistant", "get", contact_list, None),
        (
            "Contact list, filter: assistant",
            "list",
            "assistant",
            "get",
            contact_list,
            {"assistant": assistant.pk},
        ),
        (
            "Contact list, filter: authority (police)",
            "list",
            "assistant",
            "get",
            contact_list,
            {"authority": authority.pk},
        ),
        (
            "Contact list, filter: activity type",
            "list",
            "assistant",
            "get",
            contact_list,
            {"activity_type": mediation.pk},
        ),
        ("Contact list, filter: locality", "list", "assistant", "get", contact_list, {"locality": locality.pk}),
        (
            "Contact list, filter: last 30 days",
            "list",
            "assistant",
            "get",
            contact_list,
            {"date_from": (today - datetime.timedelta(days=30)).isoformat(), "date_to": today.isoformat()},
        ),
        (
            "Contact list, filters combined (authority + activity type + year)",
            "list",
            "assistant",
            "get",
            contact_list,
            {
                "authority": authority.pk,
                "activity_type": accompaniment.pk,
                "date_from": (today - datetime.timedelta(days=365)).isoformat(),
            },
        ),
        (
            "Contact list, a page five years back",
            "list",
            "assistant",
            "get",
            contact_list,
            {"after": f"{five_years_ago.occurred_at.isoformat()}~{five_years_ago.pk}"} if five_years_ago else None,
        ),
        ("Client list", "list", "assistant", "get", url("clients:list"), None),
        ('Client search by name: "novak"', "list", "assistant", "post", url("clients:list"), {"q": "novak"}),
        (
            'Client search by name: "HORVATH jan"',
            "list",
            "assistant",
            "post",
            url("clients:list"),
            {"q": "HORVATH jan"},
        ),
        ('Client search by name: "jo" (two letters)', "list", "assistant", "post", url("clients:list"), {"q": "jo"}),
        ('Client picker (contact form): "dvor"', "list", "assistant", "post", url("clients:pick"), {"q": "dvor"}),
        ("Case list (assistant)", "list", "assistant", "get", url("cases:list"), None),
        ("Case list (coordinator)", "list", "coordinator", "get", url("cases:list"), None),
        ("My tasks", "list", "assistant", "get", url("cases:my_tasks"), None),
        ("Police review list", "list", "police", "get", url("police:case_list"), None),
        ("Report jobs list (coordinator)", "list", "coordinator", "get", url("reports:list"), None),
        ("Start page (assistant)", "dashboard", "assistant", "get", url("home"), None),
        ("Start page (coordinator)", "dashboard", "coordinator", "get", url("home"), None),
        ("Start page (police)", "dashboard", "police", "get", url("home"), None),
        ("Start page (ministry)", "dashboard", "ministry", "get", url("home"), None),
        ("Dashboard (assistant)", "dashboard", "assistant", "get", url("reports:dashboard"), None),
        ("Dashboard (coordinator)", "dashboard", "coordinator", "get", url("reports:dashboard"), None),
        ("Dashboard (police)", "dashboard", "police", "get", url("reports:dashboard"), None),
        ("Dashboard (ministry)", "dashboard", "ministry", "get", url("reports:dashboard"), None),
    ]
    for name, kind, role, method, path, data in plan:
        if path is None:
            results.not_measured.append(f"{name}: no such page yet")
            continue
        log(f"  {name} …")
        try:
            status, times, queries = _measure(clients[role], method, path, data, requests)
        except Exception as exc:  # a page of work in progress must not stop the benchmark
            results.not_measured.append(f"{name}: failed ({type(exc).__name__}: {str(exc)[:120]})")
            continue
        results.pages.append(
            PageResult(
                name=name,
                kind=kind,
                status=status,
                median_ms=statistics.median(times),
                p95_ms=_p95(times),
                queries=queries,
            )
        )
