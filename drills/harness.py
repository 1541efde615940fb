"""The stack of the fault drills: the real application (gunicorn, a Celery worker and beat)
against its own PostgreSQL (initdb into a temporary folder, its own port) and its own Redis, so
that a drill can stop, kill and restart them without touching the machine's shared servers.
Nothing here is used by the application itself. The processes: drills/servers.py; signing in
and posting forms: drills/web.py."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import requests

from .servers import PYTHON, ROOT, VENV_BIN, Postgres, Redis, Service, free_port, wait_for

ENCRYPTION_KEY = "XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM="  # tests and drills only
PASSWORD = "drill-password-not-secret-7Qx"  # noqa: S105 - throwaway demo users


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
        # The project's own gunicorn.conf.py, as deployed; only sizes and timers come from the
        # environment (fewer workers on the drills' two cores). Workers are recycled after as many
        # requests as in production (DRILL_GUNICORN_MAX_REQUESTS sets it for every drill); the gunicorn
        # drill restarts it recycling every few dozen requests (drills/test_gunicorn.py).
        self._web_env = {
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}", "GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "2",
            "GUNICORN_TIMEOUT": "30", "GUNICORN_GRACEFUL_TIMEOUT": "5",
            "GUNICORN_MAX_REQUESTS": os.environ.get("DRILL_GUNICORN_MAX_REQUESTS", "2000"),
        }  # fmt: skip
        self.web = Service(
            "gunicorn",
            [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")],
            {**self.env, **self._web_env},
            self.workdir,
        )
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
            # Much shorter than in production so that a drill sees redelivery and requeueing
            # (drills/test_exports.py runs a worker with the production visibility timeout). The
            # check for waiting jobs runs every 15 s and the heartbeat as in production.
            CELERY_VISIBILITY_TIMEOUT=os.environ.get("DRILL_VISIBILITY_TIMEOUT", "25"),
            REPORTS_REQUEUE_AFTER_SECONDS="15",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="liaison.settings",
        )
        return env

    def new_worker(self, **env: str) -> Service:
        """A worker as the stack runs it; `env` overrides settings (the production visibility
        timeout, say)."""
        return Service(
            "worker",
            [PYTHON, "-m", "celery", "-A", "liaison", "worker", "-n", self.worker_hostname, "--concurrency", "2",
             "--loglevel", "info", "--without-mingle", "--without-gossip"],
            {**self.env, **env}, self.workdir,
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

    def restart_web(self, **env: str) -> None:
        """gunicorn stopped and started again with `env` over the stack's own (none: as set up)."""
        self.web.stop()
        self.web.env = {**self.env, **self._web_env, **env}
        self.web.start()
        wait_for(lambda: requests.get(self.base_url + "/healthz", timeout=5).status_code == 200, 60, "gunicorn")

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
        """Bring back whatever a previous drill left broken (or hung)."""
        self.pg.resume()
        self.redis.resume()
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

    def wait_reports_settled(self, timeout: float = 240) -> None:
        """Every report job that an earlier drill asked for is done or failed, so that a drill's
        own jobs never wait behind them; a job that never ends is a finding, and is named."""
        unfinished = "FROM reports_reportjob WHERE state IN ('queued', 'running', 'interrupted')"
        try:
            wait_for(lambda: self.pg.psql(f"SELECT count(*) {unfinished}") == "0", timeout, "earlier report jobs", 1)
        except TimeoutError as exc:
            left = self.pg.psql(f"SELECT id, report_type, state, attempts, progress {unfinished} ORDER BY id")  # noqa: S608
            raise TimeoutError(f"{exc} Unfinished (id|type|state|attempts|progress):\n{left}") from None

    def teardown(self) -> None:
        for service in (self.web, self.worker, self.beat):
            service.stop(timeout=10)
        self.redis.stop()
        self.pg.destroy()
        if os.environ.get("DRILL_KEEP_LOGS"):
            print(f"Drill logs kept in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
