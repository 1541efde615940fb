"""Opening and editing cases, bad input, rights, tasks, referrals and the timeline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus, CaseTransition, CrimeType, ReferralState, RightsInformation, Task
from cases.timeline import case_timeline, police_timeline
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    ContactFactory,
    PoliceFeedbackFactory,
    ReferralFactory,
    TaskFactory,
    police_sharing_consent,
)

TODAY = timezone.localdate


def _case_data(alice, **overrides):
    crime = CrimeType.objects.get(section="§218")
    data = {
        "title": "Lichva – nevýhodná půjčka",
        "assistant": alice.pk,
        "crime_types": [crime.pk],
        "incident_date": (TODAY() - datetime.timedelta(days=20)).isoformat(),
        "reported_on": (TODAY() - datetime.timedelta(days=5)).isoformat(),
        "region": alice.organisation.region_id or 0,
        "risk_level": "medium",
    }
    from accounts.models import Region

    data["region"] = Region.objects.get(code="CZ064").pk
    data.update(overrides)
    return data


def test_open_a_case_from_the_client(client, alice, own_client):
    client.force_login(alice)
    detail = client.get(reverse("clients:detail", args=[own_client.pk])).content.decode()
    assert reverse("cases:create", args=[own_client.pk]) in detail
    response = client.post(reverse("cases:create", args=[own_client.pk]), _case_data(alice))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.client, case.organisation, case.status) == (own_client, alice.organisation, CaseStatus.NEW)
    assert CaseTransition.objects.get(case=case).to_status == CaseStatus.NEW
    assert (
        reverse("cases:detail", args=[case.pk])
        in client.get(reverse("clients:detail", args=[own_client.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"incident_date": (TODAY() + datetime.timedelta(days=2)).isoformat()}, "nemůže být v budoucnosti"),
        (
            {
                "incident_date": (TODAY() - datetime.timedelta(days=1)).isoformat(),
                "reported_on": (TODAY() - datetime.timedelta(days=3)).isoformat(),
            },
            "nemůže být po dni",
        ),
        ({"crime_types": [999999]}, "Vyberte platnou možnost"),
        ({"crime_types": []}, "Toto pole je vyžadováno"),
        ({"shared_with_police": "on"}, "souhlas"),
    ],
)
def test_bad_case_input_saves_nothing(client, alice, own_client, overrides, message):
    client.force_login(alice)
    response = client.post(reverse("cases:create", args=[own_client.pk]), _case_data(alice, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_retired_crime_type_is_refused_for_a_new_case(client, alice, own_client):
    retired = CrimeType.objects.create(section="§999", name="Zrušený", is_active=False)
    client.force_login(alice)
    response = client.post(reverse("cases:create", args=[own_client.pk]), _case_data(alice, crime_types=[retired.pk]))
    assert response.status_code == 200 and not Case.objects.exists()


def test_shared_case_can_be_opened_with_consent(client, alice, own_client):
    police_sharing_consent(own_client)
    client.force_login(alice)
    response = client.post(reverse("cases:create", args=[own_client.pk]), _case_data(alice, shared_with_police="on"))
    assert response.status_code == 302
    assert Case.objects.get().shared_with_police


def test_edit_never_changes_the_status(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=CaseStatus.IN_PROGRESS)
    client.force_login(alice)
    response = client.post(reverse("cases:edit", args=[case.pk]), _case_data(alice, status="closed", title="Nový"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Nový" and case.status == CaseStatus.IN_PROGRESS


def test_edit_keeps_a_status_change_and_review_made_meanwhile(alice, own_client, police_officer):
    case = CaseFactory(client=own_client, assistant=alice, status=CaseStatus.NEW)
    form_copy = Case.objects.get(pk=case.pk)  # what the edit form was built from
    services.case_transition(case=case, to_status=CaseStatus.IN_PROGRESS, by=alice)
    Case.objects.filter(pk=case.pk).update(police_reviewed_at=timezone.now(), police_reviewed_by=police_officer)
    form_copy.title = "Nový název"
    fields = {name: getattr(form_copy, name) for name in services.CASE_FIELDS if name != "crime_types"}
    services.case_update(case=form_copy, by=alice, **fields, crime_types=CrimeType.objects.filter(section="§218"))
    case.refresh_from_db()
    assert case.title == "Nový název" and case.status == CaseStatus.IN_PROGRESS
    assert case.police_reviewed_by == police_officer


def test_task_due_in_the_past_is_refused(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    client.force_login(alice)
    url = reverse("cases:task_add", args=[case.pk])
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"title": "Zavolat na OOP", "due_on": yesterday, "assignee": alice.pk})
    assert response.status_code == 400 and "minulosti" in response.content.decode()
    assert not Task.objects.exists()
    response = client.post(url, {"title": "Zavolat na OOP", "due_on": TODAY().isoformat(), "assignee": alice.pk})
    assert response.status_code == 302 and Task.objects.get().created_by == alice


def test_task_cannot_be_given_to_another_organisation(client, alice, oscar, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    client.force_login(alice)
    data = {"title": "x", "due_on": TODAY().isoformat(), "assignee": oscar.pk}
    assert client.post(reverse("cases:task_add", args=[case.pk]), data).status_code == 400


def test_my_tasks_marks_overdue_in_text(client, alice, bob, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    TaskFactory(case=case, title="Prošlý úkol", due_on=TODAY() - datetime.timedelta(days=2))
    TaskFactory(case=case, title="Budoucí úkol")
    TaskFactory(case=case, title="Bobův úkol", assignee=bob)
    TaskFactory(case=case, title="Hotový úkol", done_at=timezone.now())
    client.force_login(alice)
    body = client.get(reverse("cases:my_tasks")).content.decode()
    assert "Prošlý úkol" in body and "Budoucí úkol" in body
    assert "Bobův úkol" not in body and "Hotový úkol" not in body
    assert body.count("Po termínu") == 1
    assert body.index("Prošlý úkol") < body.index("Budoucí úkol")


def test_rights_information_is_recorded_once_with_its_date(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    client.force_login(alice)
    url = reverse("cases:rights", args=[case.pk])
    day = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert client.post(url, {"rights": ["information", "privacy"], "informed_on": day}).status_code == 302
    assert set(RightsInformation.objects.values_list("right", flat=True)) == {"information", "privacy"}
    first = RightsInformation.objects.first()
    assert first is not None and first.informed_on.isoformat() == day
    # Extra rights of a particularly vulnerable victim are not offered for this case.
    response = client.post(url, {"rights": ["vulnerable_interview"], "informed_on": day})
    assert response.status_code == 400
    future = (TODAY() + datetime.timedelta(days=1)).isoformat()
    assert client.post(url, {"rights": ["financial_help"], "informed_on": future}).status_code == 400
    assert RightsInformation.objects.count() == 2


def test_vulnerable_victim_gets_the_extra_rights(alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, particularly_vulnerable=True)
    services.rights_record(case=case, rights=["vulnerable_interview"], informed_on=TODAY(), by=alice)
    assert case.rights_information.get().right == "vulnerable_interview"


def test_referral_states_keep_their_dates(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    client.force_login(alice)
    proposed = TODAY() - datetime.timedelta(days=5)
    response = client.post(
        reverse("cases:referral_add", args=[case.pk]),
        {"service": "trafficking_help", "provider": "La Strada", "proposed_on": proposed.isoformat()},
    )
    assert response.status_code == 302
    referral = case.referrals.get()
    url = reverse("cases:referral_state", args=[referral.pk])
    too_early = (proposed - datetime.timedelta(days=1)).isoformat()
    assert client.post(url, {"state": "sent", "on": too_early}).status_code == 400
    assert client.post(url, {"state": "sent", "on": proposed.isoformat()}).status_code == 302
    assert client.post(url, {"state": "accepted", "on": TODAY().isoformat()}).status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.sent_on, referral.answered_on) == (ReferralState.ACCEPTED, proposed, TODAY())


def test_notes_are_encrypted_at_rest(alice, own_client):
    from django.db import connection

    case = CaseFactory(client=own_client, assistant=alice)
    note = services.note_add(case=case, author=alice, text="Klientka se bojí", shared_with_police=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote WHERE id = %s", [note.pk])
        assert "bojí" not in cursor.fetchone()[0]


def test_timeline_is_in_chronological_order(alice, own_client, police_officer):
    case = CaseFactory(client=own_client, assistant=alice)
    now = timezone.now()

    def at(days):
        return now - datetime.timedelta(days=days)

    transition = CaseTransition.objects.create(case=case, from_status="", to_status="new", by=alice)
    CaseTransition.objects.filter(pk=transition.pk).update(at=at(10))
    ContactFactory(assistant=alice, clients=[own_client], case=case, occurred_at=at(8))
    note = CaseNoteFactory(case=case, text="interní", shared_with_police=False)
    type(note).objects.filter(pk=note.pk).update(created_at=at(6))
    ReferralFactory(case=case, proposed_on=(at(4)).date())
    task = TaskFactory(case=case, title="úkol")
    type(task).objects.filter(pk=task.pk).update(created_at=at(2))
    feedback = PoliceFeedbackFactory(case=case, officer=police_officer, text="zpětná vazba")
    type(feedback).objects.filter(pk=feedback.pk).update(created_at=at(1))

    kinds = [entry.kind for entry in case_timeline(case)]
    assert kinds == ["transition", "contact", "note", "referral", "task", "feedback"]
    times = [entry.at for entry in case_timeline(case)]
    assert times == sorted(times)
    # The police timeline leaves out internal notes, contacts, referrals and tasks.
    assert [entry.kind for entry in police_timeline(case, viewer=police_officer)] == ["transition", "feedback"]


def test_case_detail_shows_the_timeline(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    CaseNoteFactory(case=case, text="Schůzka na OOP Cejl")
    client.force_login(alice)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Schůzka na OOP Cejl" in body and "Časová osa" in body


@pytest.mark.parametrize("status", [CaseStatus.NEW, CaseStatus.CLOSED])
def test_case_list_filters_by_status(client, alice, own_client, status):
    CaseFactory(client=own_client, assistant=alice, title="Nový případ", status=CaseStatus.NEW)
    CaseFactory(client=own_client, assistant=alice, title="Uzavřený případ", status=CaseStatus.CLOSED)
    client.force_login(alice)
    body = client.get(reverse("cases:list"), {"status": status}).content.decode()
    shown, hidden = (
        ("Nový případ", "Uzavřený případ") if status == CaseStatus.NEW else ("Uzavřený případ", "Nový případ")
    )
    assert shown in body and hidden not in body


def test_case_list_filters_by_crime_type_assistant_and_locality(client, alice, bob, own_client):
    from tests.factories import a_locality

    usury, theft = CrimeType.objects.get(section="§218"), CrimeType.objects.get(section="§205")
    brno, ostrava = a_locality("Brno"), a_locality("Ostrava")
    CaseFactory(client=own_client, assistant=alice, title="Alicin případ", crime_types=[usury], locality=brno)
    CaseFactory(client=own_client, assistant=bob, title="Bobův případ", crime_types=[theft], locality=ostrava)
    client.force_login(alice)
    for params, shown, hidden in [
        ({"crime_type": usury.pk}, "Alicin případ", "Bobův případ"),
        ({"assistant": bob.pk}, "Bobův případ", "Alicin případ"),
        ({"locality": ostrava.pk}, "Bobův případ", "Alicin případ"),
    ]:
        body = client.get(reverse("cases:list"), params).content.decode()
        assert shown in body and hidden not in body, params


def test_case_list_is_paginated(client, alice, own_client):
    for n in range(27):
        CaseFactory(client=own_client, assistant=alice, title=f"Stránkovaný {n:02d}")
    client.force_login(alice)
    first = client.get(reverse("cases:list")).content.decode()
    second = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert first.count("Stránkovaný") == 25 and second.count("Stránkovaný") == 2
