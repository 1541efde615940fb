"""A create form or API create posted twice (a double click, a retry after a dropped
connection) saves once: the one-time submission key (common/submissions.py, api/idempotency.py)."""

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from clients.models import Client
from common.models import Submission
from common.submissions import FIELD_NAME
from common.tasks import forget_old_submissions
from tests.test_cases_pages import _case_data


def _named(key: str, **extra) -> dict:
    return {"identity": "named", "first_name": "Marie", "last_name": "Dvořáková", FIELD_NAME: key, **extra}


def test_the_create_form_carries_a_key(client, alice):
    client.force_login(alice)
    page = client.get(reverse("clients:create")).content.decode()
    assert f'name="{FIELD_NAME}"' in page


def test_the_same_form_posted_twice_saves_once_and_answers_the_first_record(client, alice):
    client.force_login(alice)
    key = str(uuid.uuid4())
    first = client.post(reverse("clients:create"), _named(key))
    second = client.post(reverse("clients:create"), _named(key), follow=True)
    created = Client.objects.get()
    assert first["Location"] == reverse("clients:detail", args=[created.pk])
    assert second.redirect_chain[-1][0] == reverse("clients:detail", args=[created.pk])
    assert "Tento formulář už byl uložen" in second.content.decode()


def test_a_form_with_errors_gives_its_key_back(client, alice):
    client.force_login(alice)
    key = str(uuid.uuid4())
    refused = client.post(reverse("clients:create"), _named(key, last_name=""))
    assert refused.status_code == 200 and not Client.objects.exists()
    assert f'value="{key}"' in refused.content.decode()  # the corrected form keeps its key
    assert client.post(reverse("clients:create"), _named(key))["Location"].startswith("/clients/")
    assert Client.objects.count() == 1


def test_two_forms_with_two_keys_save_two_records(client, alice):
    client.force_login(alice)
    client.post(reverse("clients:create"), _named(str(uuid.uuid4())))
    # The same name again is somebody else, as the user confirms (tests/test_client_duplicates.py).
    client.post(reverse("clients:create"), _named(str(uuid.uuid4()), different_person="on"))
    assert Client.objects.count() == 2


def test_a_key_is_per_user(client, alice, bob):
    key = str(uuid.uuid4())
    for user in (alice, bob):
        client.force_login(user)
        client.post(reverse("clients:create"), _named(key, different_person="on"))
    assert Client.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_on_two_connections_saves_one_case(alice, own_client):
    """Both posts run at the same moment on their own database connections; the second waits
    for the first on the unique key, then answers with the first case."""
    key = str(uuid.uuid4())
    data = {**_case_data(alice), FIELD_NAME: key}
    start = threading.Barrier(2)
    answers: list[str] = []

    def post() -> None:
        browser = BrowserClient()
        browser.force_login(alice)
        start.wait()
        try:
            answers.append(browser.post(reverse("cases:create", args=[own_client.pk]), data)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    case = Case.objects.get()
    assert answers == [reverse("cases:detail", args=[case.pk])] * 2


def test_the_api_makes_one_record_per_idempotency_key(alice):
    api = APIClient()
    api.force_authenticate(alice)
    body = {"identity": "named", "first_name": "Jan", "last_name": "Novák"}
    first = api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="a1b2c3d4-retry")
    again = api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="a1b2c3d4-retry")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Client.objects.count() == 1
    other = api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="another-key-1")
    assert other.status_code == 201 and Client.objects.count() == 2


def test_the_api_refuses_a_malformed_key_and_a_refused_create_gives_the_key_back(alice):
    api = APIClient()
    api.force_authenticate(alice)
    bad = api.post("/api/v1/clients/", {"identity": "named"}, format="json", HTTP_IDEMPOTENCY_KEY="no spaces!")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()
    refused = api.post("/api/v1/clients/", {"identity": "named"}, format="json", HTTP_IDEMPOTENCY_KEY="key-12345")
    assert refused.status_code == 400 and not Client.objects.exists()
    body = {"identity": "named", "first_name": "Jan", "last_name": "Novák"}
    assert api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-12345").status_code == 201


def test_old_keys_are_forgotten_after_a_week(alice):
    Submission.objects.create(user=alice, key="old-key-123")
    Submission.objects.create(user=alice, key="new-key-123")
    Submission.objects.filter(key="old-key-123").update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert forget_old_submissions() == 1
    assert list(Submission.objects.values_list("key", flat=True)) == ["new-key-123"]
