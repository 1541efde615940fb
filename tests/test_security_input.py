"""Bad input: missing CSRF token, extra organisation and owner fields, foreign ids in forms
and URLs, script in text, oversized requests, names kept out of URLs."""

from django.test import Client
from django.urls import reverse

from clients.models import Client as ClientRecord


def test_post_without_csrf_token_is_refused(alice, db):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    before = ClientRecord.objects.count()
    response = browser.post(reverse("clients:create"), {"identity": "anonymous"})
    assert response.status_code == 403
    assert ClientRecord.objects.count() == before
    assert browser.post(reverse("clients:pick"), {"q": "Dv"}).status_code == 403


def test_sign_in_without_csrf_token_is_refused(alice, real_two_factors):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accounts:login"), {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 403


def test_extra_organisation_and_owner_fields_are_ignored(client, alice, oscar, own_client):
    client.force_login(alice)
    response = client.post(
        reverse("clients:edit", args=[own_client.pk]),
        {
            "identity": "named",
            "first_name": "Josef",
            "last_name": "Nový",
            "organisation": oscar.organisation_id,
            "organisation_id": oscar.organisation_id,
            "created_by": oscar.pk,
            "owner": oscar.pk,
        },
    )
    assert response.status_code in (200, 302)
    own_client.refresh_from_db()
    assert own_client.organisation_id == alice.organisation_id
    assert own_client.created_by_id == alice.pk


def test_foreign_client_id_in_a_contact_form_is_refused(client, alice, own_client, foreign_client):
    from contacts.models import Contact

    client.force_login(alice)
    before = Contact.objects.count()
    response = client.post(reverse("contacts:create"), {"clients": [foreign_client.pk], "duration_minutes": 30})
    assert response.status_code == 200  # the form again, with an error
    assert Contact.objects.count() == before


def test_foreign_ids_in_urls_are_404_and_change_nothing(client, alice, foreign_client):
    client.force_login(alice)
    name = foreign_client.last_name
    response = client.post(
        reverse("clients:edit", args=[foreign_client.pk]), {"identity": "named", "first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 404
    foreign_client.refresh_from_db()
    assert foreign_client.last_name == name


def test_script_in_a_name_is_shown_inert(client, alice):
    client.force_login(alice)
    evil = ClientRecord.objects.create(
        organisation=alice.organisation,
        created_by=alice,
        identity=ClientRecord.Identity.NAMED,
        first_name="<script>alert(1)</script>",
        last_name='"><img src=x onerror=alert(1)>',
    )
    for response in [
        client.get(reverse("clients:detail", args=[evil.pk])),
        client.get(reverse("clients:list")),
        client.post(reverse("clients:pick"), {"q": "scrip"}),
    ]:
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x onerror" not in body


def test_oversized_request_is_refused_and_changes_nothing(client, alice, settings):
    client.force_login(alice)
    before = ClientRecord.objects.count()
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = browser.post(reverse("clients:create"), {"identity": "named", "first_name": big, "last_name": "A"})
    assert 400 <= response.status_code < 500
    many = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = browser.post(reverse("clients:create"), many)
    assert 400 <= response.status_code < 500
    assert ClientRecord.objects.count() == before


def test_client_search_keeps_names_out_of_urls(client, alice, own_client):
    client.force_login(alice)
    page = client.get(reverse("clients:list")).content.decode()
    assert 'method="post"' in page and 'role="search"' in page
    assert client.post(reverse("clients:list"), {"q": own_client.last_name}).status_code == 200
    assert client.get(reverse("clients:pick"), {"q": own_client.last_name}).status_code == 405
    form = client.get(reverse("contacts:create")).content.decode()
    assert "hx-post=" in form and 'hx-get="/clients/pick/' not in form
