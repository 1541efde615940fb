"""Each export in a fresh process (bench/export_probe.py): time and peak memory; the contact CSV
export (the real one: reports.jobs.build_report and reports.writers) against PostgreSQL's
bare COPY of the same rows."""

import datetime
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .common import PY, NotMeasured, Results, log, run

# How many times the contact CSV export and the bare COPY each run for their ratio.
RATIO_RUNS = 3


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
    try:
        completed = run(args, env, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        raise NotMeasured(f"the {kind} export failed: {(exc.stderr or '')[-300:]}") from exc
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_exports(people: dict, env: dict, results: Results) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    ten_years = today.replace(year=today.year - 10) + datetime.timedelta(days=1)
    # National statistics exist for calendar months, quarters and years only: the largest is a year.
    last_year = (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    last_month = (last_month_end.replace(day=1), last_month_end)
    coordinator, organisation = people["coordinator"], people["organisation"]
    size = f"{people['organisation_contacts']:,} contacts, ten years"
    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    try:
        plan = [
            ("National statistics XLSX, last calendar month", "national_xlsx", people["ministry"], None, *last_month),
            ("National statistics XLSX, last calendar year", "national_xlsx", people["ministry"], None, *last_year),
            (
                f"Full contact CSV of the largest organisation ({size})",
                "contacts_csv",
                coordinator,
                organisation,
                ten_years,
                today,
            ),
            (
                f"Full contact XLSX of the largest organisation ({size})",
                "contacts_xlsx",
                coordinator,
                organisation,
                ten_years,
                today,
            ),
        ]
        for name, kind, user, org, start, end in plan:
            log(f"  {name} …")
            results.exports.append({"name": name, **_probe(kind, env, user, org, start, end, workdir / f"{kind}.out")})
        # The machine is shared: the export and the bare COPY run in turn, a few times each, and
        # the best of each is compared (the figure least disturbed by the neighbours).
        export_runs = [next(e for e in results.exports if e["kind"] == "contacts_csv")]
        copy_runs = []
        for attempt in range(1, RATIO_RUNS + 1):
            log(f"  PostgreSQL's bare COPY of the same contact rows ({attempt}/{RATIO_RUNS}) …")
            copy_runs.append(_probe("copy_csv", env, coordinator, organisation, ten_years, today, workdir / "copy.csv"))
            if attempt < RATIO_RUNS:
                log(f"  the contact CSV export again ({attempt + 1}/{RATIO_RUNS}) …")
                again = _probe("contacts_csv", env, coordinator, organisation, ten_years, today, workdir / "again")
                export_runs.append(again)
        best_export = min(export_runs, key=lambda run: run["seconds"])
        best_copy = min(copy_runs, key=lambda run: run["seconds"])
        if not best_copy["seconds"]:
            raise NotMeasured("the COPY of the contact rows took no measurable time")
        results.copy = {
            "copy_seconds": best_copy["seconds"],
            "copy_runs": [run["seconds"] for run in copy_runs],
            "copy_bytes": best_copy["bytes"],
            "copy_peak_rss_mb": max(run["peak_rss_mb"] for run in copy_runs),
            "export_seconds": best_export["seconds"],
            "export_runs": [run["seconds"] for run in export_runs],
            "export_bytes": best_export["bytes"],
            "export_peak_rss_mb": max(run["peak_rss_mb"] for run in export_runs),
            "ratio": best_export["seconds"] / best_copy["seconds"],
            "rows": best_export["rows"],
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
