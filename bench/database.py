"""The benchmark's database: created, migrated and seeded once by `seed_bulk`, reused while it
holds the asked-for numbers; and the settings the pages are served with."""

import datetime
import json
import os
import subprocess
import time
from typing import cast
from urllib.parse import urlparse

from .common import PY, ROOT, Results, log
from .common import run as _run


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
                # count(*) always answers one row.
                counts[name] = cast(tuple[int], cursor.fetchone())[0]
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
