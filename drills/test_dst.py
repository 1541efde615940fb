"""A contact on both nights the clocks change (Europe/Prague), through the deployed stack: the
contact form and the API, gunicorn, PostgreSQL and the export made by the worker.

26 October 2025: 02:00–02:59 happened twice. The form takes 02:30 with the occurrence chosen (the
first, summer time, when nothing is chosen); the API takes 02:30+02:00 and 02:30+01:00. Four
different moments are stored, each once, and the organisation's export writes the offset after
each of them, so that the two 02:30s differ. 29 March 2026: 02:00–02:59 never happened; the form
refuses 02:30 with a Czech message and stores nothing, and takes 03:30.
"""

import csv
import io
import uuid
from typing import Any

import requests

from .app import contact_data, contact_form_choices, job_id_from, request_report, result_line, rows, wait_job_finished
from .harness import PASSWORD
from .web import csrf_token, form_values, sign_in

AUTUMN = "2025-10-26T02:30"
SPRING = "2026-03-29T02:30"
# What each contact must be stored as (UTC) and exported as (local time, offset where ambiguous).
EXPECTED = {
    "form-first": ("2025-10-26 00:30:00+00", "2025-10-26 02:30 +02:00"),
    "form-default": ("2025-10-26 00:30:00+00", "2025-10-26 02:30 +02:00"),
    "form-second": ("2025-10-26 01:30:00+00", "2025-10-26 02:30 +01:00"),
    "api-summer": ("2025-10-26 00:30:00+00", "2025-10-26 02:30 +02:00"),
    "api-winter": ("2025-10-26 01:30:00+00", "2025-10-26 02:30 +01:00"),
    "form-spring": ("2026-03-29 01:30:00+00", "2026-03-29 03:30"),
}
NEVER_HAPPENED = "V noci na 29. března 2026 se hodiny posunuly o hodinu dopředu, takže čas 2:30 ten den neexistoval."


def _post_contact(session: requests.Session, url: str, data: dict) -> requests.Response:
    page = session.get(url, timeout=20)
    page.raise_for_status()
    fresh = form_values(page.text)
    form = {**data, "csrfmiddlewaretoken": csrf_token(page.text), "submission_key": fresh.get("submission_key", "")}
    return session.post(url, data=form, headers={"Referer": url}, timeout=20, allow_redirects=False)


def _api_contact(stack, token: str, choices: dict, occurred_at: str, outcome: str) -> requests.Response:
    payload: dict[str, Any] = {
        "occurred_at": occurred_at,
        "duration_minutes": 45,
        "authority": int(choices["authority"]),
        "activities": [{"activity_type": int(choices["activity_type"]), "minutes": 45}],
        "clients": [int(c) for c in choices["clients"]],
        "anonymous_persons": 0,
        "outcome": outcome,
    }
    return requests.post(
        f"{stack.base_url}/api/v1/contacts/",
        json=payload,
        headers={"Authorization": f"Token {token}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=20,
    )


def test_a_contact_on_both_nights_the_clocks_change(stack):
    marker = f"dst-{uuid.uuid4().hex[:8]}"
    session = sign_in(stack.base_url, "asistent.brno")
    choices = contact_form_choices(stack, "asistent.brno")
    url = f"{stack.base_url}/contacts/new/"
    answers: dict[str, int] = {}

    def form(name: str, occurred_at: str, **extra: str) -> requests.Response:
        data = {**contact_data(choices, f"{marker}-{name}"), "occurred_at": occurred_at, **extra}
        response = _post_contact(session, url, data)
        answers[name] = response.status_code
        return response

    form("form-default", AUTUMN)
    form("form-first", AUTUMN, occurred_at_occurrence="first")
    form("form-second", AUTUMN, occurred_at_occurrence="second")
    refused = form("never", SPRING)
    form("form-spring", "2026-03-29T03:30")
    token = requests.post(
        f"{stack.base_url}/api/v1/auth/token/", json={"username": "asistent.brno", "password": PASSWORD}, timeout=20
    ).json()["token"]
    for name, stamp in (("api-summer", "2025-10-26T02:30:00+02:00"), ("api-winter", "2025-10-26T02:30:00+01:00")):
        answers[name] = _api_contact(stack, token, choices, stamp, f"{marker}-{name}").status_code

    assert answers == {**{name: 302 for name in EXPECTED if name.startswith("form")}, "never": 200,
                       "api-summer": 201, "api-winter": 201}, answers  # fmt: skip
    assert NEVER_HAPPENED in refused.text, "The time that never happened is refused in Czech."
    stored = rows(
        stack,
        "SELECT outcome, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS+00'), "
        "count(*) OVER (PARTITION BY outcome) FROM contacts_contact "
        f"WHERE outcome LIKE '{marker}-%' ORDER BY outcome",
    )
    by_name = {outcome.removeprefix(f"{marker}-"): (at, int(n)) for outcome, at, n in stored}
    assert "never" not in by_name, "The refused form stored nothing."
    assert {name: at for name, (at, _n) in by_name.items()} == {n: utc for n, (utc, _l) in EXPECTED.items()}
    duplicated = [name for name, (_at, n) in by_name.items() if n > 1]
    assert not duplicated, duplicated

    # The organisation's export, made by the worker, tells the two 02:30s apart.
    coordinator = sign_in(stack.base_url, "koordinator.brno")
    exported: dict[str, str] = {}
    for start, end in (("2025-10-01", "2025-10-31"), ("2026-03-01", "2026-03-31")):
        period = {"start": start, "end": end, "breakdown": "contacts", "format": "csv"}
        job = job_id_from(request_report(coordinator, stack, "export", period))
        assert wait_job_finished(stack, job, timeout=120)["state"] == "done"
        response = coordinator.get(f"{stack.base_url}/reports/{job}/download/", timeout=60)
        assert response.status_code == 200
        for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"):
            for cell in row:
                if cell.startswith(f"{marker}-"):
                    exported[cell.removeprefix(f"{marker}-")] = row[1]
    assert exported == {name: local for name, (_utc, local) in EXPECTED.items()}, exported
    print(
        result_line(
            "dst nights",
            sent=len(answers),
            acknowledged=sum(1 for status in answers.values() if status in (201, 302)),
            stored=len(by_name),
            lost=len(set(EXPECTED) - set(by_name)),
            duplicated=len(duplicated),
            errors_5xx=sum(1 for status in answers.values() if status >= 500),
            refused_never_happened=int(answers["never"] == 200),
            exported_with_offsets=sum(1 for local in exported.values() if "+0" in local),
        )
    )
