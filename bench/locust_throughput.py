"""The benchmark's throughput scenario (bench/load.py runs it headless): signed-in sessions of one
user asking one URL as fast as the server answers. Not the load drill's scenario
(bench/locustfile.py), which mimics people at work with pauses between their clicks.

Environment: BENCH_PATH (the URL's path), BENCH_COOKIES (session cookies, comma-separated).
"""

import itertools
import os

from locust import FastHttpUser, constant, task

COOKIES = itertools.cycle(os.environ.get("BENCH_COOKIES", "").split(","))
PATH = os.environ.get("BENCH_PATH", "/healthz")


class Session(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.cookie = next(COOKIES)

    @task
    def ask(self) -> None:
        headers = {"Cookie": self.cookie, "X-Forwarded-Proto": "https"}
        with self.client.get(PATH, headers=headers, allow_redirects=False, catch_response=True) as response:
            # A redirect (to the sign-in page) would be a cheap answer that measures nothing.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
