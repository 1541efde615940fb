"""What the drills do as users, and what they read back from the throwaway database."""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from .harness import Stack
from .servers import wait_for
from .web import get, post_form

# The friendly database-outage page (templates/503.html); Czech is the default language.
FRIENDLY_503_MARKERS = ("Liaison", "503", "Retry-After")


def is_friendly_503(response: requests.Response) -> bool:
    body = response.text
    return (
        response.status_code == 503
        and "Traceback" not in body
        and "OperationalError" not in body
        and "psycopg" not in body
        and "<h1" in body
        and response.headers.get("Retry-After") is not None
    )


@dataclass
class Tally:
    """Responses seen by background traffic, by kind."""

    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, detail: str = "") -> None:
        with self.lock:
            self.counts[kind] += 1
            if detail and len(self.problems) < 50:
                self.problems.append(detail)


def classify(response: requests.Response) -> str:
    if response.status_code < 400:
        return "ok"
    if response.status_code == 503:
        return "friendly_503" if is_friendly_503(response) else "unfriendly_503"
    return f"http_{response.status_code}"


class Traffic:
    """Background users that keep browsing lists while a drill breaks something."""

    def __init__(self, stack: Stack, sessions: list[requests.Session], paths: list[str]) -> None:
        self.stack = stack
        self.sessions = sessions
        self.paths = paths
        self.tally = Tally()
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(s,), daemon=True) for s in sessions]

    def _run(self, session: requests.Session) -> None:
        i = 0
        while not self.stop_event.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                response = get(session, self.stack.base_url + path, timeout=20, allow_redirects=False)
                kind = classify(response)
                if kind not in ("ok", "friendly_503"):
                    self.tally.add(kind, f"GET {path}: {response.status_code} {response.text[:300]!r}")
                else:
                    self.tally.add(kind)
                if response.status_code == 302 and "/accounts/login/" in response.headers.get("Location", ""):
                    self.tally.add("signed_out", f"GET {path}: sent to sign-in")
            except requests.RequestException as exc:
                self.tally.add("connection_error", f"GET {path}: {type(exc).__name__}")
            time.sleep(0.05)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(30)


class LogWindow:
    """What gunicorn, the worker and beat write to their logs from now on (an outage's volume)."""

    NAMES = ("gunicorn", "worker", "beat")

    def __init__(self, stack: Stack) -> None:
        self.paths = [stack.workdir / f"{name}.log" for name in self.NAMES]
        self.start = {path: path.stat().st_size if path.exists() else 0 for path in self.paths}

    def text(self) -> str:
        parts = []
        for path in self.paths:
            if path.exists():
                with open(path, "rb") as handle:
                    handle.seek(self.start[path])
                    parts.append(handle.read().decode(errors="replace"))
        return "".join(parts)

    def bytes(self) -> int:
        return sum((path.stat().st_size if path.exists() else 0) - self.start[path] for path in self.paths)

    def tracebacks(self) -> int:
        """Logged tracebacks, each counted once however long its chain of errors."""
        text = self.text()
        chained = text.count("The above exception was the direct cause") + text.count("During handling of the above")
        return text.count("Traceback (most recent call last)") - chained


def server_errors(counts: dict[str, int]) -> int:
    """Answers that were a server error other than the friendly outage page (500s, bare 503s)."""
    return sum(n for kind, n in counts.items() if kind.startswith("http_5") or kind == "unfriendly_503")


def result_line(drill: str, **numbers: object) -> str:
    """One line of a drill's numbers (sent, acknowledged, stored, lost, duplicated, 5xx, time to
    recovery, log bytes), the same in every drill, for the closing summary of a run."""
    return f"DRILL RESULT {drill}: " + ", ".join(f"{name}={value}" for name, value in numbers.items())


# Reference data from the throwaway database ---------------------------------------------------


def one_value(stack: Stack, sql: str) -> str:
    return stack.pg.psql(sql)


def rows(stack: Stack, sql: str) -> list[list[str]]:
    out = stack.pg.psql(sql)
    return [line.split("|") for line in out.splitlines() if line]


def user_id(stack: Stack, username: str) -> int:
    return int(one_value(stack, f"SELECT id FROM accounts_user WHERE username = '{username}'"))


def contact_form_choices(stack: Stack, username: str, clients: int = 3) -> dict:
    """Valid quick-entry data for the user: clients of the own organisation, an authority, topics."""
    org = one_value(stack, f"SELECT organisation_id FROM accounts_user WHERE username = '{username}'")
    client_ids = [
        r[0]
        for r in rows(
            stack,
            f"SELECT id FROM clients_client WHERE organisation_id = {org} ORDER BY id LIMIT {clients}",
        )
    ]
    authority = one_value(stack, "SELECT id FROM contacts_authority WHERE is_active ORDER BY id LIMIT 1")
    topics = [r[0] for r in rows(stack, "SELECT id FROM contacts_topic WHERE is_active ORDER BY id LIMIT 2")]
    activity_type = one_value(
        stack,
        "SELECT t.id FROM programmes_activitytype t JOIN programmes_service s ON s.id = t.service_id"
        f" WHERE s.organisation_id = {org} AND s.is_active AND t.is_active AND t.category = 'accompaniment'"
        " ORDER BY s.id, t.id LIMIT 1",
    )
    return {"clients": client_ids, "authority": authority, "topics": topics, "activity_type": activity_type}


def contact_data(choices: dict, outcome: str) -> dict:
    now = datetime.datetime.now().astimezone().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    return {
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "authority": choices["authority"],
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "0",
        "activities-0-activity_type": choices["activity_type"],
        "activities-0-minutes": "45",
        "activities-0-work": "direct",
        "clients": choices["clients"],
        "anonymous_persons": "0",
        "topics": choices["topics"],
        "outcome": outcome,
        "note": "",
    }


# Reports ------------------------------------------------------------------------------------


def request_report(session: requests.Session, stack: Stack, report_type: str, data: dict) -> requests.Response:
    return post_form(session, f"{stack.base_url}/reports/new/{report_type}/", data)


def job_id_from(response: requests.Response) -> int:
    location = response.headers.get("Location", "")
    parts = [p for p in location.split("/") if p]
    if response.status_code != 302 or not parts or not parts[-1].isdigit():
        errors = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>\s*([^<]+)', response.text)
        raise AssertionError(f"No job page after the request: {response.status_code} {location!r} {errors}")
    return int(parts[-1])


def job_state(stack: Stack, job_id: int) -> dict:
    found = rows(
        stack,
        "SELECT state, progress, attempts, result_file, coalesce(result_size, -1), error_message "
        f"FROM reports_reportjob WHERE id = {job_id}",
    )
    if not found:
        raise AssertionError(f"Report job {job_id} does not exist.")
    state, progress, attempts, result_file, size, error = found[0]
    return {
        "state": state,
        "progress": int(progress),
        "attempts": int(attempts),
        "result_file": result_file,
        "size": int(size),
        "error": error,
    }


def wait_job_finished(stack: Stack, job_id: int, timeout: float) -> dict:
    wait_for(lambda: job_state(stack, job_id)["state"] in ("done", "failed"), timeout, f"report job {job_id}", 1)
    return job_state(stack, job_id)


def report_files(stack: Stack, job_id: int) -> list[str]:
    """Every stored result file of a job (final names only), and the work files left behind."""
    root = stack.workdir / "private" / "reports"
    return sorted(p.name for p in root.glob(f"{job_id}-*.enc")) if root.exists() else []


def work_files(stack: Stack) -> list[str]:
    folder = stack.workdir / "private" / "reports" / "work"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []
