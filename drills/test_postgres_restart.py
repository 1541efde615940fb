"""PostgreSQL crashes and restarts while assistants log contacts and a coordinator moves a case.

Asserts: every answer during the outage is a page (the friendly 503, never a 500 or a stack
trace); no contact was saved without all of its clients and no case changed status without its
history row; every contact the user was told was saved is there exactly once; gunicorn and the
worker recover by themselves (same processes), and a report made after the restart completes.
"""

import os
import threading
import time
import uuid

import requests

from .app import (
    LogWindow,
    Traffic,
    classify,
    contact_data,
    contact_form_choices,
    job_id_from,
    job_state,
    one_value,
    report_files,
    request_report,
    result_line,
    rows,
    server_errors,
    wait_job_finished,
)
from .servers import wait_for
from .test_exports import PERIOD, _download_rows, _expected_rows
from .web import csrf_token, get, post_keyed, sign_in, submission_key

OUTAGE_SECONDS = float(os.environ.get("DRILL_PG_OUTAGE", "30"))
# The log of the whole outage (gunicorn, worker, beat): one line per failed request, a traceback
# a minute for the same trouble across the processes (liaison/log_volume.py). 76 MB for 30 s before.
LOG_BYTES_PER_FAILED_ANSWER = 600
LOG_TRACEBACKS_AT_MOST = 6


