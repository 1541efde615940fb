"""A hung Redis (stopped by SIGSTOP, or gone without closing the connection) must not hold the
request that asks for a report: the broker's socket timeouts bound the wait, the job stays
queued in the database, and the periodic check sends it once the broker answers.
drills/test_redis_hung.py measures the same against a real Redis (answers within 2 s)."""

import signal
import socket
import threading
from collections.abc import Mapping
from typing import cast

import pytest
from django.conf import settings
from django.urls import reverse

from liaison.celery import app
from reports.models import JobState, ReportJob

MARCH_FORM = {"period_kind": "month", "year": "2026", "month": "3", "breakdown": "all", "format": "csv"}
# Not a timing check: long enough for any machine, short of "never answered".
HANG = 20


class SilentServer:
    """Accepts connections and never answers, as a Redis stopped by SIGSTOP does (the kernel
    completes the handshake; the process reads nothing)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def _reset_broker_pools() -> None:
    """As Celery does after a fork: the next publish connects anew (to the broker URL of now)."""
    setattr(app, "_pool", None)  # noqa: B010 - private attributes, not in the stubs
    setattr(app.amqp, "_producer_pool", None)  # noqa: B010


@pytest.fixture
def hung_broker():
    server = SilentServer()
    # (The settings' namespaced name: it wins over broker_url.)
    old_url = app.conf.CELERY_BROKER_URL
    app.conf.CELERY_BROKER_URL = f"redis://127.0.0.1:{server.port}/0"
    _reset_broker_pools()
    assert app.connection_for_write().port == server.port
    yield server
    app.conf.CELERY_BROKER_URL = old_url
    _reset_broker_pools()
    server.close()


@pytest.fixture
def hang_detector():
    def hung(signum, frame):
        raise TimeoutError(f"Still waiting after {HANG} s: the request hangs on the broker.")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.django_db
def test_asking_for_a_report_while_the_broker_is_hung(
    client, ministry_analyst, hung_broker, hang_detector, django_capture_on_commit_callbacks
):
    client.force_login(ministry_analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:create", args=["national"]), MARCH_FORM)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[job.pk])
    assert job.state == JobState.QUEUED
    assert hung_broker.held, "The broker was never asked."


def test_the_wait_for_a_broker_is_bounded_below_two_seconds():
    """Every attempt to publish ends within the socket timeouts; the retry policy bounds the
    attempts and the pauses between them."""
    options = cast(dict[str, float], settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    policy: Mapping[str, float] = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    per_attempt = max(options["socket_timeout"], options["socket_connect_timeout"])
    retries = int(policy["max_retries"])
    pauses = sum(
        min(policy["interval_start"] + n * policy["interval_step"], policy["interval_max"]) for n in range(retries)
    )
    attempts = 1 + retries
    assert attempts * per_attempt + pauses <= 1.0
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1
