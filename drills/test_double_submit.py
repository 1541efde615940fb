"""Double submits and concurrent edits against gunicorn with production settings.

A double click or a browser's retry after a dropped connection: the same filled-in form posted
twice, 0–50 ms apart, on two connections of one signed-in user. Every form must be stored once,
and both answers must lead to the same record. Then two people save the same case at the same
moment from forms opened at the same version: one save wins, the other is refused and shown
what changed, and no change vanishes without the person being told.
"""

import random
import re
import threading
import time
import uuid

import requests

from .app import contact_data, contact_form_choices, one_value, rows
from .web import csrf_token, form_values, sign_in

ROUNDS = 20
EDIT_ROUNDS = 10
_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def _twin(session: requests.Session) -> requests.Session:
    """A second connection of the same signed-in browser (its cookies, a new TCP connection)."""
    twin = requests.Session()
    twin.cookies.update(session.cookies)
    return twin


def _post_twice(sessions: list[requests.Session], url: str, data: dict, gap: float) -> list[requests.Response]:
    answers: list[requests.Response] = []
    errors: list[BaseException] = []

    def post(session: requests.Session, delay: float) -> None:
        time.sleep(delay)
        try:
            answers.append(session.post(url, data=data, headers={"Referer": url}, timeout=30, allow_redirects=False))
        except requests.RequestException as exc:  # a dropped answer is what the retry is for
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(s, d)) for s, d in zip(sessions, (0.0, gap), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return answers


def _filled_form(session: requests.Session, url: str, data: dict) -> dict:
    page = session.get(url, timeout=20)
    page.raise_for_status()
    key = _KEY.search(page.text)
    assert key, "the create form carries a one-time submission key"
    return {**data, "csrfmiddlewaretoken": csrf_token(page.text), "submission_key": key.group(1)}


def test_a_contact_form_posted_twice_is_stored_once(stack):
    session = sign_in(stack.base_url, "asistent.brno")
    sessions = [session, _twin(session)]
    choices = contact_form_choices(stack, "asistent.brno")
    url = f"{stack.base_url}/contacts/new/"
    marker = f"double-{uuid.uuid4().hex[:8]}"
    rng = random.Random(17)  # noqa: S311 - timing jitter, not a secret
    locations = []
    for i in range(ROUNDS):
        data = _filled_form(session, url, contact_data(choices, f"{marker}-{i}"))
        answers = _post_twice(sessions, url, data, gap=rng.uniform(0, 0.05))
        assert [a.status_code for a in answers] == [302, 302], [a.status_code for a in answers]
        assert len({a.headers["Location"] for a in answers}) == 1, "both answers lead to the one record"
        locations.append(answers[0].headers["Location"])
    stored = rows(
        stack,
        f"SELECT outcome, count(*) FROM contacts_contact WHERE outcome LIKE '{marker}-%' GROUP BY outcome",
    )
    counts = {outcome: int(n) for outcome, n in stored}
    print(f"\ncontacts: {ROUNDS} forms posted twice, {len(counts)} stored, {sum(counts.values())} rows")
    assert counts == {f"{marker}-{i}": 1 for i in range(ROUNDS)}
    # Every stored contact has all three of its clients: nothing half-saved.
    partial = one_value(
        stack,
        "SELECT count(*) FROM contacts_contact c WHERE c.outcome LIKE "
        f"'{marker}-%' AND (SELECT count(*) FROM contacts_contact_clients l WHERE l.contact_id = c.id) <> 3",
    )
    assert partial == "0"


def test_a_case_form_posted_twice_is_stored_once(stack):
    session = sign_in(stack.base_url, "asistent.brno")
    sessions = [session, _twin(session)]
    org = one_value(stack, "SELECT organisation_id FROM accounts_user WHERE username = 'asistent.brno'")
    client = one_value(stack, f"SELECT id FROM clients_client WHERE organisation_id = {org} ORDER BY id LIMIT 1")
    crime = one_value(stack, "SELECT id FROM cases_crimetype WHERE is_active ORDER BY id LIMIT 1")
    region = one_value(stack, "SELECT id FROM accounts_region WHERE code = 'CZ064'")
    assistant = one_value(stack, "SELECT id FROM accounts_user WHERE username = 'asistent.brno'")
    url = f"{stack.base_url}/cases/new/{client}/"
    marker = f"double-{uuid.uuid4().hex[:8]}"
    rng = random.Random(18)  # noqa: S311 - timing jitter, not a secret
    for i in range(ROUNDS):
        data = _filled_form(
            session,
            url,
            {"title": f"{marker}-{i}", "assistant": assistant, "crime_types": [crime], "region": region,
             "risk_level": "medium"},
        )  # fmt: skip
        answers = _post_twice(sessions, url, data, gap=rng.uniform(0, 0.05))
        assert [a.status_code for a in answers] == [302, 302]
        assert len({a.headers["Location"] for a in answers}) == 1
    counts = {
        t: int(n)
        for t, n in rows(stack, f"SELECT title, count(*) FROM cases_case WHERE title LIKE '{marker}-%' GROUP BY title")
    }
    print(f"\ncases: {ROUNDS} forms posted twice, {len(counts)} stored, {sum(counts.values())} rows")
    assert counts == {f"{marker}-{i}": 1 for i in range(ROUNDS)}


def test_two_people_saving_one_case_at_once_lose_nothing_silently(stack):
    assistant = sign_in(stack.base_url, "asistent.brno")
    coordinator = sign_in(stack.base_url, "koordinator.brno")
    org = one_value(stack, "SELECT organisation_id FROM accounts_user WHERE username = 'asistent.brno'")
    case = one_value(
        stack, f"SELECT id FROM cases_case WHERE organisation_id = {org} AND status <> 'closed' ORDER BY id LIMIT 1"
    )
    url = f"{stack.base_url}/cases/{case}/edit/"
    marker = f"edit-{uuid.uuid4().hex[:8]}"
    won = refused = 0
    for i in range(EDIT_ROUNDS):
        forms = []
        for who, session in (("assistant", assistant), ("coordinator", coordinator)):
            page = session.get(url, timeout=20)
            page.raise_for_status()
            data = _form_values(page.text)
            data["title"] = f"{marker}-{i}-{who}"
            forms.append((session, data))
        assert forms[0][1]["version"] == forms[1][1]["version"], "both opened the same version"
        answers: dict[str, requests.Response] = {}

        def save(session: requests.Session, data: dict, answers: dict = answers) -> None:
            answers[data["title"]] = session.post(
                url, data=data, headers={"Referer": url}, timeout=30, allow_redirects=False
            )

        threads = [threading.Thread(target=save, args=f) for f in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        saved = [title for title, a in answers.items() if a.status_code == 302]
        told = [
            title for title, a in answers.items() if a.status_code == 200 and "Mezitím tento záznam uložil" in a.text
        ]
        assert len(saved) == 1 and len(told) == 1, {t: a.status_code for t, a in answers.items()}
        assert one_value(stack, f"SELECT title FROM cases_case WHERE id = {case}") == saved[0]
        won += 1
        refused += 1
    print(
        f"\ncase edits: {EDIT_ROUNDS} rounds of two saves at once: {won} saved, "
        f"{refused} refused showing the differences, 0 lost silently"
    )


def _form_values(html: str) -> dict:
    assert _VERSION.search(html), "the edit form carries its version"
    return form_values(html)


def test_two_people_saving_one_contact_at_once_lose_nothing_silently(stack):
    assistant = sign_in(stack.base_url, "asistent.brno")
    coordinator = sign_in(stack.base_url, "koordinator.brno")
    contact = one_value(
        stack,
        "SELECT c.id FROM contacts_contact c JOIN accounts_user u ON u.id = c.assistant_id "
        "WHERE u.username = 'asistent.brno' ORDER BY c.id DESC LIMIT 1",
    )
    url = f"{stack.base_url}/contacts/{contact}/edit/"
    marker = f"edit-{uuid.uuid4().hex[:8]}"
    for i in range(EDIT_ROUNDS):
        forms = []
        for who, session in (("assistant", assistant), ("coordinator", coordinator)):
            page = session.get(url, timeout=20)
            page.raise_for_status()
            data = _form_values(page.text)
            data["outcome"] = f"{marker}-{i}-{who}"
            forms.append((session, data))
        assert forms[0][1]["version"] == forms[1][1]["version"], "both opened the same version"
        answers: dict[str, requests.Response] = {}

        def save(session: requests.Session, data: dict, answers: dict = answers) -> None:
            answers[data["outcome"]] = session.post(
                url, data=data, headers={"Referer": url}, timeout=30, allow_redirects=False
            )

        threads = [threading.Thread(target=save, args=f) for f in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        saved = [o for o, a in answers.items() if a.status_code == 302]
        told = [o for o, a in answers.items() if a.status_code == 200 and "Mezitím tento záznam uložil" in a.text]
        assert len(saved) == 1 and len(told) == 1, {o: a.status_code for o, a in answers.items()}
        assert one_value(stack, f"SELECT outcome FROM contacts_contact WHERE id = {contact}") == saved[0]
    print(
        f"\ncontact edits: {EDIT_ROUNDS} rounds of two saves at once: {EDIT_ROUNDS} saved, "
        f"{EDIT_ROUNDS} refused showing the differences, 0 lost silently"
    )
