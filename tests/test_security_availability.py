"""/healthz, and the friendly 503 page when the database is down (and which database errors
mean "try again later")."""

import pytest
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
