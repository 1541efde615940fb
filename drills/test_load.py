"""Load: the locust scenario (bench/locustfile.py) headless on loopback for a bounded time against
gunicorn with production settings and a real worker. Fails when more than 1 % of the requests
fail; the summary goes to bench/locust-summary.md (and the raw CSV beside it).

DRILL_LOAD_SECONDS (60) and DRILL_LOAD_USERS (20) set the run.
"""

import csv
import os
import subprocess
import time
from pathlib import Path

from .harness import PASSWORD
from .servers import ROOT, VENV_BIN

SECONDS = int(os.environ.get("DRILL_LOAD_SECONDS", "60"))
USERS = int(os.environ.get("DRILL_LOAD_USERS", "20"))
MAX_FAILURE_RATIO = 0.01
SUMMARY = ROOT / "bench" / "locust-summary.md"


def _stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _summary(rows: list[dict], seconds: float, users: int) -> str:
    total = next(row for row in rows if row["Name"] == "Aggregated")
    lines = [
        "# Load drill: locust summary",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: `make drills` (drills/test_load.py), "
        f"{users} users for {seconds:.0f} s on loopback against gunicorn (3 workers × 2 threads, DEBUG=0) "
        "and a Celery worker, throwaway PostgreSQL and Redis, 2 shared cores. Threshold: at most 1 % failed.",
        "",
        "| request | count | failed | median ms | 95 % ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['Median Response Time']} | {row['95%']} | {float(row['Max Response Time']):.0f} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    count, failed = int(total["Request Count"]), int(total["Failure Count"])
    lines += ["", f"Failed: {failed} of {count} ({100 * failed / max(count, 1):.2f} %)."]
    return "\n".join(lines) + "\n"


def test_load(stack, tmp_path):
    prefix = tmp_path / "locust"
    env = {**os.environ, "LOCUST_PASSWORD": PASSWORD}
    started = time.monotonic()
    result = subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "-u", str(USERS), "-r", str(max(1, USERS // 5)), "-t", f"{SECONDS}s", "--stop-timeout", "10",
         "--host", stack.base_url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 120,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    rows = _stats(prefix)
    summary = _summary(rows, SECONDS, USERS)
    SUMMARY.write_text(summary)
    (ROOT / "bench" / "locust-stats.csv").write_text(Path(f"{prefix}_stats.csv").read_text())
    print("\n" + summary)
    failures = Path(f"{prefix}_failures.csv").read_text() if Path(f"{prefix}_failures.csv").exists() else ""
    total = next(row for row in rows if row["Name"] == "Aggregated")
    count, failed = int(total["Request Count"]), int(total["Failure Count"])
    assert count > 100, f"Too few requests to judge ({count} in {elapsed:.0f} s): {result.stderr[-2000:]}"
    assert failed <= MAX_FAILURE_RATIO * count, f"{failed} of {count} requests failed:\n{failures[:3000]}"
