"""Drafts of the contact, client and case forms (common/drafts.py): kept encrypted for their
author only, restored when the form is opened again (also after a new sign-in), deleted when
the form is saved or after a week; and the session endpoints of the warning before the
inactivity sign-out, which a draft being kept does not extend."""

import datetime
import json
import uuid

import pytest
from django.conf import settings as project_settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from clients.models import Client
from common.models import Draft
from common.submissions import FIELD_NAME as SUBMISSION_FIELD
from common.tasks import forget_old_drafts
from contacts.models import Contact
from tests.factories import ClientFactory, activity_rows, activity_type_of
from tests.test_contact_form import _post_data

NOTE = "Klientka se bojí lichváře z vedlejšího domu"


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _keep(browser, url, **fields):
    return browser.post(url, fields, HTTP_ACCEPT="application/json")


def _contact_draft_fields(**extra):
    organisation = Organisation.objects.get(name="DROM, romské středisko")
    kind = activity_type_of(organisation)
    return {
        "duration_minutes": "55",
        "outcome": NOTE,
        **activity_rows((kind, 40), (kind, 15, "on_behalf")),
        "csrfmiddlewaretoken": "a-token-never-kept",
        SUBMISSION_FIELD: str(uuid.uuid4()),
        "version": "3",
        **extra,
    }


def _session_expiry(browser) -> datetime.datetime:
    return Session.objects.get(session_key=browser.session.session_key).expire_date


