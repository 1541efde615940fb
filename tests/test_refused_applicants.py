"""Applicants refused under §91(3) of act 108/2006 Sb.: anonymous records of the organisation,
counted by reason for a year, never client files."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import Client, RefusalReason, RefusedApplicant
from clients.selectors import visible_refused_applicants

THIS_YEAR = timezone.localdate().year


def _refuse(user, reason=RefusalReason.CAPACITY, on=None, **fields):
    return services.refused_applicant_record(
        by=user,
        requested_on=on or timezone.localdate(),
        requested=fields.pop("requested", "Doprovod na policii"),
        reason=reason,
        **fields,
    )


def _post_data(**overrides):
    data = {
        "requested_on": timezone.localdate().isoformat(),
        "requested": "Doprovod k soudu",
        "reason": RefusalReason.CAPACITY,
        "birth_year": "1980",
        "sex": "female",
        "note": "Doporučena jiná organizace v kraji.",
    }
    data.update(overrides)
    return data


def test_service_records_in_the_own_organisation_and_keeps_no_client(alice):
    applicant = _refuse(alice, note="Odkázána na Bílý kruh bezpečí.", birth_year=1975, sex="female")
    applicant.refresh_from_db()
    assert applicant.organisation == alice.organisation and applicant.recorded_by == alice
    assert applicant.note == "Odkázána na Bílý kruh bezpečí."
    assert Client.objects.count() == 0


def test_service_refuses_users_who_keep_no_client_files(police_officer, ministry_analyst, administrator):
    for user in (police_officer, ministry_analyst, administrator):
        with pytest.raises(PermissionDenied):
            _refuse(user)
    assert RefusedApplicant.objects.count() == 0


def test_service_refuses_a_reason_outside_the_act(alice):
    with pytest.raises(ValidationError) as raised:
        _refuse(alice, reason="did_not_like_them")
    assert "reason" in raised.value.message_dict
    assert RefusedApplicant.objects.count() == 0


def test_each_organisation_sees_only_its_own(alice, carol, oscar, police_officer, ministry_analyst, administrator):
    own, foreign = _refuse(alice), _refuse(oscar)
    assert list(visible_refused_applicants(alice)) == [own]
    assert list(visible_refused_applicants(carol)) == [own]
    assert list(visible_refused_applicants(oscar)) == [foreign]
    for user in (police_officer, ministry_analyst, administrator):
        assert not visible_refused_applicants(user).exists()


def test_list_shows_no_foreign_refusal(client, alice, oscar):
    _refuse(alice, requested="Pomoc s vyplněním žádosti")
    _refuse(oscar, requested="Cizí organizace žádost")
    client.force_login(alice)
    page = client.get(reverse("clients:refused_list")).content.decode()
    assert "Pomoc s vyplněním žádosti" in page
    assert "Cizí organizace žádost" not in page


@pytest.mark.parametrize("role_user", ["police_officer", "ministry_analyst", "administrator"])
def test_other_roles_are_refused_both_pages(client, request, role_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(reverse("clients:refused_list")).status_code == 403
    assert client.get(reverse("clients:refused_create")).status_code == 403
    assert client.post(reverse("clients:refused_create"), _post_data()).status_code == 403
    assert RefusedApplicant.objects.count() == 0


def test_form_saves_and_returns_to_the_list(client, alice):
    client.force_login(alice)
    response = client.post(reverse("clients:refused_create"), _post_data())
    assert response.status_code == 302 and response["Location"] == reverse("clients:refused_list")
    applicant = RefusedApplicant.objects.get()
    assert (applicant.organisation, applicant.recorded_by, applicant.birth_year) == (alice.organisation, alice, 1980)
    assert applicant.reason == RefusalReason.CAPACITY


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "", "Toto pole je vyžadováno."),
        ("reason", "dislike", "Vyberte platnou možnost"),
        ("requested", "", "Toto pole je vyžadováno."),
        (
            "requested_on",
            (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "Datum nemůže být v budoucnosti.",
        ),
        ("requested_on", "1999-12-31", "Datum nemůže být před rokem 2000."),
        ("birth_year", "1850", "Zadejte rok mezi 1900 a letošním rokem."),
        ("sex", "x", "Vyberte platnou možnost"),
    ],
)
def test_bad_input_rerenders_in_czech_and_saves_nothing(client, alice, field, value, message):
    client.force_login(alice)
    response = client.post(reverse("clients:refused_create"), _post_data(**{field: value}), HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Odmítnutí nebylo zaznamenáno." in page
    assert RefusedApplicant.objects.count() == 0


def test_counts_by_reason_for_the_chosen_year(client, alice, oscar):
    last_year = datetime.date(THIS_YEAR - 1, 6, 1)
    for reason in (RefusalReason.CAPACITY, RefusalReason.CAPACITY, RefusalReason.HEALTH):
        _refuse(alice, reason=reason)
    _refuse(alice, reason=RefusalReason.EXPELLED, on=last_year)
    _refuse(oscar, reason=RefusalReason.CAPACITY)  # another organisation's: never counted here
    client.force_login(alice)

    response = client.get(reverse("clients:refused_list"))
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts == {"not_provided": 0, "capacity": 2, "health": 1, "expelled": 0}
    assert response.context["total"] == 3 and response.context["year"] == THIS_YEAR

    response = client.get(reverse("clients:refused_list"), {"year": THIS_YEAR - 1})
    assert {value: n for value, _label, n in response.context["counts"]}["expelled"] == 1
    assert response.context["total"] == 1

    # A reason narrows the list, not the counts of the year.
    response = client.get(reverse("clients:refused_list"), {"year": THIS_YEAR, "reason": "health"})
    assert [a.reason for a in response.context["page"].object_list] == ["health"]
    assert response.context["total"] == 3


def test_counts_are_shown_in_czech(client, alice):
    _refuse(alice, reason=RefusalReason.CAPACITY)
    client.force_login(alice)
    page = client.get(reverse("clients:refused_list"), HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert f"Odmítnutí v roce {THIS_YEAR} podle důvodu" in page
    assert "Nedostatečná kapacita (§ 91 odst. 3 písm. b)" in page


def test_a_bad_year_falls_back_to_this_year(client, alice):
    client.force_login(alice)
    response = client.get(reverse("clients:refused_list"), {"year": "1800"})
    assert response.status_code == 200 and response.context["year"] == THIS_YEAR


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


def test_list_queries_pinned_whatever_the_number_of_rows(client, alice):
    client.force_login(alice)
    ContentType.objects.get_for_model(RefusedApplicant)
    _refuse(alice)
    small, _ = _count_queries(client, reverse("clients:refused_list"))
    for reason in RefusalReason.values * 5:
        _refuse(alice, reason=reason, birth_year=1990, sex="male")
    count, ctx = _count_queries(client, reverse("clients:refused_list"))
    # 1 session, 2 user with the organisation (scoping), 3 the second-factor device of the
    # session, 4 counts by reason, 5 page rows with their count, locality and author (the idle
    # timeout renews the session at most once a minute, not on these requests).
    assert count == small == 5, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_demo_data_has_a_few_refusals_per_organisation(db, settings):
    from django.core.management import call_command

    from accounts.models import Organisation

    settings.DEBUG = True
    call_command("seed_demo", password="demo-heslo-123")
    with_clients = Organisation.objects.filter(clients__isnull=False).distinct()
    assert with_clients.exists()
    for organisation in with_clients:
        refusals = RefusedApplicant.objects.filter(organisation=organisation)
        assert 4 <= refusals.count() <= 7
        assert all(a.recorded_by.organisation_id == organisation.pk for a in refusals)
    total = RefusedApplicant.objects.count()
    call_command("seed_demo", password="demo-heslo-123")
    assert RefusedApplicant.objects.count() == total
    # A demo seeded before refusals existed gets them when it is seeded again.
    RefusedApplicant.objects.all().delete()
    call_command("seed_demo", password="demo-heslo-123")
    assert RefusedApplicant.objects.count() == total


def test_detail_of_another_organisation_is_404(client, alice, oscar):
    own, foreign = _refuse(alice, note="Odkázána jinam."), _refuse(oscar)
    client.force_login(alice)
    response = client.get(reverse("clients:refused_detail", args=[own.pk]), HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 200 and "Odkázána jinam." in response.content.decode()
    assert client.get(reverse("clients:refused_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("clients:refused_detail", args=[987654])).status_code == 404


@pytest.mark.parametrize("role_user", ["police_officer", "ministry_analyst", "administrator"])
def test_other_roles_are_refused_the_detail(client, request, alice, role_user):
    own = _refuse(alice)
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(reverse("clients:refused_detail", args=[own.pk])).status_code == 403
