"""Redis (the cache and the Celery broker) is down for a while under load.

Asserts: pages keep working (sessions are in the database, the cache degrades to misses):
no 500, no 503; a contact typed meanwhile is saved; a report asked for meanwhile is accepted
(queued) and made once Redis is back, although the restarted Redis has lost every queued
message; the worker answers the liveness ping again without being restarted, and consumes.

DRILL_REDIS_OUTAGE sets the outage in seconds: 60 for a full drill, 20 by default (CI).
"""

import os
import time

from .app import (
    Traffic,
    contact_data,
    contact_form_choices,
    job_id_from,
    job_state,
    one_value,
    request_report,
    wait_job_finished,
)
from .servers import wait_for
from .web import get, post_form, sign_in

OUTAGE_SECONDS = float(os.environ.get("DRILL_REDIS_OUTAGE", "20"))
PERIOD = {"start": "2020-01-01", "end": time.strftime("%Y-%m-%d"), "breakdown": "all", "format": "csv"}


def test_redis_down_under_load(stack):
    browsers = [
        sign_in(stack.base_url, "asistent.ostrava"),
        sign_in(stack.base_url, "asistent2.brno"),
        sign_in(stack.base_url, "koordinator.brno"),
    ]
    assistant = sign_in(stack.base_url, "asistent.brno")
    coordinator = sign_in(stack.base_url, "koordinator.brno")
    choices = contact_form_choices(stack, "asistent.brno")
    worker_pid = stack.worker.pid
    assert stack.worker_pings()

    with Traffic(stack, browsers, ["/contacts/", "/clients/", "/", "/cases/"]) as traffic:
        time.sleep(2)
        stack.redis.stop()
        down_at = time.monotonic()
        time.sleep(1)
        assert not stack.redis.is_up()

        # Typing a contact needs only the database.
        outcome = f"drill-redis-{int(time.time())}"
        saved = post_form(assistant, f"{stack.base_url}/contacts/new/", contact_data(choices, outcome))
        assert saved.status_code == 302, f"A contact could not be saved while Redis was down: {saved.status_code}"

        # A report asked for meanwhile is accepted and waits (or is clearly refused, never a 500).
        asked = request_report(coordinator, stack, "activity", PERIOD)
        assert asked.status_code in (302, 503), f"Asking for a report while Redis was down: {asked.status_code}"
        outage_job = job_id_from(asked) if asked.status_code == 302 else None
        if outage_job is not None:
            assert job_state(stack, outage_job)["state"] == "queued"
            page = get(coordinator, f"{stack.base_url}/reports/{outage_job}/", timeout=15)
            assert page.status_code == 200

        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
        stack.redis.start()
        up_at = time.monotonic()
        time.sleep(3)

    outage = up_at - down_at
    counts = dict(traffic.tally.counts)
    print(f"\nRedis down {outage:.1f} s; page answers meanwhile: {counts}")
    assert counts.get("ok", 0) > 20, "Too little traffic to judge."
    bad = {kind: n for kind, n in counts.items() if kind != "ok"}
    assert not bad, f"Pages failed while Redis was down: {bad}\n" + "\n".join(traffic.tally.problems[:10])
    assert one_value(stack, f"SELECT count(*) FROM contacts_contact WHERE outcome = '{outcome}'") == "1"

    # The worker comes back by itself: it answers the liveness ping, then consumes.
    wait_for(stack.worker_pings, 90, "the worker to answer a ping after Redis came back", interval=2)
    print(f"Worker answered the ping {time.monotonic() - up_at:.1f} s after Redis came back.")
    assert stack.worker.pid == worker_pid and stack.worker.running(), "The worker process was restarted or died."

    if outage_job is not None:
        job = wait_job_finished(stack, outage_job, timeout=120)
        assert job["state"] == "done", f"The report asked for during the outage was not made: {job}"
        print(f"The report asked for during the outage was done {time.monotonic() - up_at:.1f} s after Redis returned.")
    after = job_id_from(request_report(coordinator, stack, "activity", PERIOD))
    job = wait_job_finished(stack, after, timeout=90)
    assert job["state"] == "done", f"A report asked for after the outage was not made: {job}"
