"""PostgreSQL hung (SIGSTOP of the postmaster and every backend: connections stay open, nothing
answers) while two assistants log contacts and two users browse.

Asserts: no answer is a 500 or a stack trace (requests wait, or answer the friendly 503 when a
new connection cannot be made); no contact is saved without all of its clients; every contact the
user was told was saved is there exactly once; after SIGCONT pages answer again within 30 s
without restarting anything, and contacts are saved again; the log of the hang stays small.

DRILL_PG_HANG sets the hang in seconds (30).
"""

import os
import time
import uuid

import requests

from .app import LogWindow, Traffic, contact_form_choices, one_value, result_line, rows, server_errors
from .servers import wait_for
from .test_postgres_restart import ContactWriter
from .web import sign_in

HANG_SECONDS = float(os.environ.get("DRILL_PG_HANG", "30"))


def test_postgres_hung_under_load(stack):
    marker = f"drill-pghung-{uuid.uuid4().hex[:8]}"
    assistants = [sign_in(stack.base_url, "asistent.brno"), sign_in(stack.base_url, "asistent2.brno")]
    browsers = [sign_in(stack.base_url, "asistent.ostrava"), sign_in(stack.base_url, "koordinator.brno")]
    choices = contact_form_choices(stack, "asistent.brno")
    web_pid, worker_pid = stack.web.pid, stack.worker.pid
    writers = [ContactWriter(stack, s, choices, f"{marker}-{n}") for n, s in enumerate(assistants)]

    with Traffic(stack, browsers, ["/contacts/", "/clients/", "/", "/cases/"]) as traffic:
        for writer in writers:
            writer.start()
        time.sleep(3)
        saved_before = sum(len(w.saved) for w in writers)
        logs = LogWindow(stack)
        stack.pg.pause()
        paused_at = time.monotonic()
        time.sleep(HANG_SECONDS)
        stack.pg.resume()
        resumed_at = time.monotonic()
        wait_for(lambda: requests.get(stack.base_url + "/healthz", timeout=5).status_code == 200, 30, "healthz")
        recovered_after = time.monotonic() - resumed_at
        saved_at_recovery = sum(len(w.saved) for w in writers)
        wait_for(lambda: sum(len(w.saved) for w in writers) > saved_at_recovery, 30, "a contact saved again")
        time.sleep(2)
        for writer in writers:
            writer.stop_event.set()
        for writer in writers:
            writer.join(30)
        log_bytes, tracebacks = logs.bytes(), logs.tracebacks()

    kinds: dict[str, int] = {}
    for source in [traffic.tally.counts, *[w.kinds for w in writers]]:
        for kind, n in source.items():
            kinds[kind] = kinds.get(kind, 0) + n
    problems = traffic.tally.problems + [p for w in writers for p in w.problems]
    saved = [o for w in writers for o in w.saved]
    counts = rows(
        stack,
        "SELECT c.outcome, count(cc.id) FROM contacts_contact c "
        "LEFT JOIN contacts_contact_clients cc ON cc.contact_id = c.id "
        f"WHERE c.outcome LIKE '{marker}-%' GROUP BY c.id, c.outcome",
    )
    stored = [outcome for outcome, _n in counts]
    print(
        f"\nPostgreSQL hung {resumed_at - paused_at:.1f} s; pages back {recovered_after:.1f} s after SIGCONT; "
        f"answers {kinds}; {saved_before} contacts saved before, {len(saved)} in all; "
        f"log {log_bytes} bytes, {tracebacks} tracebacks."
    )
    print(
        result_line(
            "postgres hung",
            sent=sum(w.posts for w in writers),
            acknowledged=len(saved),
            stored=len(stored),
            lost=len(set(saved) - set(stored)),
            duplicated=len(stored) - len(set(stored)),
            errors_5xx=server_errors(kinds),
            timed_out=kinds.get("connection_error", 0),
            recovery_seconds=round(recovered_after, 1),
            log_bytes=log_bytes,
            tracebacks=tracebacks,
        )
    )
    # Nothing but pages, friendly 503s and requests that waited longer than the client would.
    bad = {k: n for k, n in kinds.items() if k not in ("ok", "saved", "friendly_503", "connection_error")}
    assert not bad, f"Answers other than pages or the friendly 503: {bad}\n" + "\n".join(problems[:10])
    incomplete = [(o, n) for o, n in counts if n != "3"]
    assert not incomplete, f"Contacts saved without all their clients: {incomplete}"
    assert not set(saved) - set(stored), "Contacts confirmed to the user but not in the database."
    assert len(stored) == len(set(stored)), "A contact was saved twice."
    assert recovered_after <= 30
    assert stack.web.pid == web_pid and stack.web.running()
    assert stack.worker.pid == worker_pid and stack.worker.running()
    assert one_value(stack, "SELECT 1") == "1"
    assert tracebacks <= 6, f"{tracebacks} tracebacks logged during a {HANG_SECONDS:.0f} s hang."
