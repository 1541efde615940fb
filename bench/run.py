"""The benchmark at national scale: `make bench` (variables BENCH_CONTACTS, BENCH_CLIENTS, BENCH_CASES,
BENCH_DATABASE_URL, BENCH_REQUESTS, BENCH_LOAD_SECONDS).

1. A separate database (liaison_bench) is created, migrated and filled by `seed_bulk`, unless it
   already holds exactly the asked-for numbers of contacts, clients and cases (a rerun is quick).
2. Every main page is requested in this process with Django's test client under production
   settings (DEBUG off): server time (median, 95th percentile) and the number of SQL queries.
3. Each export runs in a fresh process (bench/export_probe.py): time and peak memory; the contact
   export is compared with PostgreSQL's own COPY of the same rows.
4. The contact list under concurrent load: gunicorn (2 workers, production settings) and wrk on
   loopback, against the trivial /healthz view of the same server.
5. The table is printed and written to bench/RESULTS.md with the machine's description.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# Fixed keys for the benchmark only; the database holds nothing but made-up data.
BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-not-secret",
    "LIAISON_ENCRYPTION_KEYS": "XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM=",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_LEVEL": "WARNING",
}

LIST_TARGET_MS = 50
DASHBOARD_TARGET_MS = 200
EXPORT_MEMORY_TARGET_MB = 200
COPY_RATIO_TARGET = 2.0
THROUGHPUT_RATIO_TARGET = 0.5


@dataclass
class PageResult:
    name: str
    kind: str  # "list" or "dashboard"
    status: int
    median_ms: float
    p95_ms: float
    queries: int
    note: str = ""

    @property
    def target_ms(self) -> int:
        return DASHBOARD_TARGET_MS if self.kind == "dashboard" else LIST_TARGET_MS

    @property
    def met(self) -> bool:
        return self.status == 200 and self.p95_ms < self.target_ms


@dataclass
class Results:
    machine: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    seed: str = ""
    pages: list[PageResult] = field(default_factory=list)
    not_measured: list[str] = field(default_factory=list)
    exports: list[dict] = field(default_factory=list)
    copy: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(message, flush=True)


# 1. The database ---------------------------------------------------------------------------------


def _admin_connection(url: str):
    import psycopg2

    parsed = urlparse(url)
    connection = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def _run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)  # noqa: S603 - our own commands


def _counts(url: str) -> dict | None:
    import psycopg2

    try:
        connection = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            counts = {}
            for name, table in (
                ("contacts", "contacts_contact"),
                ("clients", "clients_client"),
                ("cases", "cases_case"),
            ):
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                counts[name] = (cursor.fetchone() or (0,))[0]
            return counts
    except psycopg2.Error:
        return None
    finally:
        connection.close()


def prepare_database(args, env: dict, results: Results) -> None:
    url = args.database_url
    name = urlparse(url).path.lstrip("/")
    wanted = {"contacts": args.contacts, "clients": args.clients, "cases": args.cases}
    admin = _admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    counts = _counts(url) if exists else None
    record = ROOT / "var" / f"bench-seed-{name}.json"
    if exists and counts == wanted and not args.reseed:
        log(f"Reusing {name}: {counts}")
        _run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
        earlier = json.loads(record.read_text()) if record.exists() else {}
        results.seed = f"database reused (already held {counts['contacts']:,} contacts)" + (
            f"; it was seeded on {earlier['date']} by `seed_bulk` in {earlier['seconds']:.0f} s" if earlier else ""
        )
        admin.close()
        return
    log(f"Creating {name} for {wanted} (found {counts})")
    with admin.cursor() as cursor:
        if exists:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    _run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
    started = time.perf_counter()
    _run(
        [
            PY,
            "manage.py",
            "seed_bulk",
            "--contacts",
            str(args.contacts),
            "--clients",
            str(args.clients),
            "--cases",
            str(args.cases),
        ],
        env,
    )
    seconds = time.perf_counter() - started
    results.seed = f"seeded in this run: `seed_bulk` took {seconds:.0f} s (whole command, including start-up)"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(
        json.dumps({"seconds": seconds, "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")})
    )
    # As autovacuum would do over time: the visibility map makes index-only counts possible.
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        results.notes.append(f"VACUUM (ANALYZE) after the load took {time.perf_counter() - started:.0f} s.")
    connection.close()


def choose_settings(env: dict, results: Results) -> None:
    """Production settings need the static files' manifest (collectstatic); if that fails, the
    benchmark says so and uses bench/settings.py (the same but plain static-file storage)."""
    completed = subprocess.run(  # noqa: S603 - our own command
        [PY, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode == 0:
        env["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    else:
        reason = (completed.stderr.strip().splitlines() or ["?"])[-1][:200]
        results.notes.append(
            f"`collectstatic` failed ({reason}); pages were served with bench/settings.py, the production "
            "settings with plain static-file storage instead of the manifest one."
        )
        env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DJANGO_SETTINGS_MODULE"] = env["DJANGO_SETTINGS_MODULE"]


# 2. Pages -----------------------------------------------------------------------------------------


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

    largest = Contact.objects.values("organisation").annotate(n=Count("id")).order_by("-n").first()
    if largest is None:
        raise RuntimeError("The bench database has no contacts: seed it first.")
    organisation = Organisation.objects.get(pk=largest["organisation"])
    assistant_row = (
        Contact.objects.filter(organisation=organisation)
        .values("assistant")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if assistant_row is None:
        raise RuntimeError("The bench database has no contacts: seed it first.")
    assistant = User.objects.get(pk=assistant_row["assistant"])
    coordinator = User.objects.filter(organisation=organisation, role=Role.COORDINATOR).first()
    region = (
        Case.objects.filter(shared_with_police=True).values("region").annotate(n=Count("id")).order_by("-n").first()
    )
    police = User.objects.filter(role=Role.POLICE, organisation__region_id=region["region"]).first() if region else None
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

    assistant, organisation = people["assistant"], people["organisation"]
    contacts = Contact.objects.filter(organisation=organisation)
    authority = Authority.objects.filter(kind="police").first()
    locality = Locality.objects.filter(pk__in=contacts.exclude(locality=None).values("locality")[:1]).first()
    if authority is None or locality is None:
        raise RuntimeError("The bench database has no police authority or no contact with a locality: seed it first.")
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
        ("Contact list, filter: form of work", "list", "assistant", "get", contact_list, {"form_of_work": "mediation"}),
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
            "Contact list, filters combined (authority + form + year)",
            "list",
            "assistant",
            "get",
            contact_list,
            {
                "authority": authority.pk,
                "form_of_work": "accompaniment",
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


# 3. Exports ---------------------------------------------------------------------------------------


def _probe(kind: str, env: dict, user, organisation, start: datetime.date, end: datetime.date, out: Path) -> dict:
    args = [
        PY,
        "-m",
        "bench.export_probe",
        kind,
        "--user",
        str(user.pk),
        "--organisation",
        str(organisation.pk if organisation else 0),
        "--start",
        start.isoformat(),
        "--end",
        end.isoformat(),
        "--out",
        str(out),
    ]
    completed = _run(args, env, capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_exports(people: dict, env: dict, results: Results) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    ten_years = today.replace(year=today.year - 10) + datetime.timedelta(days=1)
    # National statistics exist for calendar months, quarters and years only: the largest is a year.
    last_year = (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    last_month = (last_month_end.replace(day=1), last_month_end)
    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    try:
        plan = [
            ("National statistics XLSX, last calendar month", "national_xlsx", people["ministry"], None, *last_month),
            ("National statistics XLSX, last calendar year", "national_xlsx", people["ministry"], None, *last_year),
            (
                f"Full contact CSV of the largest organisation "
                f"({people['organisation_contacts']:,} contacts, ten years)",
                "contacts_csv",
                people["coordinator"],
                people["organisation"],
                ten_years,
                today,
            ),
        ]
        for name, kind, user, organisation, start, end in plan:
            log(f"  {name} …")
            try:
                outcome = _probe(kind, env, user, organisation, start, end, workdir / f"{kind}.out")
            except subprocess.CalledProcessError as exc:
                results.exports.append({"name": name, "error": (exc.stderr or "")[-300:]})
                continue
            results.exports.append({"name": name, **outcome})
        name = "Reference: the same contact CSV from `values_list` tuples (bench/fast_export.py)"
        log(f"  {name} …")
        try:
            outcome = _probe(
                "values_csv", env, people["coordinator"], people["organisation"], ten_years, today, workdir / "v.csv"
            )
            results.exports.append({"name": name, **outcome})
        except subprocess.CalledProcessError as exc:
            results.exports.append({"name": name, "error": (exc.stderr or "")[-300:]})
        log("  PostgreSQL COPY of the same contact rows …")
        copy = _probe(
            "copy_csv", env, people["coordinator"], people["organisation"], ten_years, today, workdir / "copy.csv"
        )
        csv_export = next((e for e in results.exports if e.get("kind") == "contacts_csv"), None)
        values_export = next((e for e in results.exports if e.get("kind") == "values_csv"), None)
        results.copy = {
            "copy_seconds": copy["seconds"],
            "copy_bytes": copy["bytes"],
            "export_seconds": csv_export["seconds"] if csv_export else None,
            "ratio": (csv_export["seconds"] / copy["seconds"]) if csv_export and copy["seconds"] else None,
            "values_seconds": values_export["seconds"] if values_export else None,
            "values_ratio": (values_export["seconds"] / copy["seconds"]) if values_export and copy["seconds"] else None,
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# 4. Throughput under load -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookies(user, count: int) -> list[str]:
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(count):
        client = _login(Client, user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def _wrk(url: str, seconds: int, connections: int, cookies: list[str]) -> dict:
    env = dict(os.environ, BENCH_COOKIES=",".join(cookies))
    completed = subprocess.run(  # noqa: S603
        [  # noqa: S607 - wrk from the system's PATH
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "cookies.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out = completed.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"BENCH errors=(\d+) non2xx=(\d+)", out)
    if rate is None or errors is None:
        raise RuntimeError(f"wrk gave no summary:\n{out}")
    rps = float(rate.group(1))
    return {"rps": rps, "errors": int(errors.group(1)), "non2xx": int(errors.group(2)), "raw": out}


def _check(url: str, cookie: str | None) -> tuple[int, str]:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def measure_load(people: dict, env: dict, seconds: int, connections: int, results: Results) -> None:
    if shutil.which("wrk") is None:
        results.load = {"error": "wrk is not installed (apt-get install wrk)"}
        return
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn
        [
            str(Path(PY).parent / "gunicorn"),
            "liaison.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--env",
            f"DJANGO_SETTINGS_MODULE={env['DJANGO_SETTINGS_MODULE']}",
        ],
        cwd=ROOT,
        env=env,
        # The access log of thousands of requests goes nowhere (it is still written, as in production).
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _check(f"{base}/healthz", None)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        cookies = _session_cookies(people["assistant"], 16)
        status, body = _check(f"{base}/contacts/", cookies[0])
        if status != 200 or "<table" not in body:
            results.load = {"error": f"the contact list answered {status} to the benchmark's session"}
            return
        # Warm both workers, then measure each URL.
        _wrk(f"{base}/contacts/", 3, connections, cookies)
        contacts = _wrk(f"{base}/contacts/", seconds, connections, cookies)
        _wrk(f"{base}/healthz", 2, connections, cookies)
        healthz = _wrk(f"{base}/healthz", seconds, connections, cookies)
        results.load = {
            "contacts_rps": contacts["rps"],
            "healthz_rps": healthz["rps"],
            "ratio": contacts["rps"] / healthz["rps"] if healthz["rps"] else None,
            "errors": contacts["errors"] + healthz["errors"],
            "non2xx": contacts["non2xx"] + healthz["non2xx"],
            "seconds": seconds,
            "connections": connections,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


# 5. Report ----------------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def describe_machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.+)", _read("/proc/cpuinfo"))
    mem = re.search(r"MemTotal:\s+(\d+) kB", _read("/proc/meminfo"))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "postgresql": pg,
        "shared_buffers": shared_buffers,
        "python": platform.python_version(),
        "os": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def other_load() -> str:
    load = os.getloadavg()
    busy = subprocess.run(  # noqa: S603
        ["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"],  # noqa: S607 - ps from the PATH
        capture_output=True,
        text=True,
    )
    top = [line.split(None, 1) for line in busy.stdout.splitlines()[:6]]
    return f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; busiest processes: " + ", ".join(
        f"{row[1].strip()} {row[0]}% CPU" for row in top if len(row) == 2
    )


def _mark(met: bool | None) -> str:
    return "—" if met is None else ("met" if met else "**missed**")


def _pages_line(title: str, pages: list[PageResult]) -> str:
    if not pages:
        return f"- {title}: nothing measured"
    missed = [p for p in pages if not p.met]
    worst = max(pages, key=lambda p: p.p95_ms)
    verdict = "met" if not missed else f"**missed** on {len(missed)} of {len(pages)}"
    return f"- {title}: {verdict} (slowest p95: {worst.name}, {worst.p95_ms:.0f} ms)"


def summary(results: Results) -> list[str]:
    lists = [p for p in results.pages if p.kind == "list"]
    searches = [p for p in lists if "search" in p.name.lower() or "picker" in p.name.lower()]
    lines = [
        _pages_line("List and search pages, p95 < 50 ms", lists),
        _pages_line("Client search by name (case and diacritics ignored), p95 < 50 ms", searches),
        _pages_line("Dashboards and start pages, p95 < 200 ms", [p for p in results.pages if p.kind == "dashboard"]),
    ]
    exports = [e for e in results.exports if "peak_rss_mb" in e]
    if exports:
        worst = max(exports, key=lambda e: e["peak_rss_mb"])
        met = all(e["peak_rss_mb"] < EXPORT_MEMORY_TARGET_MB for e in exports)
        lines.append(
            f"- Export peak memory < {EXPORT_MEMORY_TARGET_MB} MB: {_mark(met)} "
            f"(largest: {worst['peak_rss_mb']:.0f} MB, {worst['name']})"
        )
    if results.copy.get("ratio"):
        lines.append(
            f"- Contact CSV export within {COPY_RATIO_TARGET:g}x of COPY: "
            f"{_mark(results.copy['ratio'] < COPY_RATIO_TARGET)} (reports export {results.copy['ratio']:.1f}x"
            + (
                f"; reference values_list export {results.copy['values_ratio']:.1f}x)"
                if results.copy.get("values_ratio")
                else ")"
            )
        )
    if results.load.get("ratio"):
        lines.append(
            f"- Contact list throughput at least {THROUGHPUT_RATIO_TARGET:g} of the trivial view's: "
            f"{_mark(results.load['ratio'] >= THROUGHPUT_RATIO_TARGET)} ({results.load['ratio']:.2f})"
        )
    return lines


def render(results: Results, args) -> str:
    m = results.machine
    lines = [
        "# Benchmark at national scale",
        "",
        "Made by `make bench` (bench/run.py); rerun it to refresh this file. "
        "Server times are measured in-process with Django's test client under production settings "
        "(DEBUG off), from the request to the response, without the network.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gib']} GiB",
        f"- PostgreSQL {m['postgresql']} (shared_buffers {m['shared_buffers']}), Python {m['python']}, {m['os']}",
        f"- Date: {m['date']}",
        f"- Other work on the machine: at the start {results.data['load_start']}; "
        f"at the end {results.data['load_end']}. "
        "The machine is shared with other engineers' test runs, so the numbers carry their noise.",
        "",
        "## Data",
        "",
        f"- {results.data['contacts']:,} contacts, {results.data['clients']:,} clients, "
        f"{results.data['cases']:,} cases, "
        f"{results.data['organisations']:,} organisations, {results.data['users']:,} users; database "
        f"`{results.data['database']}` ({results.data['size']})",
        f"- {results.seed}",
        f"- The pages are those of the assistant with most contacts ({results.data['assistant_contacts']:,}) in the "
        f"largest organisation ({results.data['organisation_contacts']:,} contacts), its coordinator, the police "
        "officer of the region with most shared cases, and a ministry analyst.",
        "",
        f"## Pages ({args.requests} requests each after 3 warm-up requests)",
        "",
        "| page | median ms | p95 ms | SQL queries | target (p95) | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for page in results.pages:
        status = "" if page.status == 200 else f" (HTTP {page.status})"
        lines.append(
            f"| {page.name}{status} | {page.median_ms:.1f} | {page.p95_ms:.1f} | {page.queries} | "
            f"< {page.target_ms} ms | {_mark(page.met)} |"
        )
    if results.not_measured:
        lines += ["", "Not measurable yet:", ""] + [f"- {item}" for item in results.not_measured]
    lines += [
        "",
        "## Exports (each in a fresh process; peak = the whole process's maximum resident memory)",
        "",
        "| export | rows | seconds | peak memory MB | of which before the export | target | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for export in results.exports:
        if "error" in export:
            lines.append(f"| {export['name']} | | failed: {export['error'][-120:]!r} | | | | |")
            continue
        rows = f"{export['rows']:,}" if export.get("rows") else "(aggregates)"
        lines.append(
            f"| {export['name']} | {rows} | {export['seconds']:.1f} | {export['peak_rss_mb']:.0f} | "
            f"{export['baseline_rss_mb']:.0f} | < {EXPORT_MEMORY_TARGET_MB} MB | "
            f"{_mark(export['peak_rss_mb'] < EXPORT_MEMORY_TARGET_MB)} |"
        )
    if results.copy:
        ratio = results.copy["ratio"]
        lines += [
            "",
            "## Contact export against PostgreSQL's COPY of the same rows",
            "",
            "| | seconds |",
            "|---|---:|",
            f"| reports export (CSV, `reports.exports.contacts_sheet` + `write_csv`) | "
            f"{results.copy['export_seconds']:.1f} |",
            f"| `COPY (same joins and aggregates) TO STDOUT` into a file | {results.copy['copy_seconds']:.1f} |",
            f"| ratio of the reports export (target < {COPY_RATIO_TARGET:g}) | **{ratio:.1f}** — "
            f"{_mark(ratio < COPY_RATIO_TARGET)} |"
            if ratio
            else "| ratio | not measured |",
        ]
        if results.copy.get("values_ratio"):
            lines.append(
                f"| reference: `values_list` export (bench/fast_export.py) | {results.copy['values_seconds']:.1f} |"
            )
            lines.append(
                f"| ratio of the reference export | {results.copy['values_ratio']:.1f} — "
                f"{_mark(results.copy['values_ratio'] < COPY_RATIO_TARGET)} |"
            )
    lines += ["", "## Throughput under concurrent load", ""]
    load = results.load
    if "error" in load:
        lines.append(f"Not measured: {load['error']}")
    elif load:
        ratio = load["ratio"]
        lines += [
            "gunicorn with the project's gunicorn.conf.py (gthread workers, access log) and `--workers 2`, "
            "production settings (DEBUG off); wrk on loopback, 2 threads, "
            f"{load['connections']} connections, {load['seconds']} s per URL, 16 signed-in sessions of the assistant.",
            "",
            "| URL | requests/s |",
            "|---|---:|",
            f"| /contacts/ (assistant's contact list, first page) | {load['contacts_rps']:.1f} |",
            f"| /healthz (trivial view, one `SELECT 1`) | {load['healthz_rps']:.1f} |",
            f"| ratio (target ≥ {THROUGHPUT_RATIO_TARGET:g}) | **{ratio:.2f}** — "
            f"{_mark(ratio >= THROUGHPUT_RATIO_TARGET)} |",
            "",
            f"Socket errors: {load['errors']} (gunicorn.conf.py recycles a worker every ~2 000 requests); "
            f"non-2xx/3xx answers: {load['non2xx']}.",
        ]
    lines += ["", "## Targets", ""] + summary(results)
    if results.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results.notes]
    analysis = ROOT / "bench" / "ANALYSIS.md"
    if analysis.exists():
        lines += ["", analysis.read_text().strip()]
    lines += [
        "",
        "## Reproduce",
        "",
        "```sh",
        f"make bench BENCH_CONTACTS={args.contacts} BENCH_CLIENTS={args.clients} BENCH_CASES={args.cases}",
        "```",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=40_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/liaison_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database even if it has the size")
    args = parser.parse_args()

    env = dict(os.environ, **BENCH_ENV, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    results = Results()
    results.data["load_start"] = other_load()
    log("1. Database")
    prepare_database(args, env, results)

    choose_settings(env, results)

    import django

    django.setup()
    from django.db import connection

    from accounts.models import Organisation, User

    results.machine = describe_machine()
    people = pick_people()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    counts = _counts(args.database_url)
    results.data |= (counts or {}) | {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "database": urlparse(args.database_url).path.lstrip("/"),
        "size": size,
        "organisation_contacts": people["organisation_contacts"],
        "assistant_contacts": people["assistant_contacts"],
    }
    log("2. Pages")
    measure_pages(people, args.requests, results)
    connection.close()
    log("3. Exports")
    measure_exports(people, env, results)
    if not args.skip_load:
        log("4. Throughput")
        measure_load(people, env, args.load_seconds, args.connections, results)
    results.data["load_end"] = other_load()
    report = render(results, args)
    Path(args.output).write_text(report)
    log("")
    log(report)


if __name__ == "__main__":
    main()
