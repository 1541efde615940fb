"""What funders count about a client: sex, year of birth, district, target groups (never an
ethnic group), periods of service use with the reason for ending, and the ESF+ / OPZ+
monitoring sheet with "declined to say" apart from "not asked"."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import District, Region
from clients import services
from clients.models import Client, ParticipantSheet, ServiceUse, Sex
from clients.participation import EndReason
from gdpr.access_export import client_data
from gdpr.anonymisation import anonymise_client
from programmes.services import service_create, starting_service
from programmes.vocabulary import ServiceKind, TargetGroup
from tests.factories import ClientFactory, ServiceUseFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def browser(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def api(alice):
    api = APIClient()
    api.force_authenticate(alice)
    return api


def _brno() -> District:
    return District.objects.get(name="Brno-město")


def _post_client(browser, **extra):
    data = {"identity": "named", "first_name": "Marie", "last_name": "Dvořáková", **extra}
    return browser.post(reverse("clients:create"), data)


# -- districts ---------------------------------------------------------------------------------


def test_all_districts_are_loaded_in_their_regions(db):
    assert District.objects.count() == 77  # 76 districts and the capital
    assert District.objects.get(code="CZ0100").name == "Hlavní město Praha"
    assert District.objects.get(name="Ostrava-město").region.code == "CZ080"
    assert all(region.districts.exists() for region in Region.objects.all())
    assert District.objects.filter(region__code="CZ020").count() == 12


def test_form_offers_the_districts_grouped_by_region(browser):
    body = browser.get(reverse("clients:create")).content.decode()
    assert '<optgroup label="Jihomoravský kraj">' in body
    assert body.index('<optgroup label="Jihomoravský kraj">') < body.index(">Brno-město<")
    assert "Údaje pro ESF+ / OPZ+ (monitorovací list)" in body


# -- the client form ---------------------------------------------------------------------------


def test_named_client_with_everything_funders_count(browser, alice):
    response = _post_client(
        browser,
        birth_year=1987,
        sex=Sex.FEMALE,
        district=_brno().pk,
        target_groups=[TargetGroup.CRIME_VICTIMS, TargetGroup.DOMESTIC_VIOLENCE],
        labour_market_status="unemployed",
        education="declined",
    )
    assert response.status_code == 302
    client = Client.objects.get()
    assert (client.birth_year, client.sex, client.district) == (1987, Sex.FEMALE, _brno())
    assert client.target_groups == [TargetGroup.CRIME_VICTIMS, TargetGroup.DOMESTIC_VIOLENCE]
    sheet = client.participant_sheet
    assert (sheet.labour_market_status, sheet.education, sheet.housing_exclusion) == ("unemployed", "declined", "")
    page = browser.get(reverse("clients:detail", args=[client.pk])).content.decode()
    shown = ("Žena, 1987", "Brno-město", "Oběti trestného činu", "Osoby ohrožené domácím násilím", "Odmítl(a) uvést")
    assert all(text in page for text in shown)
    assert "nezjišťováno" in page  # housing: not asked is not "declined"


def test_sex_left_out_is_not_stated_and_no_sheet_without_answers(browser):
    assert _post_client(browser).status_code == 302
    client = Client.objects.get()
    assert client.sex == Sex.UNSTATED and client.target_groups == [] and client.birth_year is None
    assert not ParticipantSheet.objects.exists()


def test_pseudonym_still_needs_a_year_and_anonymous_keeps_none(browser):
    body = browser.post(reverse("clients:create"), {"identity": "pseudonym", "nickname": "Kuba"}).content.decode()
    assert "Klient pod pseudonymem musí mít rok narození." in body
    browser.post(reverse("clients:create"), {"identity": "anonymous", "birth_year": 1990, "sex": Sex.MALE})
    anonymous = Client.objects.get()
    assert anonymous.birth_year is None and anonymous.sex == Sex.MALE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sex": "unknown"}, "Vyberte platnou možnost"),
        ({"district": 987654}, "Vyberte platnou možnost"),
        ({"birth_year": 1850}, "Zadejte rok mezi 1900 a letošním rokem."),
        ({"education": "isced_9"}, "Vyberte platnou možnost"),
    ],
)
def test_bad_input_is_refused_in_czech(browser, data, message):
    response = _post_client(browser, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Client.objects.exists()


def test_emptied_sheet_goes_and_edit_form_shows_the_answers(browser, alice):
    client = services.client_create(by=alice, first_name="Jan", last_name="Kos", disadvantage="disability")
    body = browser.get(reverse("clients:edit", args=[client.pk])).content.decode()
    assert '<details class="border rounded px-3 py-2 mb-3" open>' in body
    assert '<option value="disability" selected>' in body
    data = {"identity": "named", "first_name": "Jan", "last_name": "Kos", "sex": Sex.MALE}
    assert browser.post(reverse("clients:edit", args=[client.pk]), data).status_code == 302
    assert not ParticipantSheet.objects.filter(client=client).exists()


# -- never an ethnic group ---------------------------------------------------------------------


def test_no_ethnic_group_through_the_form(browser):
    response = _post_client(browser, target_groups=[TargetGroup.MINORITIES])
    assert "Vyberte platnou možnost" in response.content.decode()
    assert not Client.objects.exists()
    body = browser.get(reverse("clients:create")).content.decode()
    assert 'value="minorities"' not in body


def test_no_ethnic_group_through_the_model_and_the_database(alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice)
    client.target_groups = [TargetGroup.CRIME_VICTIMS, TargetGroup.MINORITIES]
    with pytest.raises(ValidationError) as error:
        client.clean()
    assert error.value.message_dict["target_groups"] == ["U osoby se nikdy nezaznamenává žádná etnická skupina."]
    with pytest.raises(ValidationError):
        values: dict = {name: getattr(client, name) for name in services.CLIENT_FIELDS}
        values.update(services.participant_answers(client))
        services.client_update(client=client, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=client.pk).update(target_groups=[TargetGroup.MINORITIES])
    client.refresh_from_db()
    assert client.target_groups == []


def test_no_ethnic_group_through_the_api(api, own_client):
    url = reverse("api:client-detail", args=[own_client.pk])
    response = api.patch(url, {"target_groups": ["crime_victims", "minorities"]}, format="json")
    assert response.status_code == 400
    assert "target_groups" in response.json()
    own_client.refresh_from_db()
    assert own_client.target_groups == []


# -- the API -----------------------------------------------------------------------------------


def test_api_reads_and_writes_the_new_fields(api, alice):
    payload = {
        "identity": "named",
        "first_name": "Eva",
        "last_name": "Malá",
        "sex": "female",
        "birth_year": 1999,
        "district": _brno().pk,
        "target_groups": ["crime_victims"],
        "participant_sheet": {"labour_market_status": "declined", "housing_exclusion": "insecure"},
    }
    response = api.post(reverse("api:client-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    client = Client.objects.get()
    assert client.participant_sheet.labour_market_status == "declined"
    ServiceUseFactory(client=client, recorded_by=alice)
    url = reverse("api:client-detail", args=[client.pk])
    # A partial update keeps the sheet; the service periods are read only.
    assert api.patch(url, {"sex": "other", "service_uses": []}, format="json").status_code == 200
    data = api.get(url).json()
    assert data["sex"] == "other" and data["district"] == _brno().pk and data["target_groups"] == ["crime_victims"]
    assert data["participant_sheet"] == {
        "labour_market_status": "declined",
        "education": "",
        "housing_exclusion": "insecure",
        "disadvantage": "",
    }
    assert [use["service_name"] for use in data["service_uses"]] == [starting_service(alice.organisation).name]
    assert api.patch(url, {"participant_sheet": None}, format="json").status_code == 200
    assert api.get(url).json()["participant_sheet"] is None


@pytest.mark.parametrize(
    "payload",
    [
        {"sex": "x"},
        {"district": 2**40},
        {"district": "abc"},
        {"target_groups": "crime_victims"},
        {"target_groups": ["crime_victims", "crime_victims"]},
        {"participant_sheet": {"education": "isced_9"}},
        {"participant_sheet": "declined"},
    ],
)
def test_api_refuses_bad_values(api, own_client, payload):
    response = api.patch(reverse("api:client-detail", args=[own_client.pk]), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(payload)


def test_api_client_list_query_count_does_not_grow(api, alice):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(reverse("api:client-list")).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for _ in range(n):
            client = services.client_create(by=alice, first_name="A", last_name="B", education="isced_2")
            ServiceUseFactory(client=client, recorded_by=alice)

    add(2)
    small = count()
    add(5)
    assert count() == small


# -- periods of service use --------------------------------------------------------------------


def test_start_and_end_of_a_service_on_the_client_page(browser, alice, own_client):
    service = starting_service(alice.organisation)
    start = TODAY - 40 * DAY
    response = browser.post(
        reverse("clients:service_use_add", args=[own_client.pk]), {"service": service.pk, "started_on": start}
    )
    assert response.status_code == 302
    use = ServiceUse.objects.get()
    assert (use.client, use.service, use.started_on, use.recorded_by) == (own_client, service, start, alice)
    page = browser.get(reverse("clients:detail", args=[own_client.pk])).content.decode()
    assert "stále využívá" in page and reverse("clients:service_use_end", args=[own_client.pk, use.pk]) in page
    end_url = reverse("clients:service_use_end", args=[own_client.pk, use.pk])
    response = browser.post(end_url, {"ended_on": TODAY, "end_reason": EndReason.MOVED_AWAY})
    assert response.status_code == 302
    use.refresh_from_db()
    assert (use.ended_on, use.end_reason) == (TODAY, EndReason.MOVED_AWAY)
    assert "Odstěhoval(a) se" in browser.get(reverse("clients:detail", args=[own_client.pk])).content.decode()
    # Ending an ended period again is refused.
    body = browser.post(end_url, {"ended_on": TODAY, "end_reason": EndReason.DIED}).content.decode()
    assert "Toto období už bylo ukončeno." in body


def test_end_before_start_and_end_without_reason_are_refused(browser, own_client):
    use = ServiceUseFactory(client=own_client, started_on=TODAY - 10 * DAY)
    url = reverse("clients:service_use_end", args=[own_client.pk, use.pk])
    body = browser.post(url, {"ended_on": TODAY - 11 * DAY, "end_reason": "moved_away"}).content.decode()
    assert "Ukončení služby nemůže být dříve než její začátek." in body
    body = browser.post(url, {"ended_on": TODAY}).content.decode()
    assert "Vyberte, proč klient(ka) přestal(a) službu využívat." in body
    body = browser.post(url, {"ended_on": TODAY + DAY, "end_reason": "moved_away"}).content.decode()
    assert "Datum nemůže být v budoucnosti." in body
    use.refresh_from_db()
    assert use.ended_on is None


def test_model_rules_of_a_period(own_client, alice):
    use = ServiceUse(
        client=own_client,
        service=starting_service(alice.organisation),
        started_on=TODAY - 5 * DAY,
        ended_on=TODAY - 2 * DAY,
        recorded_by=alice,
    )
    with pytest.raises(ValidationError) as error:
        use.full_clean()
    assert error.value.message_dict == {"end_reason": ["Vyberte, proč klient(ka) přestal(a) službu využívat."]}
    use.ended_on, use.end_reason = TODAY - 6 * DAY, EndReason.GOAL_REACHED
    with pytest.raises(ValidationError) as error:
        use.full_clean()
    assert error.value.message_dict == {"ended_on": ["Ukončení služby nemůže být dříve než její začátek."]}


def test_the_database_repeats_the_rules(own_client, alice):
    service = starting_service(alice.organisation)
    common = {"client": own_client, "service": service, "recorded_by": alice}
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceUse.objects.create(**common, started_on=TODAY, ended_on=TODAY - DAY, end_reason="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceUse.objects.create(**common, started_on=TODAY - DAY, ended_on=TODAY)  # no reason
    ServiceUse.objects.create(**common, started_on=TODAY - 3 * DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceUse.objects.create(**common, started_on=TODAY - DAY)  # a second open period


def test_one_open_period_per_service_and_no_overlap(own_client, alice):
    first = starting_service(alice.organisation)
    second = service_create(organisation=alice.organisation, name="Intervenční centrum", kind=ServiceKind.CRISIS_HELP)
    use = services.service_use_start(client=own_client, service=first, started_on=TODAY - 30 * DAY, recorded_by=alice)
    with pytest.raises(ValidationError) as error:
        services.service_use_start(client=own_client, service=first, started_on=TODAY - DAY, recorded_by=alice)
    assert error.value.message_dict == {"service": ["Klient(ka) už tuto službu využívá: nejprve ukončete toto období."]}
    services.service_use_start(client=own_client, service=second, started_on=TODAY - DAY, recorded_by=alice)
    services.service_use_end(use=use, ended_on=TODAY - 10 * DAY, end_reason=EndReason.CLIENT_ENDED, note="")
    with pytest.raises(ValidationError) as error:  # starts inside the ended period
        services.service_use_start(client=own_client, service=first, started_on=TODAY - 20 * DAY, recorded_by=alice)
    assert error.value.message_dict == {"started_on": ["Toto období se překrývá s jiným obdobím téže služby."]}
    services.service_use_start(client=own_client, service=first, started_on=TODAY - 5 * DAY, recorded_by=alice)
    assert ServiceUse.objects.filter(client=own_client).count() == 3


def test_only_services_of_the_clients_organisation(browser, alice, oscar, own_client):
    foreign = starting_service(oscar.organisation)
    url = reverse("clients:service_use_add", args=[own_client.pk])
    assert f'value="{foreign.pk}"' not in browser.get(url).content.decode()
    body = browser.post(url, {"service": foreign.pk, "started_on": TODAY}).content.decode()
    assert "Vyberte platnou možnost" in body
    with pytest.raises(ValidationError) as error:
        services.service_use_start(client=own_client, service=foreign, started_on=TODAY, recorded_by=alice)
    assert error.value.message_dict == {"service": ["Vyberte službu organizace, u které je klient(ka) veden(a)."]}
    assert not ServiceUse.objects.exists()


# -- GDPR --------------------------------------------------------------------------------------


def _full_client(alice) -> Client:
    client = services.client_create(
        by=alice,
        first_name="Eva",
        last_name="Malá",
        birth_year=1990,
        sex=Sex.FEMALE,
        district=_brno(),
        target_groups=[TargetGroup.CRIME_VICTIMS],
        housing_exclusion="declined",
    )
    use = ServiceUseFactory(client=client, recorded_by=alice, note="Přišla s dcerou.")
    services.service_use_end(use=use, ended_on=TODAY, end_reason=EndReason.MOVED_AWAY, note="Odstěhovala se k sestře.")
    return client


def test_access_export_holds_the_new_fields(alice):
    data = json.loads(json.dumps(client_data(_full_client(alice))))
    assert data["client"]["pohlaví"] == "Žena"
    assert data["client"]["okres bydliště"] == "Brno-město"
    assert data["client"]["cílové skupiny"] == ["Oběti trestného činu"]
    assert data["participant_sheet"]["vyloučení z bydlení"] == "Odmítl(a) uvést"
    assert data["participant_sheet"]["nejvyšší dosažené vzdělání (ISCED)"] == ""
    [use] = data["service_uses"]
    assert use["důvod ukončení"] == "Odstěhoval(a) se" and use["poznámka"] == "Odstěhovala se k sestře."


def test_access_export_pdf_lists_the_sheet(client, carol, alice):
    full = _full_client(alice)
    client.force_login(carol)
    response = client.get(reverse("gdpr:access_export_pdf", args=[full.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_erasure_clears_what_funders_count(alice):
    client = _full_client(alice)
    anonymise_client(client)
    client.refresh_from_db()
    assert (client.sex, client.district, client.target_groups, client.birth_year) == (Sex.UNSTATED, None, [], None)
    assert not ParticipantSheet.objects.filter(client=client).exists()
    use = ServiceUse.objects.get(client=client)  # the period still counts, without its note
    assert (use.note, use.end_reason, use.ended_on) == ("", EndReason.MOVED_AWAY, TODAY)


def test_api_lists_the_districts_with_their_regions(api):
    rows = api.get("/api/v1/reference/districts/").json()
    assert len(rows) == 77
    brno = next(row for row in rows if row["name"] == "Brno-město")
    assert brno["code"] == "CZ0642" and brno["region"] == Region.objects.get(code="CZ064").pk
    assert api.get("/api/v1/reference/districts/99999999999999999999/").status_code == 404


def test_a_service_start_sent_twice_saves_once(browser, alice, own_client):
    from common.submissions import FIELD_NAME

    data = {"service": starting_service(alice.organisation).pk, "started_on": TODAY, FIELD_NAME: "a1b2c3d4e5f6"}
    url = reverse("clients:service_use_add", args=[own_client.pk])
    first, second = browser.post(url, data), browser.post(url, data)
    assert first["Location"] == second["Location"] == reverse("clients:detail", args=[own_client.pk])
    assert ServiceUse.objects.count() == 1
