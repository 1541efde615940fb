"""Exports under failure: the worker killed in the middle of a large export, and the same export
asked for twice in quick succession.

Asserts: a killed worker leaves no file on offer (the download answers 404 while the job is
unfinished, and no final file exists); after a new worker starts, the job ends with exactly one
complete file (every contact of the period is in it) or is marked failed with a message and can
be asked for again; never a partial file, never two. Asking twice gives two jobs with two
complete files of the same rows (or one job), never a corrupted one.
"""

import csv
import io
import time
from concurrent.futures import ThreadPoolExecutor

from .app import job_id_from, job_state, one_value, report_files, request_report, wait_job_finished, work_files
from .servers import wait_for
from .web import csrf_token, sign_in

PERIOD = {"start": "2017-01-01", "end": time.strftime("%Y-%m-%d"), "breakdown": "contacts", "format": "csv"}


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
    username, organisation = big_organisation
    coordinator = sign_in(stack.base_url, username)
    expected = _expected_rows(stack, organisation)
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

    stack.worker = stack.new_worker()
    stack.worker.start()
    job = wait_job_finished(stack, job_id, timeout=240)
    print(
        f"Job {job_id} {job['state']} {time.monotonic() - killed_at:.0f} s after the kill (attempts {job['attempts']})."
    )
    files = report_files(stack, job_id)
    if job["state"] == "failed":
        assert job["error"], "A failed job without a message."
        assert files == [], f"Files of a failed job: {files}"
        again = job_id_from(request_report(coordinator, stack, "export", PERIOD))
        job = wait_job_finished(stack, again, timeout=240)
        assert job["state"] == "done", f"Asking again after the failure did not work: {job}"
        job_id, files = again, report_files(stack, again)
    assert job["attempts"] >= 2 or job_id != before, job
    assert files == [job["result_file"]], f"Expected exactly one file for job {job_id}, found {files}"
    rows_in_file, _content = _download_rows(coordinator, stack, job_id)
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
