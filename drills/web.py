"""Signing in and posting forms over HTTP, as a browser does (with the CSRF token)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import requests

from .harness import PASSWORD

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    if not match:
        raise AssertionError("No CSRF token in the form.")
    return match.group(1)


def submission_key(html: str) -> dict[str, str]:
    """The form's one-time key (common/submissions.py) as post data, if it has one."""
    match = _SUBMISSION_KEY.search(html)
    return {"submission_key": match.group(1)} if match else {}


def _dropped(exc: requests.RequestException) -> bool:
    """A connection the server closed (gunicorn recycles its workers in the drills, after 60
    requests, and closes their kept-alive connections), not a server that took too long."""
    return isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.Timeout)


def get(session: requests.Session, url: str, **kwargs) -> requests.Response:
    """GET as a browser (or nginx in front of gunicorn) does: once more on a new connection when
    the kept-alive one was closed as the request went out. A timeout is not retried."""
    try:
        return session.get(url, **kwargs)
    except requests.RequestException as exc:
        if not _dropped(exc):
            raise
        return session.get(url, **kwargs)


def post_keyed(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """POST a create form; when it carries its one-time key, once more after a dropped connection:
    the server answers the first result instead of saving twice (a browser's retry)."""
    try:
        return session.post(url, data=data, **kwargs)
    except requests.RequestException as exc:
        if not (_dropped(exc) and data.get("submission_key")):
            raise
        return session.post(url, data=data, **kwargs)


def sign_in(base_url: str, username: str, password: str = PASSWORD) -> requests.Session:
    """Through the real sign-in form, with its CSRF token; once more, as a person would, when
    the connection was dropped (gunicorn recycling a worker)."""
    try:
        return _sign_in(base_url, username, password)
    except requests.RequestException as exc:
        if not _dropped(exc):
            raise
        return _sign_in(base_url, username, password)


def _sign_in(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=10)
    page.raise_for_status()
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": f"{base_url}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
        raise AssertionError(f"Sign-in of {username} failed: {response.status_code}")
    return session


def post_form(session: requests.Session, url: str, data: dict, timeout: float = 15) -> requests.Response:
    """GET the form for its CSRF token, then POST it, without following the redirect."""
    page = get(session, url, timeout=timeout)
    page.raise_for_status()
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": url},
        timeout=timeout,
        allow_redirects=False,
    )


class _FormValues(HTMLParser):
    """What a browser sends for a form left as it is: inputs, checked boxes, chosen options."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") in ("submit", "button"):
                return
            self.values.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.values.setdefault(name, [""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form_values(html: str) -> dict:
    """The first form of the page's main part, as a browser would send it untouched."""
    form = html[html.index("<form", html.index("<main")) :]
    parser = _FormValues()
    parser.feed(form[: form.index("</form>")])
    return {name: values if len(values) != 1 else values[0] for name, values in parser.values.items()}
