"""What every part of the benchmark shares: paths, the environment, the targets and the results."""

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

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
# A funder's report (the MPSV statement of the largest organisation's busiest service) is made within.
FUNDER_REPORT_SECONDS_TARGET = 30
# The contact CSV export against a bare COPY of the same rows (at most this many times).
COPY_RATIO_TARGET = 1.2
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
    imports: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Figures that could not be measured: listed in RESULTS.md, and the run fails.
    failures: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(message, flush=True)


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)  # noqa: S603 - our own commands


class NotMeasured(Exception):
    """A figure the benchmark could not measure: the run fails, never skips it silently."""
