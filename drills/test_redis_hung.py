"""Redis hung (SIGSTOP: the kernel accepts connections, nothing answers) while a coordinator keeps
asking for reports and other users browse.

Asserts: every report request answers with the job's page (the job is recorded and waits,
unsent), the publish giving up within 2 s (0.8 s of broker socket timeouts configured; the web log
says how long each waited) and the requests within 2 s (the median: a request that a freshly started
gunicorn worker serves takes seconds on a busy machine, hung Redis or not; none more than 6 s,
where a hang would be the whole 30); pages keep working; after SIGCONT
every job asked for meanwhile is sent within 30 s (the check every 15 s) and made, each with
exactly one file; the same worker process serves throughout.

DRILL_REDIS_HANG sets the hang in seconds (30).
"""

import os
import re
import statistics
import time

from .app import (
    LogWindow,
    Traffic,
    job_id_from,
    job_state,
    one_value,
    report_files,
    result_line,
    server_errors,
    wait_job_finished,
)
from .servers import wait_for
from .web import csrf_token, get, sign_in, submission_key

HANG_SECONDS = float(os.environ.get("DRILL_REDIS_HANG", "30"))
ANSWER_WITHIN = 2.0
# Two attempts of BROKER_SOCKET_TIMEOUT (0.4 s) each are configured; the wall clock adds what a
# loaded machine takes to schedule the process (1.2 s seen on two busy cores). The promise to the
# user is the request's: answered within ANSWER_WITHIN.
PUBLISH_GIVES_UP_WITHIN = ANSWER_WITHIN
NEVER_HUNG = 6.0  # a request that hung would take the whole 30 s
SENT_WITHIN = 30.0
PERIOD = {"start": "2026-01-01", "end": "2026-01-31", "breakdown": "all", "format": "csv"}


def _sent(stack, job_id: int) -> bool:
    return one_value(stack, f"SELECT sent_at IS NOT NULL FROM reports_reportjob WHERE id = {job_id}") == "t"


def test_redis_hung_while_reports_are_asked_for(stack):
    coordinator = sign_in(stack.base_url, "koordinator.brno")
    browsers = [sign_in(stack.base_url, "asistent.ostrava"), sign_in(stack.base_url, "asistent2.brno")]
    worker_pid = stack.worker.pid
    url = f"{stack.base_url}/reports/new/activity/"
    asked: list[tuple[float, int, int | None]] = []  # seconds to answer, status, job

    def ask() -> tuple[float, int, int | None]:
        page = get(coordinator, url, timeout=15)
        data = {**PERIOD, **submission_key(page.text), "csrfmiddlewaretoken": csrf_token(page.text)}
        started = time.monotonic()
        response = coordinator.post(url, data=data, headers={"Referer": url}, timeout=30, allow_redirects=False)
        elapsed = time.monotonic() - started
        return elapsed, response.status_code, job_id_from(response) if response.status_code == 302 else None

    with Traffic(stack, browsers, ["/contacts/", "/clients/", "/", "/cases/"]) as traffic:
        # The same requests with Redis well: what this machine takes for them now.
        baseline = max(ask()[0] for _i in range(3))
        logs = LogWindow(stack)
        stack.redis.pause()
        paused_at = time.monotonic()
        while time.monotonic() - paused_at < HANG_SECONDS - 3:
            asked.append(ask())
            time.sleep(2)
        jobs = [job for _elapsed, _status, job in asked if job is not None]
        # Meanwhile every job is recorded and waits, none reached the broker.
        states = {job: (job_state(stack, job)["state"], _sent(stack, job)) for job in jobs}
        time.sleep(max(0.0, HANG_SECONDS - (time.monotonic() - paused_at)))
        stack.redis.resume()
        resumed_at = time.monotonic()
        wait_for(lambda: all(_sent(stack, job) for job in jobs), 60, "every job to be sent", interval=0.5)
        sent_after = time.monotonic() - resumed_at

    slowest = max(elapsed for elapsed, _status, _job in asked)
    statuses = [status for _elapsed, status, _job in asked]
    print(
        f"\nRedis hung {resumed_at - paused_at:.1f} s: {len(asked)} report requests, answered in at most "
        f"{slowest:.2f} s (with Redis well {baseline:.2f} s), statuses {sorted(set(statuses))}; pages meanwhile "
        f"{dict(traffic.tally.counts)}; every job sent {sent_after:.1f} s after Redis resumed."
    )
    assert len(asked) >= 5, "Too few requests to judge."
    assert statuses == [302] * len(asked), f"Report requests not answered with the job page: {asked}"
    # Each publish gave up within 2 s (the web process says how long it waited), and so did the
    # requests (the median: a worker gunicorn has just started takes seconds for its first requests
    # on a busy machine).
    waits = [float(w) for w in re.findall(r"gave up after ([0-9.]+) s", logs.text())]
    median = statistics.median(elapsed for elapsed, _status, _job in asked)
    print(f"Publishing gave up within {max(waits, default=0):.2f} s ({len(waits)} times); median {median:.2f} s.")
    assert len(waits) >= len(asked), f"The web log names {len(waits)} publishes given up for {len(asked)} requests."
    assert max(waits) <= PUBLISH_GIVES_UP_WITHIN, f"A publish waited {max(waits):.2f} s on a hung Redis."
    assert median <= ANSWER_WITHIN, f"Report requests took {median:.2f} s (median) on a hung Redis."
    assert slowest <= NEVER_HUNG, f"A report request took {slowest:.2f} s on a hung Redis ({baseline:.2f} s when well)."
    assert all(state == ("queued", False) for state in states.values()), f"Jobs during the hang: {states}"
    bad = {kind: n for kind, n in traffic.tally.counts.items() if kind != "ok"}
    assert not bad, f"Pages failed while Redis was hung: {bad}\n" + "\n".join(traffic.tally.problems[:10])
    assert sent_after <= SENT_WITHIN, f"The waiting jobs were sent {sent_after:.1f} s after Redis resumed."

    finished = {job: wait_job_finished(stack, job, timeout=120) for job in jobs}
    recovered = time.monotonic() - resumed_at
    files = {job: report_files(stack, job) for job in jobs}
    print(
        f"All {len(jobs)} jobs done {recovered:.1f} s after Redis resumed; "
        f"files per job {sorted({len(names) for names in files.values()})}."
    )
    ids = ",".join(map(str, jobs))
    print(
        result_line(
            "redis hung",
            sent=len(asked),
            acknowledged=statuses.count(302),
            stored=int(one_value(stack, f"SELECT count(*) FROM reports_reportjob WHERE id IN ({ids})")),
            lost=sum(1 for job in jobs if job_state(stack, job)["state"] != "done"),
            duplicated=sum(1 for names in files.values() if len(names) > 1),
            errors_5xx=sum(1 for status in statuses if status >= 500) + server_errors(traffic.tally.counts),
            recovery_seconds=round(sent_after, 1),
            slowest_answer_seconds=round(slowest, 2),
            median_answer_seconds=round(median, 2),
            publish_gave_up_within=round(max(waits), 2),
            baseline_answer_seconds=round(baseline, 2),
        )
    )
    assert all(job["state"] == "done" for job in finished.values()), finished
    assert all(names == [finished[job]["result_file"]] for job, names in files.items()), files
    assert stack.worker.pid == worker_pid and stack.worker.running(), "The worker process was restarted or died."
