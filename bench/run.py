"""The benchmark at national scale: `make bench` (variables BENCH_CONTACTS, BENCH_CLIENTS, BENCH_CASES,
BENCH_DATABASE_URL, BENCH_REQUESTS, BENCH_LOAD_SECONDS).

1. A separate database (liaison_bench) is created, migrated and filled by `seed_bulk`, unless it
   already holds exactly the asked-for numbers of contacts, clients and cases (a rerun is quick)
   (bench/database.py).
2. Every main page is requested in this process with Django's test client under production
   settings (DEBUG off): server time (median, 95th percentile) and the number of SQL queries
   (bench/pages.py).
3. Each export runs in a fresh process (bench/export_probe.py): time and peak memory; the real
   contact export is compared with PostgreSQL's bare COPY of the same rows (bench/exports.py).
   A generated XLSX of 100,000 contact rows (and one of 10,000) is checked and imported as the
   background jobs do it, in a fresh process, inside a transaction rolled back at the end
   (bench/imports.py, bench/import_probe.py).
4. The contact list under concurrent load: gunicorn (2 workers, production settings) and locust
   on loopback, against the trivial /healthz view of the same server (bench/load.py).
5. The table is printed and written to bench/RESULTS.md with the machine's description
   (bench/results.py).

A figure that cannot be measured is written as such into RESULTS.md and the command then fails:
the benchmark never skips one silently (only --skip-load leaves out the throughput, and says so).
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from .common import BENCH_ENV, ROOT, NotMeasured, Results, log
from .database import _counts, choose_settings, prepare_database
from .exports import measure_exports
from .imports import IMPORT_ROWS, measure_import
from .load import measure_load
from .pages import measure_pages, pick_people
from .results import describe_machine, other_load, render


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=40_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/liaison_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--import-rows", type=int, default=IMPORT_ROWS)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--skip-load", action="store_true", help="leave out the throughput (said in RESULTS.md)")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database even if it has the size")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
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
    if counts is None:  # the database prepared above no longer answers: no figure can be measured
        sys.exit(f"The benchmark database {args.database_url} cannot be read: nothing measured.")
    results.data |= counts | {
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
    try:
        measure_exports(people, env, results)
    except NotMeasured as exc:
        results.failures.append(f"Exports: {exc}")
    log("3b. Import")
    try:
        measure_import(people, env, results, args.import_rows)
    except NotMeasured as exc:
        results.failures.append(f"Import: {exc}")
    if args.skip_load:
        results.load = {"error": "left out on request (--skip-load)"}
    else:
        log("4. Throughput")
        try:
            measure_load(people, env, args.load_seconds, args.connections, results)
        except NotMeasured as exc:
            results.load = {"error": str(exc)}
            results.failures.append(f"Throughput: {exc}")
    results.failures += [f"Page {item}" for item in results.not_measured]
    results.data["load_end"] = other_load()
    report = render(results, args)
    Path(args.output).write_text(report)
    log("")
    log(report)
    if results.failures:
        log("\nNOT MEASURED (the benchmark is incomplete):\n" + "\n".join(f"- {f}" for f in results.failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