def test_a_contact_draft_is_kept_encrypted_without_the_form_s_keys(alice):
    browser = _browser(alice)
    answer = _keep(browser, reverse("contacts:draft_new"), **_contact_draft_fields())
    assert answer.status_code == 200
    assert answer.json()["saved"] is True
    assert answer.json()["message"].startswith("Koncept uložen v ")
    draft = Draft.objects.get()
    assert (draft.user, draft.kind, draft.object_key) == (alice, Draft.Kind.CONTACT, "new")
    names = {name for name, _value in json.loads(draft.payload)}
    assert "outcome" in names and "activities-1-work" in names
    assert not names & {"csrfmiddlewaretoken", SUBMISSION_FIELD, "version"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM common_draft")
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:") and "lichvář" not in stored and "activities" not in stored


def test_the_draft_is_restored_with_its_activities_and_a_notice_without_errors(alice):
    browser = _browser(alice)
    _keep(browser, reverse("contacts:draft_new"), **_contact_draft_fields())
    page = browser.get(reverse("contacts:create")).content.decode()
    assert "Máte rozepsaný koncept z" in page and "Zahodit koncept" in page
    assert NOTE in page
    assert 'name="activities-TOTAL_FORMS" value="2"' in page
    assert 'name="activities-1-minutes" value="15"' in page
    # An unfinished form is not judged before it is saved.
    assert "Toto pole je třeba vyplnit" not in page and "Kontakt nebyl uložen" not in page


def test_a_draft_is_restored_after_the_session_ended_and_a_new_sign_in(alice):
    first = _browser(alice)
    _keep(first, reverse("contacts:draft_new"), **_contact_draft_fields())
    Session.objects.all().delete()  # the session timed out
    assert first.get(reverse("contacts:create")).status_code == 302  # to the sign-in page
    again = _browser(alice)
    assert NOTE in again.get(reverse("contacts:create")).content.decode()


def test_a_draft_is_shown_to_its_author_only(alice, bob, own_client):
    """Bob, Alice's colleague, may edit the same client: he never sees her draft, nor she his."""
    alice_browser, bob_browser = _browser(alice), _browser(bob)
    url = reverse("clients:draft", args=[own_client.pk])
    _keep(alice_browser, url, identity="named", first_name="Marie", last_name="Alicina-verze")
    bob_page = bob_browser.get(reverse("clients:edit", args=[own_client.pk])).content.decode()
    assert "Alicina-verze" not in bob_page and "rozepsaný koncept" not in bob_page
    _keep(bob_browser, url, identity="named", first_name="Marie", last_name="Bobova-verze")
    alice_page = alice_browser.get(reverse("clients:edit", args=[own_client.pk])).content.decode()
    assert "Alicina-verze" in alice_page and "Bobova-verze" not in alice_page
    assert Draft.objects.filter(object_key=str(own_client.pk)).count() == 2


def test_a_draft_of_a_record_out_of_scope_is_404_and_keeps_nothing(alice, oscar, own_client, own_contact):
    browser = _browser(oscar)
    for url in (
        reverse("clients:draft", args=[own_client.pk]),
        reverse("contacts:draft", args=[own_contact.pk]),
        reverse("cases:draft_new", args=[own_client.pk]),
    ):
        assert _keep(browser, url, note=NOTE).status_code == 404
    assert not Draft.objects.exists()


def test_a_colleague_who_may_not_edit_a_contact_may_not_keep_a_draft_of_it(bob, own_contact):
    assert _keep(_browser(bob), reverse("contacts:draft", args=[own_contact.pk]), outcome=NOTE).status_code == 403
    assert not Draft.objects.exists()


def test_saving_the_contact_deletes_its_draft(alice, own_client):
    browser = _browser(alice)
    _keep(browser, reverse("contacts:draft_new"), **_contact_draft_fields())
    response = browser.post(reverse("contacts:create"), _post_data(clients=[own_client.pk]))
    assert response.status_code == 302 and Contact.objects.count() == 1
    assert not Draft.objects.exists()
    assert "rozepsaný koncept" not in browser.get(reverse("contacts:create")).content.decode()


def test_a_form_with_errors_keeps_the_draft(alice):
    browser = _browser(alice)
    _keep(browser, reverse("clients:draft_new"), identity="named", first_name="Marie")
    refused = browser.post(reverse("clients:create"), {"identity": "named", "first_name": "Marie"})
    assert refused.status_code == 200 and not Client.objects.exists()
    assert "rozepsaný koncept" not in refused.content.decode()  # the form shows what was sent
    assert Draft.objects.filter(kind=Draft.Kind.CLIENT).exists()


def test_a_draft_sent_after_the_form_was_saved_is_not_kept(alice):
    browser = _browser(alice)
    key = str(uuid.uuid4())
    fields = {"identity": "named", "first_name": "Marie", "last_name": "Dvořáková", SUBMISSION_FIELD: key}
    assert browser.post(reverse("clients:create"), fields).status_code == 302
    late = _keep(browser, reverse("clients:draft_new"), **fields)
    assert late.json() == {"saved": False}
    assert not Draft.objects.exists()


def test_saving_an_edited_client_deletes_its_draft_and_a_restored_draft_is_saved_against_its_version(
    alice, bob, own_client
):
    browser = _browser(alice)
    _keep(
        browser,
        reverse("clients:draft", args=[own_client.pk]),
        identity="named",
        first_name=own_client.first_name,
        last_name="Dvořáková-Nová",
        version=str(own_client.version),
    )
    # Bob saves the client meanwhile: Alice's restored draft must not overwrite his change unseen.
    bob_save = _browser(bob).post(
        reverse("clients:edit", args=[own_client.pk]),
        {"identity": "named", "first_name": "Bobem", "last_name": own_client.last_name, "version": own_client.version},
    )
    assert bob_save.status_code == 302
    page = browser.get(reverse("clients:edit", args=[own_client.pk])).content.decode()
    assert f'name="version" value="{own_client.version}"' in page and "Dvořáková-Nová" in page
    refused = browser.post(
        reverse("clients:edit", args=[own_client.pk]),
        {"identity": "named", "first_name": own_client.first_name, "last_name": "X", "version": own_client.version},
    )
    assert refused.status_code == 200  # the conflict is shown
    assert Draft.objects.filter(user=alice).exists()
    own_client.refresh_from_db()
    saved = browser.post(
        reverse("clients:edit", args=[own_client.pk]),
        {"identity": "named", "first_name": "Marie", "last_name": "Dvořáková-Nová", "version": own_client.version},
    )
    assert saved.status_code == 302
    assert not Draft.objects.filter(user=alice).exists()


def test_a_case_draft_belongs_to_the_client_it_is_opened_for(alice, own_client):
    other = ClientFactory(organisation=alice.organisation, created_by=alice)
    browser = _browser(alice)
    _keep(browser, reverse("cases:draft_new", args=[own_client.pk]), title="Lichva – rozepsáno")
    assert "Lichva – rozepsáno" in browser.get(reverse("cases:create", args=[own_client.pk])).content.decode()
    assert "Lichva – rozepsáno" not in browser.get(reverse("cases:create", args=[other.pk])).content.decode()


def test_a_too_long_draft_is_refused_with_a_czech_message_and_the_last_one_stays(alice, settings):
    settings.LIAISON_DRAFT_MAX_BYTES = 2048
    browser = _browser(alice)
    _keep(browser, reverse("clients:draft_new"), identity="named", note="Krátká poznámka")
    refused = _keep(browser, reverse("clients:draft_new"), identity="named", note="x" * 3000)
    assert refused.status_code == 413
    assert refused.json()["error"] == (
        "Koncept je příliš dlouhý, aby se dal uložit (nejvýše 2 kB). Uložte formulář, nebo text zkraťte."
    )
    assert "Krátká poznámka" in Draft.objects.get().payload


def test_discarding_the_draft_deletes_it_and_goes_back_to_the_form(alice):
    browser = _browser(alice)
    _keep(browser, reverse("clients:draft_new"), identity="named", note=NOTE)
    answer = browser.post(reverse("clients:draft_new"), {"draft_action": "discard"})
    assert answer.status_code == 302 and answer["Location"] == reverse("clients:create")
    assert not Draft.objects.exists()
    assert NOTE not in browser.get(reverse("clients:create")).content.decode()


def test_drafts_older_than_a_week_are_forgotten(alice, bob):
    now = timezone.now()
    Draft.objects.create(
        user=alice, kind="client", object_key="new", payload="[]", updated_at=now - datetime.timedelta(days=8)
    )
    Draft.objects.create(
        user=bob, kind="client", object_key="new", payload="[]", updated_at=now - datetime.timedelta(days=6)
    )
    # Not offered any more even before the clean-up runs.
    assert "rozepsaný koncept" not in _browser(alice).get(reverse("clients:create")).content.decode()
    assert forget_old_drafts() == 1
    assert list(Draft.objects.values_list("user", flat=True)) == [bob.pk]
    schedule = project_settings.CELERY_BEAT_SCHEDULE["drafts-forget"]
    assert schedule["task"] == "common.tasks.forget_old_drafts"


def test_keeping_a_draft_does_not_extend_the_session_but_a_page_does(alice):
    browser = _browser(alice)
    browser.get(reverse("home"))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    before = _session_expiry(browser)
    assert _keep(browser, reverse("clients:draft_new"), identity="named", note=NOTE).status_code == 200
    assert browser.get(reverse("accounts:session_left")).json()["seconds_left"] in range(295, 301)
    assert _session_expiry(browser) == before
    browser.get(reverse("clients:list"))
    assert _session_expiry(browser) > before + datetime.timedelta(minutes=20)


def test_staying_signed_in_extends_the_session(alice):
    browser = _browser(alice)
    browser.get(reverse("home"))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=90))
    answer = browser.post(reverse("accounts:session_keep_alive"))
    assert answer.json()["seconds_left"] == project_settings.SESSION_COOKIE_AGE
    assert _session_expiry(browser) > timezone.now() + datetime.timedelta(minutes=25)


