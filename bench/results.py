"""The machine's description, the targets' summary and bench/RESULTS.md."""

import datetime
import os
import platform
import re
import subprocess
from pathlib import Path

from .common import (
    COPY_RATIO_TARGET,
    EXPORT_MEMORY_TARGET_MB,
    FUNDER_REPORT_SECONDS_TARGET,
    ROOT,
    THROUGHPUT_RATIO_TARGET,
    PageResult,
    Results,
)
from .imports import IMPORT_MEMORY_RATIO, IMPORT_TARGET_SECONDS


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
    funder_reports = [e for e in exports if e.get("funder_report")]
    for report in funder_reports:
        met = report["seconds"] < FUNDER_REPORT_SECONDS_TARGET and report["peak_rss_mb"] < EXPORT_MEMORY_TARGET_MB
        lines.append(
            f"- {report['name']}: < {FUNDER_REPORT_SECONDS_TARGET} s and < {EXPORT_MEMORY_TARGET_MB} MB: "
            f"{_mark(met)} ({report['seconds']:.1f} s, {report['peak_rss_mb']:.0f} MB)"
        )
    if results.copy.get("ratio"):
        lines.append(
            f"- Contact CSV export at most {COPY_RATIO_TARGET:g}x a bare COPY of the same rows: "
            f"{_mark(results.copy['ratio'] <= COPY_RATIO_TARGET)} ({results.copy['ratio']:.2f}x)"
        )
    if results.imports:
        longest = max(results.imports, key=lambda i: i["rows"])
        lines.append(
            f"- {longest['rows']:,} contact rows imported (check and import) in < {IMPORT_TARGET_SECONDS} s: "
            f"{_mark(longest['seconds'] < IMPORT_TARGET_SECONDS)} ({longest['seconds']:.0f} s)"
        )
        shortest = min(results.imports, key=lambda i: i["rows"])
        if shortest is not longest:
            ratio = longest["peak_rss_mb"] / shortest["peak_rss_mb"]
            lines.append(
                f"- Flat memory: the peak importing {longest['rows']:,} rows at most {IMPORT_MEMORY_RATIO:g}x "
                f"the peak importing {shortest['rows']:,}: {_mark(ratio <= IMPORT_MEMORY_RATIO)} "
                f"({longest['peak_rss_mb']:.0f} MB against {shortest['peak_rss_mb']:.0f} MB, {ratio:.2f}x)"
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
        target, met = f"< {EXPORT_MEMORY_TARGET_MB} MB", export["peak_rss_mb"] < EXPORT_MEMORY_TARGET_MB
        if export.get("funder_report"):
            target = f"< {FUNDER_REPORT_SECONDS_TARGET} s, {target}"
            met = met and export["seconds"] < FUNDER_REPORT_SECONDS_TARGET
        lines.append(
            f"| {export['name']} | {rows} | {export['seconds']:.1f} | {export['peak_rss_mb']:.0f} | "
            f"{export['baseline_rss_mb']:.0f} | {target} | {_mark(met)} |"
        )
    if results.copy:
        copy = results.copy
        ratio = copy["ratio"]
        lines += [
            "",
            "## Contact export against PostgreSQL's COPY of the same rows",
            "",
            f"{copy['rows']:,} rows. The export is the real one (`reports.jobs.build_report` and "
            "`reports.writers.write_csv`: the scoped query of `reports.exports.contact_rows` with its labels "
            "and inert cells in SQL, written by `COPY … TO STDOUT`), including its row count for the job's "
            "progress; the reference is a hand-written COPY of the same joins and aggregates with no "
            "neutralised cells (bench/export_probe.py).",
            "",
            f"Each ran {len(copy['copy_runs'])} times in turn, in a fresh process; the best time of each is "
            "compared, the least disturbed by the other work on the machine.",
            "",
            "| | best seconds | every run (s) | MB written | peak memory MB |",
            "|---|---:|---:|---:|---:|",
            f"| reports export (CSV) | {copy['export_seconds']:.2f} | "
            f"{' / '.join(f'{s:.2f}' for s in copy['export_runs'])} | {copy['export_bytes'] / 1e6:.1f} | "
            f"{copy['export_peak_rss_mb']:.0f} |",
            f"| bare `COPY (same rows) TO STDOUT` into a file | {copy['copy_seconds']:.2f} | "
            f"{' / '.join(f'{s:.2f}' for s in copy['copy_runs'])} | {copy['copy_bytes'] / 1e6:.1f} | "
            f"{copy['copy_peak_rss_mb']:.0f} |",
            f"| ratio (target ≤ {COPY_RATIO_TARGET:g}) | **{ratio:.2f}** — {_mark(ratio <= COPY_RATIO_TARGET)} | | | |",
        ]
    if results.imports:
        lines += [
            "",
            "## Contact import from a spreadsheet (in a fresh process; peak = the process's maximum resident memory)",
            "",
            "An XLSX made by bench/import_probe.py (dates as `28. 11. 2025`, hours with a decimal comma, the "
            "largest organisation's assistants, clients, service and activity types) is stored as the upload "
            "page stores it and checked, then imported, by the background jobs' own code "
            "(`clients.import_jobs.run_import_job`), inside a transaction rolled back at the end so that the "
            "database keeps its size. Memory that stays flat with the number of rows gives both files "
            f"the same peak (target: the longer file's at most {IMPORT_MEMORY_RATIO:g}x the shorter's).",
            "",
            "| rows | file MB | check s | import s | total s | peak memory MB | target | |",
            "|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for item in sorted(results.imports, key=lambda i: i["rows"]):
            target = f"< {IMPORT_TARGET_SECONDS} s" if item["rows"] >= 100_000 else ""
            verdict = _mark(item["seconds"] < IMPORT_TARGET_SECONDS) if target else ""
            lines.append(
                f"| {item['rows']:,} | {item['file_bytes'] / 1e6:.1f} | {item['check_seconds']:.1f} | "
                f"{item['import_seconds']:.1f} | {item['seconds']:.1f} | {item['peak_rss_mb']:.0f} | "
                f"{target} | {verdict} |"
            )
    lines += ["", "## Throughput under concurrent load", ""]
    load = results.load
    if "error" in load:
        lines.append(f"**Not measured**: {load['error']}")
    elif load:
        ratio = load["ratio"]
        lines += [
            "gunicorn with the project's gunicorn.conf.py (gthread workers, access log) and `--workers 2`, "
            "production settings (DEBUG off); locust (FastHttpUser, no wait between requests) on loopback, "
            f"{load['connections']} users, {load['seconds']} s per URL, 16 signed-in sessions of the assistant.",
            "",
            "| URL | requests/s |",
            "|---|---:|",
            f"| /contacts/ (assistant's contact list, first page) | {load['contacts_rps']:.1f} |",
            f"| /healthz (trivial view, one `SELECT 1`) | {load['healthz_rps']:.1f} |",
            f"| ratio (target ≥ {THROUGHPUT_RATIO_TARGET:g}) | **{ratio:.2f}** — "
            f"{_mark(ratio >= THROUGHPUT_RATIO_TARGET)} |",
            "",
            f"Failed requests (connection errors or an answer other than 200): {load['failures']} "
            "(gunicorn.conf.py recycles a worker every ~2 000 requests).",
        ]
    lines += ["", "## Targets", ""] + summary(results)
    if results.failures:
        lines += ["", "## Not measured (this run failed)", ""] + [f"- {failure}" for failure in results.failures]
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
