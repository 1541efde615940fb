"""One throwaway stack (PostgreSQL, Redis, gunicorn, Celery worker and beat) for the drill session.

Each drill may break any part of it; the `stack` fixture brings everything back before the next
drill. Run with `make drills`; logs stay in the temporary folder with DRILL_KEEP_LOGS=1.
"""

import os
import time

import pytest

from .app import one_value
from .harness import PASSWORD, Stack

BIG_EXPORT_CONTACTS = int(os.environ.get("DRILL_EXPORT_CONTACTS", "60000"))


@pytest.fixture(scope="session")
def _session_stack():
    stack = Stack()
    started = time.monotonic()
    try:
        stack.setup()
        print(f"\nDrill stack ready in {time.monotonic() - started:.0f} s ({stack.workdir})")
        yield stack
    finally:
        stack.teardown()


@pytest.fixture
def stack(_session_stack: Stack, request):
    """The session's stack, whole again and with no report job of an earlier drill unfinished."""
    _session_stack.ensure_healthy()
    _session_stack.wait_reports_settled()
    failed_before = request.session.testsfailed
    yield _session_stack
    if request.session.testsfailed > failed_before:
        for service in (_session_stack.web, _session_stack.worker, _session_stack.beat):
            print(f"---- last lines of {service.name}.log ----")
            print("\n".join(service.log_text().splitlines()[-40:]))


@pytest.fixture(scope="session")
def big_organisation(_session_stack):
    """One synthetic organisation with many contacts (seed_bulk), and its coordinator."""
    stack = _session_stack
    started = time.monotonic()
    stack.manage(
        "seed_bulk", "--contacts", str(BIG_EXPORT_CONTACTS), "--organisations", "1", "--clients",
        str(max(100, BIG_EXPORT_CONTACTS // 20)), "--cases", "200", "--password", PASSWORD, "--force", "--seed", "7",
        timeout=600,
    )  # fmt: skip
    username, organisation = one_value(
        stack,
        "SELECT u.username, u.organisation_id FROM accounts_user u JOIN contacts_contact c "
        "ON c.organisation_id = u.organisation_id WHERE u.role = 'coordinator' "
        "GROUP BY u.username, u.organisation_id ORDER BY count(c.id) DESC LIMIT 1",
    ).split("|")
    print(f"\nseed_bulk: {BIG_EXPORT_CONTACTS} contacts in {time.monotonic() - started:.0f} s; coordinator {username}")
    return username, int(organisation)
