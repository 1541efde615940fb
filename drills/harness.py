"""Throwaway servers for the fault drills: PostgreSQL, Redis, gunicorn and a Celery worker.

Every drill runs the real application against its own PostgreSQL (initdb into a temporary
folder, its own port) and its own Redis, so that it can stop, kill and restart them without
touching the machine's shared servers. Nothing here is used by the application itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
ENCRYPTION_KEY = "XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM="  # tests and drills only
PASSWORD = "drill-password-not-secret-7Qx"  # noqa: S105 - throwaway demo users


def wait_for(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: S110 - anything may fail while a server starts
            pass
        time.sleep(interval)
    raise TimeoutError(f"Timed out after {timeout:.0f} s waiting for {what}.")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port(preferred: int) -> int:
    """The preferred port if nothing listens there, else the next free one."""
    for port in range(preferred, preferred + 200):
        if port_is_free(port):
            return port
    raise RuntimeError(f"No free port near {preferred}.")


def postgres_bin_dir() -> Path:
    base = Path("/usr/lib/postgresql")
    versions = sorted((p for p in base.glob("*") if (p / "bin" / "initdb").exists()), key=lambda p: int(p.name))
    if not versions:
        raise RuntimeError("PostgreSQL server binaries are missing (Debian: apt-get install postgresql).")
    return versions[-1] / "bin"


class Postgres:
    """A PostgreSQL cluster in a temporary folder, run as the postgres user."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.port = port
        self.bin = postgres_bin_dir()
        self.base = Path(tempfile.mkdtemp(prefix="liaison-drill-pg-"))
        shutil.chown(self.base, "postgres", "postgres")
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"  # the drill's own folder is not readable by postgres

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, cwd=self.base, timeout=120
        )
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stdout}{result.stderr}\n{log}")
        return result

    def init(self) -> None:
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=100 -c shared_buffers=64MB"
        )
        pg_ctl = str(self.bin / "pg_ctl")
        self._as_postgres(pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: roll back open transactions and close every connection; immediate: a crash."""
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def is_up(self) -> bool:
        result = subprocess.run(
            [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False, timeout=10
        )
        return result.returncode == 0

    def psql(self, sql: str, database: str = "liaison") -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return result.stdout.strip()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


class Redis:
    def __init__(self, workdir: Path, port: int) -> None:
        self.port = port
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for(self.is_up, 30, "Redis")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.process = None

    def is_up(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=5
        )
        return result.stdout.strip() == "PONG"


class Service:
    """A process of the application (gunicorn, a Celery worker) in its own process group."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            log.write(f"\n==== start {time.strftime('%H:%M:%S')} ====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its pool children."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)
        self.process = None

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return
            except ProcessLookupError:
                pass
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Stack:
    """Everything a drill needs, started once per drill session; drills restore what they break."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="liaison-drill-"))
        self.pg = Postgres(self.workdir, free_port(int(os.environ.get("DRILL_PG_PORT", "55432"))))
        self.redis = Redis(self.workdir, free_port(int(os.environ.get("DRILL_REDIS_PORT", "56379"))))
        self.web_port = free_port(int(os.environ.get("DRILL_WEB_PORT", "58000")))
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.worker_hostname = f"drill{os.getpid()}@localhost"
        self.env = self._env()
        self.web = Service(
            "gunicorn",
            [str(VENV_BIN / "gunicorn"), "liaison.wsgi:application", "--bind", f"127.0.0.1:{self.web_port}",
             "--workers", "3", "--threads", "2", "--timeout", "30", "--graceful-timeout", "5",
             "--access-logfile", "-"],
            self.env, self.workdir,
        )  # fmt: skip
        self.worker = self.new_worker()
        self.beat = Service(
            "beat",
            [PYTHON, "-m", "celery", "-A", "liaison", "beat", "--loglevel", "info",
             "--schedule", str(self.workdir / "beat-schedule")],
            self.env, self.workdir,
        )  # fmt: skip

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
        env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.pg.port}/liaison",
            REDIS_URL=f"redis://127.0.0.1:{self.redis.port}/0",
            DEBUG="0",
            SECRET_KEY="drills-only-not-secret-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LIAISON_ENCRYPTION_KEYS=ENCRYPTION_KEY,
            # Plain http on loopback: no secure-only cookies, no redirect to https, no HSTS.
            SECURE_COOKIES="0",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            # The drills sign in with the password only; two factors are tested in the main suite.
            LIAISON_REQUIRE_2FA="0",
            LIAISON_VAR_DIR=str(self.workdir / "var"),
            LIAISON_PRIVATE_MEDIA_ROOT=str(self.workdir / "private"),
            STATIC_ROOT=str(self.workdir / "static"),
            # Much shorter than in production so that a drill sees redelivery and requeueing.
            CELERY_VISIBILITY_TIMEOUT=os.environ.get("DRILL_VISIBILITY_TIMEOUT", "25"),
            REPORTS_REQUEUE_AFTER_SECONDS="15",
            REPORTS_REQUEUE_INTERVAL_SECONDS="10",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="liaison.settings",
        )
        return env

    def new_worker(self) -> Service:
        return Service(
            "worker",
            [PYTHON, "-m", "celery", "-A", "liaison", "worker", "-n", self.worker_hostname, "--concurrency", "2",
             "--loglevel", "info", "--without-mingle", "--without-gossip"],
            self.env, self.workdir,
        )  # fmt: skip

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, code: str, timeout: float = 300) -> str:
        return self.manage("shell", "-c", code, timeout=timeout)

    def setup(self) -> None:
        self.pg.init()
        self.pg.start()
        self.pg.psql("CREATE DATABASE liaison", database="postgres")
        self.redis.start()
        self.manage("migrate", "--no-input")
        self.collectstatic()
        self.manage("seed_demo", "--force", "--password", PASSWORD)
        self.web.start()
        self.worker.start()
        self.beat.start()
        wait_for(lambda: requests.get(self.base_url + "/healthz", timeout=5).status_code == 200, 60, "gunicorn")
        self.wait_worker_ready()

    def collectstatic(self) -> None:
        """As a deployment does (hashed, compressed files), kept between runs in var/drills-static
        while the sources are unchanged: compressing everything takes a minute on a busy machine.

        A source map that a vendored file names but nobody shipped makes the manifest storage
        refuse; the drills then stub it in their own STATIC_ROOT and warn."""
        digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
        for path in sorted((ROOT / "static").rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        cached = ROOT / "var" / "drills-static" / digest.hexdigest()[:16]
        target = Path(self.env["STATIC_ROOT"])
        if (cached / "staticfiles.json").exists():
            shutil.copytree(cached, target, dirs_exist_ok=True)
            return
        self._collectstatic()
        shutil.rmtree(cached.parent, ignore_errors=True)
        shutil.copytree(target, cached)

    def _collectstatic(self) -> None:
        # Stub the missing source maps first: a failed run costs as much as a whole one.
        for path in (ROOT / "static").rglob("*.js"):
            for name in re.findall(r"sourceMappingURL=(\S+\.map)", path.read_text(errors="replace")[-500:]):
                if not (path.parent / name).exists():
                    relative = (path.parent / name).relative_to(ROOT / "static")
                    print(f"WARNING: collectstatic: {relative} is missing; stubbed for the drills only.")
                    stub = Path(self.env["STATIC_ROOT"]) / relative
                    stub.parent.mkdir(parents=True, exist_ok=True)
                    stub.write_text("{}")
        for _attempt in range(5):
            try:
                self.manage("collectstatic", "--no-input")
                return
            except RuntimeError as exc:
                missing = re.search(r"The file '([^']+\.map)' could not be found", str(exc))
                if not missing:
                    raise
                print(f"WARNING: collectstatic: {missing.group(1)} is missing; stubbed for the drills only.")
                stub = Path(self.env["STATIC_ROOT"]) / missing.group(1)
                stub.parent.mkdir(parents=True, exist_ok=True)
                stub.write_text("{}")
        raise RuntimeError("collectstatic kept failing.")

    def wait_worker_ready(self, timeout: float = 60) -> None:
        wait_for(self.worker_pings, timeout, "the Celery worker to answer a ping", interval=1)

    def worker_pings(self) -> bool:
        """The liveness check of deploy/celery-liveness.sh: the worker answers over the broker."""
        result = subprocess.run(
            [PYTHON, "-m", "celery", "-A", "liaison", "inspect", "ping", "-d", self.worker_hostname, "--timeout", "3"],
            env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        return result.returncode == 0 and "pong" in result.stdout

    def ensure_healthy(self) -> None:
        """Bring back whatever a previous drill left broken."""
        if not self.pg.is_up():
            self.pg.start()
        if not self.redis.is_up():
            self.redis.start()
        for service in (self.web, self.beat):
            if not service.running():
                service.start()
        if not self.worker.running():
            self.worker = self.new_worker()
            self.worker.start()
        wait_for(lambda: requests.get(self.base_url + "/healthz", timeout=5).status_code == 200, 60, "healthz")
        self.wait_worker_ready()

    def teardown(self) -> None:
        for service in (self.web, self.worker, self.beat):
            service.stop(timeout=10)
        self.redis.stop()
        self.pg.destroy()
        if os.environ.get("DRILL_KEEP_LOGS"):
            print(f"Drill logs kept in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


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
