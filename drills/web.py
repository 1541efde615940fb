"""Signing in and posting forms over HTTP, as a browser does (with the CSRF token)."""

from __future__ import annotations

import re

import requests

from .harness import PASSWORD

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    if not match:
        raise AssertionError("No CSRF token in the form.")
    return match.group(1)


def sign_in(base_url: str, username: str, password: str = PASSWORD) -> requests.Session:
    """Through the real sign-in form, with its CSRF token."""
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
    page = session.get(url, timeout=timeout)
    page.raise_for_status()
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": url},
        timeout=timeout,
        allow_redirects=False,
    )