class ContactWriter(threading.Thread):
    """An assistant who keeps logging contacts with three clients each."""

    def __init__(self, stack, session, choices, marker: str) -> None:
        super().__init__(daemon=True)
        self.stack, self.session, self.choices, self.marker = stack, session, choices, marker
        self.stop_event = threading.Event()
        self.saved: list[str] = []  # outcomes of contacts the user was told were saved
        self.posts = 0  # contacts sent
        self.kinds: dict[str, int] = {}
        self.problems: list[str] = []

    def run(self) -> None:
        url = f"{self.stack.base_url}/contacts/new/"
        i = 0
        while not self.stop_event.is_set():
            i += 1
            outcome = f"{self.marker}-{i}"
            try:
                form = get(self.session, url, timeout=20)
                if form.status_code != 200:
                    self._count(classify(form), f"GET form: {form.status_code}", form)
                    time.sleep(0.2)
                    continue
                self.posts += 1
                data = {**contact_data(self.choices, outcome), **submission_key(form.text)}
                response = post_keyed(
                    self.session,
                    url,
                    data={**data, "csrfmiddlewaretoken": csrf_token(form.text)},
                    headers={"Referer": url},
                    timeout=20,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                self._count("connection_error", f"{type(exc).__name__}")
                time.sleep(0.2)
                continue
            if response.status_code == 302 and "/contacts/" in response.headers.get("Location", ""):
                self.saved.append(outcome)
                self._count("saved")
            else:
                self._count(classify(response), f"POST: {response.status_code}", response)
            time.sleep(0.05)

    def _count(self, kind: str, detail: str = "", response=None) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if kind not in ("saved", "ok", "friendly_503") and len(self.problems) < 20:
            self.problems.append(detail + (f" {response.text[:300]!r}" if response is not None else ""))


class CaseMover(threading.Thread):
    """A coordinator who keeps closing and reopening one case (each change writes a history row)."""

    def __init__(self, stack, session, case_id: int) -> None:
        super().__init__(daemon=True)
        self.stack, self.session, self.case_id = stack, session, case_id
        self.stop_event = threading.Event()
        self.changed = 0
        self.kinds: dict[str, int] = {}

    def run(self) -> None:
        detail = f"{self.stack.base_url}/cases/{self.case_id}/"
        closing = True
        while not self.stop_event.is_set():
            try:
                page = get(self.session, detail, timeout=20)
                if page.status_code != 200:
                    self.kinds[classify(page)] = self.kinds.get(classify(page), 0) + 1
                    time.sleep(0.2)
                    continue
                data = {"csrfmiddlewaretoken": csrf_token(page.text)}
                if closing:
                    data.update(to_status="closed", outcome="Drill: closed", comment="")
                else:
                    data.update(to_status="in_progress", outcome="", comment="Drill: reopened")
                response = self.session.post(
                    detail + "status/", data=data, headers={"Referer": detail}, timeout=20, allow_redirects=False
                )
            except requests.RequestException:
                self.kinds["connection_error"] = self.kinds.get("connection_error", 0) + 1
                time.sleep(0.2)
                continue
            kind = "changed" if response.status_code == 302 else classify(response)
            if response.status_code in (200, 400) and "<form" in response.text and "Traceback" not in response.text:
                kind = "refused"  # the workflow refused the move, on its form page: nothing saved
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if response.status_code == 302:
                self.changed += 1
                closing = not closing
            elif kind == "refused":
                # The previous change was saved although its answer (a 503) said it may not have
                # been, so the same move was asked again and refused: follow the case.
                status = one_value(self.stack, f"SELECT status FROM cases_case WHERE id = {self.case_id}")
                closing = status != "closed"
            time.sleep(0.1)


def test_postgres_restart_under_load(stack, big_organisation):
    marker = f"drill-pg-{uuid.uuid4().hex[:8]}"
    assistants = [sign_in(stack.base_url, "asistent.brno"), sign_in(stack.base_url, "asistent2.brno")]
    coordinator = sign_in(stack.base_url, "koordinator.brno")
    browsers = [sign_in(stack.base_url, "asistent.ostrava"), sign_in(stack.base_url, "koordinator.brno")]
    choices = contact_form_choices(stack, "asistent.brno")
    assert len(choices["clients"]) == 3

    # A case of the coordinator's organisation, in progress, to close and reopen.
    org = one_value(stack, "SELECT organisation_id FROM accounts_user WHERE username = 'koordinator.brno'")
    case_id = int(one_value(stack, f"SELECT id FROM cases_case WHERE organisation_id = {org} ORDER BY id LIMIT 1"))
    start_status = one_value(stack, f"SELECT status FROM cases_case WHERE id = {case_id}")
    last_transition = int(
        one_value(stack, f"SELECT coalesce(max(id), 0) FROM cases_casetransition WHERE case_id = {case_id}")
    )
    if start_status != "in_progress":
        stack.pg.psql(f"UPDATE cases_case SET status = 'in_progress', closed_at = NULL WHERE id = {case_id}")
        start_status = "in_progress"

    # A large export is being written by the worker when the database goes.
    exporter_name, exporter_organisation = big_organisation
    exporter = sign_in(stack.base_url, exporter_name)
    export_rows = _expected_rows(stack, exporter_organisation)
    export_job = job_id_from(request_report(exporter, stack, "export", PERIOD))

    web_pid, worker_pid = stack.web.pid, stack.worker.pid
    writers = [ContactWriter(stack, s, choices, f"{marker}-{n}") for n, s in enumerate(assistants)]
    mover = CaseMover(stack, coordinator, case_id)
    with Traffic(stack, browsers, ["/contacts/", "/clients/", "/", "/cases/"]) as traffic:
        for thread in [*writers, mover]:
            thread.start()
        wait_for(lambda: job_state(stack, export_job)["progress"] >= 5, 120, "the export to be under way", 0.2)
        time.sleep(1)
        saved_before = sum(len(w.saved) for w in writers)
        export_before = job_state(stack, export_job)
        logs = LogWindow(stack)
        stack.pg.stop("immediate")  # a crash: open transactions die half-way
        down_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        stack.pg.start()
        up_at = time.monotonic()
        # Recovery without restarting anything: pages work again within 30 s.
        wait_for(
            lambda: requests.get(stack.base_url + "/healthz", timeout=5).status_code == 200, 30, "healthz after restart"
        )
        recovered_after = time.monotonic() - up_at
        log_bytes, tracebacks = logs.bytes(), logs.tracebacks()
        time.sleep(4)
        threads: list[ContactWriter | CaseMover] = [*writers, mover]
        for thread in threads:
            thread.stop_event.set()
        for thread in [*writers, mover]:
            thread.join(30)

    outage = up_at - down_at
    kinds: dict[str, int] = {}
    for source in [traffic.tally.counts, *[w.kinds for w in writers], mover.kinds]:
        for kind, n in source.items():
            kinds[kind] = kinds.get(kind, 0) + n
    problems = traffic.tally.problems + [p for w in writers for p in w.problems]
    print(f"\nPostgreSQL down {outage:.1f} s, pages back {recovered_after:.1f} s after the restart; answers: {kinds}")
    failed_answers = sum(n for kind, n in kinds.items() if kind not in ("ok", "saved", "changed", "refused"))
    print(f"Log of the outage: {log_bytes} bytes, {tracebacks} tracebacks, for {failed_answers} failed answers.")

    # Every answer was a page: nothing but successes and friendly 503s.
    bad = {k: n for k, n in kinds.items() if k not in ("ok", "saved", "changed", "refused", "friendly_503")}
    assert not bad, f"Answers other than pages or the friendly 503: {bad}\n" + "\n".join(problems[:10])
    assert kinds.get("friendly_503", 0) > 0, "The drill saw no outage at all."
    saved = [o for w in writers for o in w.saved]
    assert len(saved) > saved_before, "No contact was saved after the restart."
    assert mover.changed > 0

    # No half-saved contact: every drill contact has all three clients.
    counts = rows(
        stack,
        "SELECT c.outcome, count(cc.id) FROM contacts_contact c "
        "LEFT JOIN contacts_contact_clients cc ON cc.contact_id = c.id "
        f"WHERE c.outcome LIKE '{marker}-%' GROUP BY c.id, c.outcome",
    )
    incomplete = [(o, n) for o, n in counts if n != "3"]
    assert not incomplete, f"Contacts saved without all their clients: {incomplete}"
    # Nothing the user was told was saved is lost, and nothing is saved twice.
    stored = [o for o, _n in counts]
    missing = set(saved) - set(stored)
    assert not missing, f"Contacts confirmed to the user but not in the database: {sorted(missing)}"
    assert len(stored) == len(set(stored)), "A contact was saved twice."

    print(
        result_line(
            "postgres stop",
            sent=sum(w.posts for w in writers),
            acknowledged=len(saved),
            stored=len(stored),
            lost=len(missing),
            duplicated=len(stored) - len(set(stored)),
            errors_5xx=server_errors(kinds),
            friendly_503=kinds.get("friendly_503", 0),
            recovery_seconds=round(recovered_after, 1),
            log_bytes=log_bytes,
            tracebacks=tracebacks,
        )
    )
    assert tracebacks <= LOG_TRACEBACKS_AT_MOST, f"{tracebacks} tracebacks logged in a {outage:.0f} s outage."
    assert log_bytes <= LOG_BYTES_PER_FAILED_ANSWER * max(failed_answers, 1) + 25_000 * tracebacks, (
        f"{log_bytes} bytes of log for {failed_answers} failed answers in a {outage:.0f} s outage."
    )

    # No status change without its history row: the chain of transitions is unbroken.
    chain = rows(
        stack,
        "SELECT from_status, to_status FROM cases_casetransition "
        f"WHERE case_id = {case_id} AND id > {last_transition} ORDER BY id",
    )
    status = one_value(stack, f"SELECT status FROM cases_case WHERE id = {case_id}")
    expected_from = start_status
    for from_status, to_status in chain:
        assert from_status == expected_from, f"Broken history: {chain}"
        expected_from = to_status
    assert status == expected_from, f"The case is {status} but its history ends at {expected_from}."
    assert len(chain) >= mover.changed

    # The export interrupted by the crash is made again by the same worker (retry with backoff):
    # exactly one complete file.
    export = wait_job_finished(stack, export_job, timeout=240)
    print(f"Export interrupted at {export_before['progress']} %: {export['state']}, attempts {export['attempts']}.")
    assert export["state"] == "done", f"The export interrupted by the outage did not complete: {export}"
    assert report_files(stack, export_job) == [export["result_file"]], report_files(stack, export_job)
    assert _download_rows(exporter, stack, export_job)[0] == export_rows

    # The same processes serve again: nothing was restarted.
    assert stack.web.pid == web_pid and stack.web.running()
    assert stack.worker.pid == worker_pid and stack.worker.running()
    ministry = sign_in(stack.base_url, "ministerstvo")
    response = request_report(
        ministry,
        stack,
        "national",
        {"period_kind": "year", "year": time.strftime("%Y"), "breakdown": "all", "format": "csv"},
    )
    job = wait_job_finished(stack, job_id_from(response), timeout=90)
    assert job["state"] == "done", f"A report after the restart did not complete: {job}"
