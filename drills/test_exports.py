"""Exports under failure: the whole worker killed in the middle of a large export (with the
production visibility timeout), and the same export asked for twice in quick succession.

Asserts: a killed worker leaves no file on offer (the download answers 404 while the job is
unfinished, and no final file exists); the job's heartbeat stops, it is marked interrupted and
sent again, and a new worker retries it within 3 minutes of the kill (not after the hour of the
visibility timeout); the retry removes the killed attempt's work files and ends with exactly one
complete file (every contact of the period is in it); never a partial file, never two. Asking
twice gives two jobs with two complete files of the same rows (or one job), never a corrupted one.
"""

import csv
import io
import time
from concurrent.futures import ThreadPoolExecutor

from .app import (
    job_id_from,
    job_state,
    one_value,
    report_files,
    request_report,
    result_line,
    wait_job_finished,
    work_files,
)
from .servers import wait_for
from .web import csrf_token, sign_in

PERIOD = {"start": "2017-01-01", "end": time.strftime("%Y-%m-%d"), "breakdown": "contacts", "format": "csv"}
# Production's visibility timeout (liaison/settings.py): the killed worker's message waits an hour.
PRODUCTION_VISIBILITY = {"CELERY_VISIBILITY_TIMEOUT": "3600"}
# A heartbeat silent for two minutes, then the next check (every 15 s) sends the job again.
RETRIED_WITHIN = 180


def _expected_rows(stack, organisation: int) -> int:
    return int(
        one_value(
            stack,
            f"SELECT count(*) FROM contacts_contact WHERE organisation_id = {organisation} "
            f"AND occurred_at >= '{PERIOD['start']}' AND occurred_at < now()",
        )
    )


def _download_rows(session, stack, job_id: int) -> tuple[int, bytes]:
    """The number of contact rows in the downloaded CSV, and its bytes."""
    response = session.get(f"{stack.base_url}/reports/{job_id}/download/", timeout=120)
    assert response.status_code == 200, f"Download of job {job_id}: {response.status_code}"
    assert int(response.headers["Content-Length"]) == len(response.content)
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    # title, subtitle, blank, sheet title, header, then the rows (and perhaps notes)
    header_at = next(i for i, row in enumerate(lines) if row and row[0] and len(row) > 5)
    data = [row for row in lines[header_at + 1 :] if len(row) > 5]
    return len(data), response.content


def test_worker_killed_in_the_middle_of_a_large_export(stack, big_organisation):
    """The whole worker killed, with the production visibility timeout (an hour: the message of
    the killed worker is not delivered again within the drill). The job's heartbeat stops; the
    check every 15 s marks it interrupted after two minutes of silence and sends it again."""
    username, organisation = big_organisation
    coordinator = sign_in(stack.base_url, username)
    expected = _expected_rows(stack, organisation)
    stack.worker.stop()
    stack.worker = stack.new_worker(**PRODUCTION_VISIBILITY)
    stack.worker.start()
    stack.wait_worker_ready()
    try:
        _kill_and_retry(stack, coordinator, expected)
    finally:
        stack.worker.stop()
        stack.worker = stack.new_worker()
        stack.worker.start()
        stack.wait_worker_ready()


def _kill_and_retry(stack, coordinator, expected: int) -> None:
    job_id = job_id_from(request_report(coordinator, stack, "export", PERIOD))
    wait_for(
        lambda: job_state(stack, job_id)["state"] == "running" and job_state(stack, job_id)["progress"] >= 5,
        120,
        "the export to be under way",
        interval=0.2,
    )
    before = job_state(stack, job_id)
    stack.worker.kill()  # SIGKILL to the worker and its pool: no clean-up of any kind
    killed_at = time.monotonic()
    print(f"\nWorker killed at {before['progress']} % of job {job_id} ({expected} rows expected).")

    # Nothing is on offer: no final file, the job is not done, the download answers 404.
    state = job_state(stack, job_id)
    assert state["state"] == "running" and not state["result_file"], state
    assert report_files(stack, job_id) == [], "A final file exists for an unfinished job."
    assert coordinator.get(f"{stack.base_url}/reports/{job_id}/download/", timeout=15).status_code == 404
    assert any(name.startswith(f"{job_id}-") for name in work_files(stack)), "No partial work file: killed too late?"

    log_before = len(stack.worker.log_text()) if stack.worker else 0
    stack.worker = stack.new_worker(**PRODUCTION_VISIBILITY)
    stack.worker.start()
    wait_for(lambda: job_state(stack, job_id)["attempts"] > before["attempts"], RETRIED_WITHIN, "the retry", 1)
    retried_after = time.monotonic() - killed_at
    job = wait_job_finished(stack, job_id, timeout=240)
    done_after = time.monotonic() - killed_at
    print(f"Job {job_id} retried {retried_after:.0f} s after the kill, {job['state']} after {done_after:.0f} s.")
    assert "marked interrupted" in stack.worker.log_text()[log_before:], "The job was not taken for interrupted."
    files = report_files(stack, job_id)
    leftovers = [name for name in work_files(stack) if name.startswith(f"{job_id}-")]
    rows_in_file = _download_rows(coordinator, stack, job_id)[0] if job["state"] == "done" else 0
    print(
        result_line(
            "worker killed mid-export",
            sent=1,
            acknowledged=1,
            stored=len(files),
            lost=int(job["state"] != "done"),
            duplicated=max(0, len(files) - 1),
            errors_5xx=0,
            recovery_seconds=round(retried_after),
            done_seconds=round(done_after),
            rows=f"{rows_in_file}/{expected}",
            work_files_left=len(leftovers),
        )
    )
    assert job["state"] == "done", f"The retried export failed: {job}"
    assert job["attempts"] == before["attempts"] + 1, job
    assert files == [job["result_file"]], f"Expected exactly one file for job {job_id}, found {files}"
    assert leftovers == [], f"Work files of the killed attempt stayed: {leftovers}"
    assert rows_in_file == expected, f"The file has {rows_in_file} contact rows, the period {expected}."


def test_same_export_asked_twice(stack, big_organisation):
    username, organisation = big_organisation
    coordinator = sign_in(stack.base_url, username)
    period = {**PERIOD, "start": "2024-01-01"}
    # One form, submitted twice at the same moment (a double click, or two tabs).
    url = f"{stack.base_url}/reports/new/export/"
    token = csrf_token(coordinator.get(url, timeout=15).text)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda _i: coordinator.post(
                    url,
                    data={**period, "csrfmiddlewaretoken": token},
                    headers={"Referer": url},
                    timeout=30,
                    allow_redirects=False,
                ),
                range(2),
            )
        )
    jobs = sorted({job_id_from(answer) for answer in answers})
    finished = [wait_job_finished(stack, job, timeout=240) for job in jobs]
    assert all(job["state"] == "done" for job in finished), finished
    contents = []
    for job_id, job in zip(jobs, finished, strict=True):
        assert report_files(stack, job_id) == [job["result_file"]], f"Job {job_id}: {report_files(stack, job_id)}"
        count, content = _download_rows(coordinator, stack, job_id)
        contents.append((count, content))
    counts = {count for count, _ in contents}
    assert len(counts) == 1, f"The two files differ in rows: {counts}"
    assert len({content for _, content in contents}) == 1, "The two files of the same export differ."
    print(f"\nAsked twice: {len(jobs)} job(s), each a complete file of {counts.pop()} rows, identical.")
