"""Dates that cannot be true are refused with a clear Czech message, on the pages and in the API;
a negative duration gives one message; months and dates read the Czech way everywhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from clients import services as client_services
from clients.models import Consent
from contacts.models import Contact, earliest_contact_day
from groupwork.models import GroupActivity
from reports.models import ReportJob
from reports.statistics import month_label
from tests.factories import activity_type_of
from tests.test_api import _contact_payload
from tests.test_contact_form import _post_data

TODAY = timezone.localdate()
NOVEMBER_28 = datetime.date(2026, 11, 28)


@pytest.fixture
def api():
    return APIClient()


def _errors(response, field: str) -> list[str]:
    return [str(message) for message in response.context["form"].errors.get(field, [])]


# -- consents ---------------------------------------------------------------------------------


def test_a_consent_dated_1850_is_refused_in_czech(client, alice, own_client):
    client.force_login(alice)
    url = reverse("clients:consent_add", args=[own_client.pk])
    response = client.post(url, {"purpose": Consent.Purpose.PROCESSING, "given_on": "1850-03-01"})
    assert response.status_code == 200
    assert _errors(response, "given_on") == ["Datum nemůže být před rokem 2000."]
    assert not Consent.objects.exists()


def test_the_consent_service_refuses_it_too(alice, own_client):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        client_services.consent_record(
            client=own_client, purpose=Consent.Purpose.PROCESSING, given_on=datetime.date(1850, 3, 1), recorded_by=alice
        )
    assert refused.value.message_dict == {"given_on": ["Datum nemůže být před rokem 2000."]}
    assert not Consent.objects.exists()


# -- contacts ---------------------------------------------------------------------------------


def _eleven_years_ago() -> str:
    return (timezone.localtime() - datetime.timedelta(days=365 * 11)).strftime("%Y-%m-%dT%H:%M")


def test_a_contact_more_than_ten_years_back_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), _post_data(occurred_at=_eleven_years_ago()))
    assert response.status_code == 200
    day = formats.date_format(earliest_contact_day(), "SHORT_DATE_FORMAT")
    assert _errors(response, "occurred_at") == [f"Kontakt nelze zaznamenat více než 10 let zpětně (před {day})."]
    assert not Contact.objects.exists()


def test_a_contact_before_the_organisation_existed_is_refused(client, alice):
    organisation = alice.organisation
    organisation.founded_on = TODAY - datetime.timedelta(days=30)
    organisation.save(update_fields=["founded_on"])
    client.force_login(alice)
    before = (timezone.localtime() - datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("contacts:create"), _post_data(occurred_at=before))
    assert response.status_code == 200
    founded = formats.date_format(organisation.founded_on, "SHORT_DATE_FORMAT")
    assert f"Organizace působí teprve od {founded}: kontakt nemůže být dřívější." in response.content.decode()
    assert not Contact.objects.exists()
    after = (timezone.localtime() - datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("contacts:create"), _post_data(occurred_at=after, anonymous_persons="1"))
    assert response.status_code == 302, response.context["form"].errors


def test_the_api_refuses_the_same_contact_dates(api, alice):
    api.force_authenticate(alice)
    old = (timezone.now() - datetime.timedelta(days=365 * 11)).isoformat()
    response = api.post(reverse("api:contact-list"), _contact_payload(occurred_at=old), format="json")
    assert response.status_code == 400
    assert response.json()["occurred_at"][0].startswith("Kontakt nelze zaznamenat více než 10 let zpětně")
    organisation = alice.organisation
    organisation.founded_on = TODAY - datetime.timedelta(days=30)
    organisation.save(update_fields=["founded_on"])
    early = (timezone.now() - datetime.timedelta(days=40)).isoformat()
    response = api.post(reverse("api:contact-list"), _contact_payload(occurred_at=early), format="json")
    assert response.status_code == 400
    assert "Organizace působí teprve od" in str(response.json())
    assert not Contact.objects.exists()


# -- report periods ---------------------------------------------------------------------------


def _next_month() -> datetime.date:
    return (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def test_a_report_period_in_the_future_is_refused_on_the_page(client, carol):
    client.force_login(carol)
    start = _next_month()
    data = {"start": start.isoformat(), "end": (start + datetime.timedelta(days=20)).isoformat()}
    response = client.post(reverse("reports:create", args=["activity"]), {**data, "breakdown": "all", "format": "csv"})
    assert response.status_code == 200
    today = formats.date_format(TODAY, "SHORT_DATE_FORMAT")
    assert f"Období výkazu nemůže začínat v budoucnosti (po {today})." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_a_report_period_in_the_future_is_refused_by_the_api(api, ministry_analyst, carol):
    start = _next_month()
    api.force_authenticate(ministry_analyst)
    period = f"{start.year}-{start.month:02d}"
    response = api.get(reverse("api:national-statistics"), {"period": period})
    assert response.status_code == 400
    assert "Období výkazu nemůže začínat v budoucnosti" in str(response.json())
    api.force_authenticate(carol)
    end = start + datetime.timedelta(days=10)
    response = api.post(
        "/api/v1/report-jobs/",
        {"report_type": "activity", "start": start.isoformat(), "end": end.isoformat(), "format": "csv"},
        format="json",
    )
    assert response.status_code == 400
    assert "Období výkazu nemůže začínat v budoucnosti" in str(response.json())
    assert not ReportJob.objects.exists()


def test_the_current_month_may_still_be_reported(api, carol):
    api.force_authenticate(carol)
    start = TODAY.replace(day=1)
    response = api.post(
        "/api/v1/report-jobs/",
        {"report_type": "activity", "start": start.isoformat(), "end": TODAY.isoformat(), "format": "csv"},
        format="json",
    )
    assert response.status_code == 201, response.json()


# -- a negative duration ----------------------------------------------------------------------


def test_a_negative_duration_gives_one_message_on_the_contact_form(client, alice):
    client.force_login(alice)
    organisation = alice.organisation
    data = _post_data(activities=[(activity_type_of(organisation), -5)], duration_minutes="-5")
    response = client.post(reverse("contacts:create"), data)
    assert response.status_code == 200
    assert _errors(response, "duration_minutes") == ["Délka musí být alespoň jedna minuta."]
    body = response.content.decode()
    assert "větší nebo rovna 0" not in body
    assert body.count("Každý výkon trvá alespoň jednu minutu.") == 1
    assert not Contact.objects.exists()


def test_a_negative_duration_gives_the_same_one_message_in_the_api(api, alice):
    api.force_authenticate(alice)
    response = api.post(reverse("api:contact-list"), _contact_payload(duration_minutes=-5), format="json")
    assert response.status_code == 400
    assert response.json()["duration_minutes"] == ["Délka musí být alespoň jedna minuta."]


def test_a_negative_group_activity_duration_gives_one_message(client, alice):
    client.force_login(alice)
    response = client.post(reverse("groupwork:create"), {"minutes": "-5"})
    assert response.status_code == 200
    assert _errors(response, "minutes") == ["Zadejte délku od 1 minuty do 24 hodin (1440 minut)."]
    assert not GroupActivity.objects.exists()


# -- months and dates the Czech way -----------------------------------------------------------


def test_czech_months_are_in_the_nominative_and_dates_have_spaces():
    with translation.override("cs"):
        assert month_label(datetime.date(2026, 11, 1)) == "listopad 2026"
        assert month_label(datetime.date(2026, 3, 1)) == "březen 2026"
        assert formats.date_format(NOVEMBER_28, "SHORT_DATE_FORMAT") == "28. 11. 2026"
        assert formats.date_format(datetime.date(2026, 3, 5), "SHORT_DATE_FORMAT") == "5. 3. 2026"
    with translation.override("en"):
        assert month_label(datetime.date(2026, 11, 1)) == "November 2026"


def test_the_dashboard_names_months_in_czech(client, alice):
    client.force_login(alice)
    body = client.get(reverse("reports:dashboard")).content.decode()
    this_month = formats.date_format(TODAY.replace(day=1), "F Y")
    assert this_month in body
    assert TODAY.strftime("%Y-%m") + '"' not in body


def test_a_report_job_shows_its_period_and_time_the_czech_way(client, carol):
    job = ReportJob.objects.create(
        requested_by=carol,
        organisation=carol.organisation,
        report_type="activity",
        parameters={"start": "2026-11-01", "end": "2026-11-30", "breakdown": "all", "format": "csv"},
    )
    part = ReportJob.objects.create(
        requested_by=carol,
        organisation=carol.organisation,
        report_type="activity",
        parameters={"start": "2026-11-02", "end": "2026-11-28", "breakdown": "all", "format": "csv"},
    )
    client.force_login(carol)
    body = client.get(reverse("reports:list")).content.decode()
    local = timezone.localtime(job.created_at)
    assert f"{local.day}. {local.month}. {local.year} {local.hour}:{local.minute:02d}" in body
    assert "listopad 2026" in body  # a whole month
    assert "2. 11. 2026 – 28. 11. 2026" in body
    assert "2026-11-01" not in body
    detail = client.get(reverse("reports:detail", args=[part.pk])).content.decode()
    assert "2. 11. 2026 – 28. 11. 2026" in detail


def test_the_audit_trail_shows_local_time(client, carol):
    moment = datetime.datetime(2026, 11, 28, 23, 30, 5, tzinfo=datetime.UTC)  # 29. 11. 0:30:05 in Prague
    AuditEvent.objects.create(
        occurred_at=moment,
        action=AuditAction.LOGIN,
        actor=carol,
        username=carol.username,
        actor_organisation_id=carol.organisation_id,
    )
    client.force_login(carol)
    body = client.get(reverse("audit:trail"), {"date_from": "2026-11-29", "date_to": "2026-11-29"}).content.decode()
    assert "29. 11. 2026 00:30:05" in body
    assert "2026-11-28 23:30:05" not in body
    assert "(UTC)" not in body
