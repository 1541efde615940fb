"""A long contact import in a fresh process, for its time and the process's peak memory.

    python -m bench.import_probe generate --user ID --rows N --out PATH
    python -m bench.import_probe run --user ID --file PATH

`generate` writes an XLSX of N contact rows of the coordinator's organisation (its assistants,
clients, service and activity types, dates over the last two years), as an organisation's old
spreadsheet would have them: dates as text `28. 11. 2025`, durations with a decimal comma. It runs
in its own process so that making the file weighs nothing in the measured one.

`run` does what the page and the worker do with such a file (clients.importing.upload_store, then
clients.import_jobs.run_import_job for the check job and for the import job), timing each, inside
a transaction rolled back at the end: the benchmark database keeps its size (the rolled-back
COMMIT is not in the figure). Prints one JSON line. The environment is the benchmark's.
"""

import argparse
import datetime
import json
import os
import resource
import time


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def generate(user_id: int, rows: int, out: str) -> dict:
    from django.utils import timezone
    from openpyxl import Workbook

    from accounts.models import User
    from accounts.roles import Role
    from clients.models import Client
    from contacts.imports import COLUMNS
    from programmes.models import ActivityType, Service

    coordinator = User.objects.get(pk=user_id)
    organisation = coordinator.organisation
    if organisation is None:
        raise SystemExit("The user has no organisation.")
    organisation_id = organisation.pk
    assistants = list(
        User.objects.filter(organisation_id=organisation_id, role__in=[Role.ASSISTANT, Role.COORDINATOR])
        .order_by("pk")
        .values_list("username", flat=True)[:20]
    )
    clients = list(
        Client.objects.filter(organisation_id=organisation_id).order_by("pk").values_list("pk", flat=True)[:5000]
    )
    service = Service.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk").first()
    if service is None or not assistants or not clients:
        raise SystemExit("The organisation has no service, assistant or client to import contacts of.")
    types = list(
        ActivityType.objects.filter(service=service, is_active=True, without_client=False).values_list(
            "name", flat=True
        )
    )
    founded = organisation.founded_on
    today = timezone.localdate()
    first = max(today - datetime.timedelta(days=2 * 365), founded or today - datetime.timedelta(days=2 * 365))
    span = max((today - first).days - 1, 1)
    run_tag = f"{time.time():.0f}"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Evidence kontaktů (převzato z tabulek)"])
    headings = ["external_id", "date", "time", "hours", "assistant", "clients", "service", "activity_type", "outcome"]
    sheet.append([COLUMNS[name][0] for name in headings])
    for i in range(rows):
        day = first + datetime.timedelta(days=i % span)
        sheet.append(
            [
                f"B-{run_tag}-{i}",
                f"{day.day}. {day.month}. {day.year}",
                f"{8 + i % 9}:{(i * 7) % 60:02}",
                f"{(1 + i % 8) / 4:.2f}".replace(".", ","),
                assistants[i % len(assistants)],
                str(clients[i % len(clients)]),
                service.name,
                types[i % len(types)],
                "Vyřízeno" if i % 3 else "",
            ]
        )
    workbook.save(out)
    return {"rows": rows, "bytes": os.path.getsize(out)}


def run(user_id: int, path: str) -> dict:
    from django.db import transaction

    from accounts.models import User
    from clients import import_jobs, importing
    from clients.models import ImportJob
    from contacts.imports import CONTACTS
    from contacts.models import Contact

    coordinator = User.objects.get(pk=user_id)
    result: dict = {"bytes": os.path.getsize(path)}
    with transaction.atomic(), open(path, "rb") as file:  # as the page hands on an upload: a file on disk
        started = time.perf_counter()
        upload, large = importing.upload_store(by=coordinator, importer=CONTACTS, file_name="bench.xlsx", data=file)
        check = import_jobs.job_request(importer=CONTACTS, upload=upload, phase=ImportJob.Phase.CHECK)
        import_jobs.run_import_job(check.pk)
        check.refresh_from_db()
        checked = time.perf_counter()
        if check.state != ImportJob.State.DONE:
            raise SystemExit(f"The check failed: {check.error_message}")
        job = import_jobs.job_request(
            importer=CONTACTS, upload=upload, phase=ImportJob.Phase.IMPORT, expected_summary=check.summary
        )
        import_jobs.run_import_job(job.pk)
        job.refresh_from_db()
        finished = time.perf_counter()
        if job.state != ImportJob.State.DONE:
            raise SystemExit(f"The import failed: {job.error_message}")
        imported = Contact.objects.filter(imported_from="bench.xlsx", external_id__startswith="B-").count()
        transaction.set_rollback(True)
    result |= {
        "large": large,
        "rows": check.rows_total,
        "errors": len(check.errors),
        "imported": imported,
        "check_seconds": checked - started,
        "import_seconds": finished - checked,
        "seconds": finished - started,
        "peak_rss_mb": _rss_mb(),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["generate", "run"])
    parser.add_argument("--user", type=int, required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", default="")
    parser.add_argument("--file", default="")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    if args.action == "generate":
        answer = generate(args.user, args.rows, args.out)
    else:
        answer = run(args.user, args.file)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
