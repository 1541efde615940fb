"""End-to-end tests in a real browser: Playwright drives Debian's Chromium against the live
test server. Each journey saves a screenshot under test-artifacts/e2e/."""

import os
from pathlib import Path

import pytest

from accounts.models import User
from tests.otp_helpers import current_code, with_authenticator

__all__ = ["current_code", "with_authenticator", "sign_in", "screenshot", "axe_violations"]

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct-horse-battery"


def pytest_collection_modifyitems(items) -> None:
    """A browser test runs against the live server, so its database is committed and flushed
    afterwards: without serialized_rollback the flush would leave the reference data (the
    operator, the ministry, the regions) gone for every test that runs after it."""
    for item in items:
        if "live_server" not in getattr(item, "fixturenames", ()):
            continue
        mark = item.get_closest_marker("django_db")
        if mark is None or not mark.kwargs.get("transaction") or not mark.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: mark browser tests with "
                "pytest.mark.django_db(transaction=True, serialized_rollback=True)."
            )


@pytest.fixture(scope="package")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by the test
    # itself (creating users and records) are still plain synchronous code. Only while the
    # browser runs: subprocesses started by other tests must not inherit the switch.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield from _launched_browser()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launched_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} for the browser tests (.ci/run installs Debian's chromium).")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright runs, this thread sees new database connection objects; give them the
    # snapshot of the reference data that serialized rollback restores before each test.
    snapshots = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                # (Django's test runner keeps this private attribute; the stubs do not know it.)
                connections[alias]._test_serialized_contents = snapshot  # type: ignore[attr-defined]
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make test does it).")
    return AXE.read_text()


@pytest.fixture
def page(browser, axe_source):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="cs-CZ")
    # axe-core comes in through the browser's own channel: the page's CSP forbids inline scripts.
    context.add_init_script(script=axe_source)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, user: User, device=None) -> None:
    """Sign in through the real form, keyboard only, with the second factor where asked."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").focus()
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator("#id_otp_token").count():
        assert device is not None, "the second factor was asked but the user has no device"
        page.locator("#id_otp_token").fill(current_code(device))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
