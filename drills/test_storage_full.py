"""The report storage full: a small file system (tmpfs) is mounted over the reports folder while
a coordinator asks for a large export.

Asserts: the job fails with a message that says the storage is full (not the general "could
not be made", not a retry loop); no file of the job is left behind, final or partial (the
folder is empty again); the download answers 404; the worker goes on, and once there is room
the same export is made.

Needs the right to mount (root, as in CI); skipped with a message otherwise.
"""

import subprocess
import time

import pytest

from .app import job_id_from, request_report, result_line, wait_job_finished
from .test_exports import PERIOD, _download_rows, _expected_rows
from .web import sign_in

FULL_MESSAGE = "úložiště sestav je plné"
SIZE = "2m"  # the export's CSV is several megabytes


def _used_bytes(folder) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_report_storage_full(stack, big_organisation):
    username, organisation = big_organisation
    coordinator = sign_in(stack.base_url, username)
    folder = stack.workdir / "private" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"Cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        started = time.monotonic()
        job_id = job_id_from(request_report(coordinator, stack, "export", PERIOD))
        job = wait_job_finished(stack, job_id, timeout=180)
        failed_after = time.monotonic() - started
        left = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
        used = _used_bytes(folder)
        download = coordinator.get(f"{stack.base_url}/reports/{job_id}/download/", timeout=15).status_code
        page = coordinator.get(f"{stack.base_url}/reports/{job_id}/", timeout=15)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    print(f"\nStorage full: job {job_id} {job['state']} after {failed_after:.0f} s: {job['error']!r}; left {left}.")
    assert job["state"] == "failed", job
    assert FULL_MESSAGE in job["error"], job["error"]
    assert FULL_MESSAGE in page.text and page.status_code == 200
    assert left == [] and used == 0, f"Files left on the full storage: {left}"
    assert download == 404

    # With room again, the same export is made.
    again = job_id_from(request_report(coordinator, stack, "export", PERIOD))
    done = wait_job_finished(stack, again, timeout=240)
    rows_in_file = _download_rows(coordinator, stack, again)[0] if done["state"] == "done" else 0
    print(
        result_line(
            "report storage full",
            sent=2,
            acknowledged=2,
            stored=int(done["state"] == "done"),
            lost=0,
            duplicated=0,
            errors_5xx=0,
            failed_clearly=int(FULL_MESSAGE in job["error"]),
            files_left=len(left),
            rows=f"{rows_in_file}/{_expected_rows(stack, organisation)}",
        )
    )
    assert done["state"] == "done", done
    assert rows_in_file == _expected_rows(stack, organisation)
