"""/healthz, and the friendly 503 page when the database is down (and which database errors
mean "try again later")."""

import psycopg2
import pytest
from django import db
from django.db import OperationalError
from django.test import Client
from django.urls import reverse


def test_healthz_is_public_and_says_only_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from liaison import security

    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(security, "connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert "refused" not in response.content.decode()


def test_friendly_503_when_the_database_is_down(alice, own_client, monkeypatch):
    from clients import views

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    monkeypatch.setattr(views, "_get_client_for_user", down)
    response = browser.get(reverse("clients:detail", args=[own_client.pk]))
    assert response.status_code == 503
    body = response.content.decode()
    assert "dočasně nedostupný" in body  # Czech by default
    assert "Traceback" not in body and "connect to server" not in body


def test_503_also_when_the_session_cannot_be_read(alice, monkeypatch):
    """The database can fail before any view runs (sessions); handler500 answers 503 then."""
    from django.contrib.sessions.backends import db as session_db

    browser = Client(raise_request_exception=False)
    browser.force_login(alice)

    def down(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(session_db.SessionStore, "load", down)
    response = browser.get(reverse("home"))
    assert response.status_code == 503
    assert "unexpectedly" not in response.content.decode()


@pytest.mark.parametrize(
    ("error", "down"),
    [
        ("OperationalError", True),
        ("InterfaceError", True),
        ("InternalError", True),  # a transaction the crash aborted
        ("DatabaseError", True),  # a connection lost half-way through a result
        ("IntegrityError", False),
        ("ProgrammingError", False),
        ("DataError", False),
    ],
)
def test_which_database_errors_mean_try_later(error, down):
    from django import db

    from liaison.security import is_database_down

    assert is_database_down(getattr(db, error)("x")) is down


def _raw_driver_error_during_django_error():
    """What closing a server-side cursor on a lost connection raises: psycopg2's own error,
    during the handling of Django's wrapped one."""
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        finally:
            raise psycopg2.OperationalError("server closed the connection unexpectedly")  # noqa: B012
    except psycopg2.OperationalError as error:
        return error


def _chained(top: BaseException, cause: BaseException, how: str) -> BaseException:
    if how == "cause":
        top.__cause__ = cause
    else:
        top.__context__ = cause
    return top


@pytest.mark.parametrize(
    ("make_error", "down"),
    [
        pytest.param(lambda: psycopg2.OperationalError("x"), True, id="raw-operational"),
        pytest.param(lambda: psycopg2.InterfaceError("connection already closed"), True, id="raw-interface"),
        pytest.param(lambda: psycopg2.errors.AdminShutdown("terminating connection"), True, id="raw-admin-shutdown"),
        pytest.param(lambda: psycopg2.DatabaseError("error with status PGRES_COPY_OUT"), True, id="raw-copy-cut"),
        pytest.param(lambda: psycopg2.IntegrityError("x"), False, id="raw-integrity"),
        pytest.param(lambda: psycopg2.ProgrammingError("x"), False, id="raw-programming"),
        pytest.param(_raw_driver_error_during_django_error, True, id="cursor-close-after-django-error"),
        # wrapped by other code: the outage is further down the chain
        pytest.param(lambda: _chained(RuntimeError("x"), psycopg2.OperationalError("x"), "cause"), True, id="cause"),
        pytest.param(lambda: _chained(ValueError("x"), db.InterfaceError("x"), "context"), True, id="context"),
        pytest.param(lambda: _chained(ValueError("x"), KeyError("y"), "context"), False, id="unrelated-chain"),
        pytest.param(lambda: RuntimeError("x"), False, id="not-a-database-error"),
    ],
)
def test_raw_and_wrapped_driver_errors(make_error, down):
    from liaison.security import is_database_down

    assert is_database_down(make_error()) is down


def test_a_cyclic_chain_ends():
    from liaison.security import is_database_down

    first, second = ValueError("a"), KeyError("b")
    first.__context__, second.__context__ = second, first
    assert is_database_down(first) is False


def test_friendly_503_when_a_server_side_cursor_cannot_be_closed(alice, monkeypatch):
    """GET /contacts/new/ reads the form's choices through a server-side cursor; on a lost
    connection, closing it raises psycopg2's OperationalError, not Django's (a 500 before)."""
    from django.db.models.sql import compiler

    def lost_connection(*args, **kwargs):
        raise _raw_driver_error_during_django_error()
        yield  # a generator, as the real one

    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    monkeypatch.setattr(compiler, "cursor_iter", lost_connection)
    response = browser.get(reverse("contacts:create"))
    assert response.status_code == 503
    body = response.content.decode()
    assert "dočasně nedostupný" in body
    assert "unexpectedly" not in body and "Traceback" not in body
