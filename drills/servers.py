"""The processes of the fault drills: a throwaway PostgreSQL cluster, a Redis server, and any
other server (gunicorn, a Celery worker) as a Service; waiting for them and finding free ports.
drills/harness.py puts them together into the stack a drill runs against."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")


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


def children_of(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def signal_quietly(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


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
        self.resume()
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def processes(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, ...)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return []
        postmaster = int(pid_file.read_text().split()[0])
        return [postmaster, *children_of(postmaster)]

    def pause(self) -> None:
        """A hung server (SIGSTOP): connections stay open, nothing answers, new ones wait."""
        for pid in self.processes():
            signal_quietly(pid, signal.SIGSTOP)

    def resume(self) -> None:
        for pid in self.processes():
            signal_quietly(pid, signal.SIGCONT)


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
            self.resume()
            self.process.terminate()
            self.process.wait(30)
        self.process = None

    def pause(self) -> None:
        """A hung Redis (SIGSTOP): the kernel still accepts connections, nothing answers."""
        if self.process is not None:
            signal_quietly(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None:
            signal_quietly(self.process.pid, signal.SIGCONT)

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
