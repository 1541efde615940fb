"""Log volume during an outage (liaison/log_volume.py): one line per failed request, at most one
traceback a minute for the same trouble, and no traceback for a refused request. Measured on
the console handler that the settings configure, as gunicorn's error log receives it
(drills/test_postgres_restart.py measures the bytes of a real outage)."""

import io
import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from liaison.log_volume import OutageLogFilter

TRACEBACK = "Traceback (most recent call last)"


def tracebacks(text: str) -> int:
    """Logged tracebacks, each counted once however long its chain of errors."""
    chained = text.count("The above exception was the direct cause") + text.count("During handling of the above")
    return text.count(TRACEBACK) - chained


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def console(tmp_path):
    """The configured console handler, writing into a buffer, its outage filter on a test clock
    (its markers, shared by the processes of an installation, in a folder of the test's own)."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    handler = next(h for h in handlers if any(isinstance(f, OutageLogFilter) for f in h.filters))
    outage_filter = next(f for f in handler.filters if isinstance(f, OutageLogFilter))
    buffer = io.StringIO()
    clock = Clock()
    old_stream, old_clock, old_folder = handler.setStream(buffer), outage_filter.clock, outage_filter.folder
    outage_filter.clock, outage_filter.folder = clock, tmp_path / "log-tracebacks"
    outage_filter.reset()
    yield buffer, clock
    handler.setStream(old_stream)
    outage_filter.clock, outage_filter.folder = old_clock, old_folder
    outage_filter.reset()


def _database_down_everywhere(monkeypatch):
    """Sessions (before any view) fail as on a stopped PostgreSQL, with psycopg2's chained error."""
    from django.contrib.sessions.backends import db as session_db

    def down(self):
        try:
            raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
        except OperationalError as error:
            raise OperationalError("server closed the connection unexpectedly") from error

    monkeypatch.setattr(session_db.SessionStore, "load", down)


def test_an_outage_logs_one_line_per_request_and_one_traceback(alice, console, monkeypatch):
    buffer, _clock = console
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    _database_down_everywhere(monkeypatch)
    for _i in range(20):
        assert browser.get(reverse("contacts:list")).status_code == 503
    text = buffer.getvalue()
    assert tracebacks(text) == 1
    lines = [line for line in text.splitlines() if "/contacts/" in line]
    assert len(lines) == 20, lines
    assert all("OperationalError" in line for line in lines[1:])
    # Without the traceback, a request costs a line, not kilobytes.
    after_traceback = text[text.rindex("OperationalError: server closed") :]
    assert len(after_traceback) < 20 * 300


def test_a_view_failing_on_the_database_logs_one_line(alice, own_client, console, monkeypatch):
    from clients import views

    buffer, _clock = console

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    monkeypatch.setattr(views, "_get_client_for_user", down)
    for _i in range(5):
        assert browser.get(reverse("clients:detail", args=[own_client.pk])).status_code == 503
    text = buffer.getvalue()
    assert tracebacks(text) == 1
    lines = [line for line in text.splitlines() if f"/clients/{own_client.pk}/" in line]
    assert len(lines) == 5, text  # one each: not the middleware's and Django's


def test_another_traceback_after_a_minute(alice, console, monkeypatch):
    buffer, clock = console
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    _database_down_everywhere(monkeypatch)
    browser.get(reverse("contacts:list"))
    clock.now += 59
    browser.get(reverse("contacts:list"))
    assert tracebacks(buffer.getvalue()) == 1
    clock.now += 2
    browser.get(reverse("contacts:list"))
    assert tracebacks(buffer.getvalue()) == 2


def test_refused_requests_log_no_traceback(alice, console):
    buffer, _clock = console
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    for _i in range(3):
        assert browser.get(reverse("reports:list")).status_code == 403
        assert browser.get("/clients/999999999/").status_code == 404
    text = buffer.getvalue()
    assert TRACEBACK not in text
    assert len([line for line in text.splitlines() if "Forbidden" in line]) == 3


def test_a_health_check_failure_is_one_line(db, console, monkeypatch):
    from liaison import security

    buffer, _clock = console

    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(security, "connection", DownConnection())
    for _i in range(3):
        assert Client().get("/healthz").status_code == 503
    lines = [line for line in buffer.getvalue().splitlines() if "/healthz" in line]
    assert len(lines) == 3 and "database" in lines[0]
    assert tracebacks(buffer.getvalue()) == 1


def test_other_errors_keep_their_first_traceback_each(console):
    buffer, _clock = console
    logger = logging.getLogger("tests.log_volume")

    def fail(kind: type[Exception]) -> None:
        try:
            raise kind("boom")
        except kind:
            logger.exception("Something failed")

    for _i in range(3):
        fail(ValueError)
        fail(KeyError)
    assert tracebacks(buffer.getvalue()) == 2
    assert buffer.getvalue().count("Something failed") == 6


def test_the_worker_logs_get_the_same_filters():
    """Celery replaces the configured handlers with its own in the worker and beat."""
    from liaison.celery import _filter_worker_logs
    from liaison.security_logging import PersonalDataFilter

    logger = logging.Logger("celery-like")
    logger.addHandler(logging.StreamHandler(io.StringIO()))
    _filter_worker_logs(logger=logger)
    _filter_worker_logs(logger=logger)  # both signals may fire for one logger
    kinds = [type(f) for f in logger.handlers[0].filters]
    assert kinds == [OutageLogFilter, PersonalDataFilter]


def test_the_minute_is_shared_by_the_processes_of_an_installation(tmp_path):
    """gunicorn replaces its workers now and then: a new process must not show the traceback
    again within the minute (each process is a filter of its own; the marker is shared)."""
    clock = Clock()
    folder = tmp_path / "log-tracebacks"
    first, replacement = OutageLogFilter(clock=clock, folder=folder), OutageLogFilter(clock=clock, folder=folder)

    def record() -> logging.LogRecord:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            import sys

            return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Failed", None, sys.exc_info())

    shown = first.filter(r := record()) and r.exc_info is not None
    again = replacement.filter(r2 := record()) and r2.exc_info is not None
    clock.now += 61
    later = replacement.filter(r3 := record()) and r3.exc_info is not None
    assert (shown, again, later) == (True, False, True)
