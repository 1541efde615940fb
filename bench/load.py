"""The contact list under concurrent load: gunicorn (2 workers, production settings) and locust
(a pinned dependency, also used by the load drill) on loopback, against the trivial /healthz
view of the same server. A figure that cannot be measured stops the benchmark (NotMeasured)."""

import csv
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .common import PY, ROOT, NotMeasured, Results
from .pages import _login


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookies(user, count: int) -> list[str]:
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(count):
        client = _login(Client, user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def _locust_command() -> str:
    beside = Path(PY).parent / "locust"
    command = str(beside) if beside.exists() else shutil.which("locust")
    if command is None:
        raise NotMeasured("locust is not installed: `make install` installs it from requirements.txt")
    return command


def _locust(base: str, path: str, seconds: int, users: int, cookies: list[str]) -> dict:
    """Requests per second of `path` with `users` sessions asking without pause for `seconds`."""
    with tempfile.TemporaryDirectory(prefix="liaison-bench-load-") as folder:
        prefix = Path(folder) / "load"
        env = dict(os.environ, BENCH_COOKIES=",".join(cookies), BENCH_PATH=path)
        completed = subprocess.run(  # noqa: S603 - the pinned locust
            [
                _locust_command(),
                "-f",
                str(ROOT / "bench" / "locust_throughput.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():  # locust exits 1 when some requests failed, but still writes its figures
            raise NotMeasured(f"locust wrote no figures for {path}: {completed.stderr[-300:]}")
        with open(stats, newline="") as handle:
            total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    if requests == 0:
        raise NotMeasured(f"locust made no request to {path}: {completed.stderr[-300:]}")
    return {"rps": float(total["Requests/s"]), "requests": requests, "failures": failures}


def _check(url: str, cookie: str | None) -> tuple[int, str]:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def measure_load(people: dict, env: dict, seconds: int, connections: int, results: Results) -> None:
    _locust_command()
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn
        [
            str(Path(PY).parent / "gunicorn"),
            "liaison.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--env",
            f"DJANGO_SETTINGS_MODULE={env['DJANGO_SETTINGS_MODULE']}",
        ],
        cwd=ROOT,
        env=env,
        # The access log of thousands of requests goes nowhere (it is still written, as in production).
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _check(f"{base}/healthz", None)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        cookies = _session_cookies(people["assistant"], 16)
        status, body = _check(f"{base}/contacts/", cookies[0])
        if status != 200 or "<table" not in body:
            raise NotMeasured(f"the contact list answered {status} to the benchmark's session")
        # Warm both workers, then measure each URL.
        _locust(base, "/contacts/", 3, connections, cookies)
        contacts = _locust(base, "/contacts/", seconds, connections, cookies)
        _locust(base, "/healthz", 2, connections, cookies)
        healthz = _locust(base, "/healthz", seconds, connections, cookies)
        results.load = {
            "contacts_rps": contacts["rps"],
            "healthz_rps": healthz["rps"],
            "ratio": contacts["rps"] / healthz["rps"],
            "failures": contacts["failures"] + healthz["failures"],
            "seconds": seconds,
            "connections": connections,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