def test_the_time_left_counts_the_absolute_limit_too(alice, settings):
    browser = _browser(alice)
    browser.get(reverse("home"))
    session = browser.session
    session["liaison_signed_in_at"] = int(timezone.now().timestamp()) - settings.LIAISON_SESSION_MAX_SECONDS + 60
    session.save()
    assert browser.get(reverse("accounts:session_left")).json()["seconds_left"] in range(55, 61)


def test_every_signed_in_page_carries_the_warning_in_czech(alice, client):
    page = _browser(alice).get(reverse("clients:create")).content.decode()
    assert 'id="idle-warning"' in page and 'role="alertdialog"' in page
    assert f'data-warn-seconds="{project_settings.LIAISON_IDLE_WARNING_SECONDS}"' in page
    assert "Brzy budete odhlášeni" in page and "Zůstat přihlášen" in page
    assert "Za 2 minuty budete odhlášeni, pokud nezvolíte" in page
    assert 'data-draft-url="/clients/new/draft/"' in page
    assert "idle-warning" not in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize("name", ["contacts:create", "clients:create"])
def test_forms_without_a_draft_show_no_notice(alice, name):
    assert "rozepsaný koncept" not in _browser(alice).get(reverse(name)).content.decode()


def test_erasing_a_client_deletes_the_drafts_of_their_file_contacts_and_cases(alice, own_client, own_contact):
    from gdpr.anonymisation import anonymise_client
    from tests.factories import CaseFactory

    case = CaseFactory(client=own_client)
    other = ClientFactory(organisation=alice.organisation, created_by=alice)
    now = timezone.now()
    for kind, key in [
        ("client", str(own_client.pk)),
        ("contact", str(own_contact.pk)),
        ("case", str(case.pk)),
        ("case", f"new-{own_client.pk}"),
        ("client", str(other.pk)),
        ("contact", "new"),
    ]:
        Draft.objects.create(user=alice, kind=kind, object_key=key, payload="[]", updated_at=now)
    anonymise_client(own_client)
    assert sorted(Draft.objects.values_list("kind", "object_key")) == [("client", str(other.pk)), ("contact", "new")]


def test_a_restored_contact_draft_naming_clients_is_an_audited_read_of_those_the_user_sees(
    alice, own_client, foreign_client
):
    from audit.models import AuditAction, AuditEvent

    browser = _browser(alice)
    _keep(browser, reverse("contacts:draft_new"), outcome=NOTE, clients=[str(own_client.pk), str(foreign_client.pk)])
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = browser.get(reverse("contacts:create")).content.decode()
    assert own_client.last_name in page and foreign_client.last_name not in page
    events = list(AuditEvent.objects.filter(pk__gt=before))
    assert [(e.action, e.object_id) for e in events] == [(AuditAction.VIEW, str(own_client.pk))]
