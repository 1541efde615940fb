"""One throwaway stack (PostgreSQL, Redis, gunicorn, Celery worker and beat) for the drill session.

Each drill may break any part of it; the `stack` fixture brings everything back before the next
drill. Run with `make drills`; logs stay in the temporary folder with DRILL_KEEP_LOGS=1.
"""

import time

import pytest

from .harness import Stack


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
    _session_stack.ensure_healthy()
    failed_before = request.session.testsfailed
    yield _session_stack
    if request.session.testsfailed > failed_before:
        for service in (_session_stack.web, _session_stack.worker, _session_stack.beat):
            print(f"---- last lines of {service.name}.log ----")
            print("\n".join(service.log_text().splitlines()[-40:]))
