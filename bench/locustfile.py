"""Load scenario: assistants logging contacts and browsing lists, coordinators filtering, the
ministry asking for exports. Run by drills/test_load.py (headless, on loopback, bounded time)
against gunicorn with production settings; by hand:

    LOCUST_PASSWORD=... .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s \
        --host http://127.0.0.1:8000

Every user signs in through the real sign-in form (two factors relaxed on the drill server).
"""

import datetime
import itertools
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOCUST_PASSWORD", "")
TIMEOUT = 30
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_OPTIONS = r'<select name="{name}"[^>]*>(.*?)</select>'

# Assistants of organisations with one service: the scenario posts the quick entry without a
# service choice (an organisation with two services, Člověk v tísni in the demo, must choose one;
# that form is tested in tests/test_contact_form.py).
ASSISTANTS = itertools.cycle(
    [
        "asistent.brno",
        "asistent2.brno",
        "asistent.cheb",
        "asistent.vzajemne",
        "asistent.karvina",
    ]
)


def _csrf(html: str) -> str:
    match = _CSRF.search(html)
    return match.group(1) if match else ""


def _option_values(html: str, name: str) -> list[str]:
    select = re.search(_OPTIONS.format(name=name), html, re.S)
    return [v for v in re.findall(r'<option value="([^"]+)"', select.group(1)) if v] if select else []


class SignedInUser(HttpUser):
    abstract = True
    # A person reads a page before the next click: 3 to 8 s here, which still makes each of the
    # 50 simulated users several times busier than an assistant at work (minutes per contact with
    # a client). The drill's two cores serve about 20 requests a second at most; with 0.5 to 2 s
    # 50 users asked for 40 a second and measured the queue, not the pages.
    wait_time = between(3, 8)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in form", timeout=TIMEOUT)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"sign-in of {self.username} failed")


class Assistant(SignedInUser):
    weight = 6

    def on_start(self) -> None:
        self.username = next(ASSISTANTS)
        super().on_start()

    @task(4)
    def contact_list(self) -> None:
        self.client.get("/contacts/", name="/contacts/", timeout=TIMEOUT)

    @task(2)
    def client_list(self) -> None:
        self.client.get("/clients/", name="/clients/", timeout=TIMEOUT)

    @task(1)
    def start_page(self) -> None:
        self.client.get("/", name="/", timeout=TIMEOUT)

    @task(3)
    def log_contact(self) -> None:
        form = self.client.get("/contacts/new/", name="/contacts/new/ (form)", timeout=TIMEOUT)
        authorities = _option_values(form.text, "authority")
        activity_types = _option_values(form.text, "activities-0-activity_type")
        if not authorities or not activity_types:
            return
        occurred = datetime.datetime.now().astimezone() - datetime.timedelta(hours=random.randint(2, 200))  # noqa: S311
        with self.client.post(
            "/contacts/new/",
            data={
                "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "30",
                "authority": random.choice(authorities),  # noqa: S311
                "activities-TOTAL_FORMS": "1",
                "activities-INITIAL_FORMS": "0",
                "activities-0-activity_type": random.choice(activity_types),  # noqa: S311
                "activities-0-minutes": "30",
                "activities-0-work": "direct",
                "anonymous_persons": "1",
                "outcome": "Load test contact",
                "csrfmiddlewaretoken": _csrf(form.text),
            },
            headers={"Referer": f"{self.host}/contacts/new/"},
            name="/contacts/new/ (save)",
            timeout=TIMEOUT,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"contact not saved: {response.status_code}")


class Coordinator(SignedInUser):
    weight = 2
    username = "koordinator.brno"

    def on_start(self) -> None:
        super().on_start()
        page = self.client.get("/contacts/", name="/contacts/", timeout=TIMEOUT)
        self.activity_types = [*_option_values(page.text, "activity_type"), ""]

    @task(3)
    def filter_contacts(self) -> None:
        activity_type = random.choice(self.activity_types)  # noqa: S311
        self.client.get(
            f"/contacts/?activity_type={activity_type}&date_from=2025-01-01", name="/contacts/?filters", timeout=TIMEOUT
        )

    @task(2)
    def filter_cases(self) -> None:
        self.client.get("/cases/?status=in_progress", name="/cases/?filters", timeout=TIMEOUT)

    @task(1)
    def directory(self) -> None:
        self.client.get("/accounts/assistants/", name="/accounts/assistants/", timeout=TIMEOUT)


class Ministry(SignedInUser):
    weight = 1
    username = "ministerstvo"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/reports/dashboard/", name="/reports/dashboard/", timeout=TIMEOUT)

    @task(2)
    def report_list(self) -> None:
        self.client.get("/reports/", name="/reports/", timeout=TIMEOUT)

    @task(1)
    def export(self) -> None:
        form = self.client.get("/reports/new/national/", name="/reports/new/national/ (form)", timeout=TIMEOUT)
        with self.client.post(
            "/reports/new/national/",
            data={
                # National statistics exist for a calendar month, quarter or year only; this
                # month's table by region keeps the queue short for the drills that follow.
                "period_kind": "month",
                "year": datetime.datetime.now().astimezone().year,
                "month": datetime.datetime.now().astimezone().month,
                "breakdown": "contacts_month_region",
                "format": random.choice(["csv", "xlsx"]),  # noqa: S311
                "csrfmiddlewaretoken": _csrf(form.text),
            },
            headers={"Referer": f"{self.host}/reports/new/national/"},
            name="/reports/new/national/ (ask)",
            timeout=TIMEOUT,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"export not accepted: {response.status_code}")
                return
        self.client.get(response.headers["Location"], name="/reports/<id>/", timeout=TIMEOUT)
