"""Reporting deadlines of projects and services: their rules with Czech messages, marking one
submitted (a repeating one gets its next occurrence), the coordinator's pages, and the start
page's reminder a month and a week before and when overdue."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from attention import digest, selectors
from programmes import deadlines
from programmes.models import ReportingDeadline
from programmes.services import starting_service
from tests.programme_helpers import programme_of

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


def _deadline(project, due_on, **kwargs) -> ReportingDeadline:
    return deadlines.deadline_create(
        organisation=project.organisation, project=project, name="Průběžná zpráva", due_on=due_on, **kwargs
    )


@pytest.fixture
def own(alice):
    return programme_of(alice, "own")


def test_add_months_keeps_the_last_day_of_a_month():
    assert deadlines.add_months(datetime.date(2026, 6, 30), 6) == datetime.date(2026, 12, 31)
    assert deadlines.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert deadlines.add_months(datetime.date(2026, 1, 15), 12) == datetime.date(2027, 1, 15)


def test_a_period_ending_before_its_start_is_refused_in_czech(own):
    with pytest.raises(ValidationError) as refused:
        _deadline(
            own["own_project"],
            datetime.date(2026, 7, 31),
            period_start=datetime.date(2026, 6, 30),
            period_end=datetime.date(2026, 1, 1),
        )
    assert "Konec období nemůže být před jeho začátkem." in refused.value.messages
    assert not ReportingDeadline.objects.filter(due_on=datetime.date(2026, 7, 31)).exists()


def test_a_report_due_before_its_period_ends_is_refused_and_on_the_last_day_allowed(own):
    with pytest.raises(ValidationError) as refused:
        _deadline(
            own["own_project"],
            datetime.date(2026, 6, 1),
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 6, 30),
        )
    assert "nemůže být před koncem období" in " ".join(refused.value.messages)
    kept = _deadline(
        own["own_project"],
        datetime.date(2026, 6, 30),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
    )
    assert kept.pk


def test_a_deadline_belongs_to_a_project_or_a_service_of_the_organisation(own, oscar):
    service = own["own_service"]
    with pytest.raises(ValidationError) as both:
        deadlines.deadline_create(
            organisation=service.organisation,
            project=own["own_project"],
            service=service,
            name="Roční výkaz",
            due_on=TODAY,
        )
    assert "Zvolte buď projekt, nebo službu." in both.value.messages
    foreign = starting_service(oscar.organisation)
    with pytest.raises(ValidationError) as other:
        deadlines.deadline_create(organisation=service.organisation, service=foreign, name="Výkaz", due_on=TODAY)
    assert "Zvolte projekt nebo službu vaší organizace." in other.value.messages


def test_marking_a_half_yearly_report_submitted_creates_the_next(own, carol):
    deadline = _deadline(
        own["own_project"],
        datetime.date(2026, 7, 31),
        repeat=ReportingDeadline.Repeat.HALF_YEAR,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
    )
    following = deadlines.deadline_submit(deadline=deadline, by=carol)
    deadline.refresh_from_db()
    assert deadline.submitted_by == carol and deadline.submitted_at is not None
    assert following is not None
    assert (following.due_on, following.period_start, following.period_end) == (
        datetime.date(2027, 1, 31),
        datetime.date(2026, 7, 1),
        datetime.date(2026, 12, 31),
    )
    assert following.submitted_at is None and following.project == own["own_project"]
    with pytest.raises(ValidationError) as again:
        deadlines.deadline_submit(deadline=deadline, by=carol)
    assert "již byla označena jako odevzdaná" in " ".join(again.value.messages)
    assert ReportingDeadline.objects.filter(project=own["own_project"], name="Průběžná zpráva").count() == 3


def test_the_yearly_mpsv_statement_moves_a_year_and_a_single_report_has_no_next(own, carol):
    statement = deadlines.deadline_create(
        organisation=own["own_service"].organisation,
        service=own["own_service"],
        name="Roční výkaz služby pro MPSV",
        due_on=datetime.date(2026, 6, 30),
        repeat=ReportingDeadline.Repeat.YEAR,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    following = deadlines.deadline_submit(deadline=statement, by=carol)
    assert following is not None and following.service == own["own_service"]
    assert (following.due_on, following.period_start, following.period_end) == (
        datetime.date(2027, 6, 30),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    final = _deadline(own["own_project"], datetime.date(2027, 1, 31))
    assert deadlines.deadline_submit(deadline=final, by=carol) is None


def test_the_coordinator_adds_a_deadline_and_gets_czech_errors(client, carol, own):
    client.force_login(carol)
    url = reverse("programmes:deadline_create")
    page = client.get(url)
    assert "Průběžná zpráva o realizaci (OPZ+)" in page.content.decode()  # a suggestion
    refused = client.post(
        url,
        {
            "name": "Závěrečná zpráva",
            "project": own["own_project"].pk,
            "due_on": "2026-12-31",
            "repeat": "none",
            "period_start": "2026-06-30",
            "period_end": "2026-01-01",
        },
    )
    assert refused.status_code == 400
    assert "Konec období nemůže být před jeho začátkem." in refused.content.decode()
    neither = client.post(url, {"name": "Závěrečná zpráva", "due_on": "2026-12-31", "repeat": "none"})
    assert neither.status_code == 400 and "Zvolte buď projekt, nebo službu." in neither.content.decode()
    saved = client.post(
        url, {"name": "Závěrečná zpráva", "project": own["own_project"].pk, "due_on": "2026-12-31", "repeat": "none"}
    )
    assert saved.status_code == 302
    assert ReportingDeadline.objects.filter(name="Závěrečná zpráva", organisation=carol.organisation).count() == 1


def test_another_organisations_project_is_not_a_choice(client, carol, own, oscar):
    foreign = programme_of(oscar, "foreign")
    client.force_login(carol)
    refused = client.post(
        reverse("programmes:deadline_create"),
        {"name": "Zpráva", "project": foreign["foreign_project"].pk, "due_on": "2026-12-31", "repeat": "none"},
    )
    assert refused.status_code == 400
    assert not ReportingDeadline.objects.filter(name="Zpráva").exists()


def test_the_list_shows_overdue_and_upcoming_of_the_own_organisation_only(client, carol, own, oscar):
    foreign = programme_of(oscar, "foreign")
    ReportingDeadline.objects.all().delete()
    project = own["own_project"]
    deadlines.deadline_create(
        organisation=project.organisation,
        project=project,
        name="Zpožděná zpráva",
        due_on=TODAY - datetime.timedelta(days=3),
    )
    _deadline(project, TODAY + datetime.timedelta(days=100))
    deadlines.deadline_create(
        organisation=oscar.organisation, project=foreign["foreign_project"], name="Cizí zpráva", due_on=TODAY
    )
    client.force_login(carol)
    body = client.get(reverse("programmes:deadline_list")).content.decode()
    assert "Zpožděná zpráva" in body and "Po termínu" in body
    assert "Průběžná zpráva" in body
    assert "Cizí zpráva" not in body
    assert reverse("reports:create", args=["activity"]) in body


def test_marking_submitted_from_the_list(client, carol, own):
    deadline = _deadline(own["own_project"], TODAY, repeat=ReportingDeadline.Repeat.YEAR)
    client.force_login(carol)
    response = client.post(reverse("programmes:deadline_submit", args=[deadline.pk]), follow=True)
    assert "další se odevzdává" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.submitted_by == carol
    assert ReportingDeadline.objects.get(project=own["own_project"], due_on=deadlines.add_months(TODAY, 12))


# -- the reminder on the start page ------------------------------------------------------------


def test_the_coordinator_is_reminded_a_month_and_a_week_before_and_when_overdue(carol, alice, own):
    ReportingDeadline.objects.all().delete()
    project = own["own_project"]
    overdue = _deadline(project, TODAY - datetime.timedelta(days=2))
    this_week = _deadline(project, TODAY + datetime.timedelta(days=6))
    this_month = _deadline(project, TODAY + datetime.timedelta(days=30))
    _deadline(project, TODAY + datetime.timedelta(days=45))  # not yet
    done = _deadline(project, TODAY + datetime.timedelta(days=1))
    deadlines.deadline_submit(deadline=done, by=carol)
    section = selectors.reporting_deadlines(carol, TODAY)
    assert section is not None and section.person_data is False
    rows = list(section.rows)
    assert rows == [overdue, this_week, this_month]
    items = [section.item(row) for row in rows]
    assert [item.overdue for item in items] == [True, False, False]
    assert [item.what for item in items] == [
        "zpráva nebyla označena jako odevzdaná",
        "termín do týdne",
        "termín do měsíce",
    ]
    # The project's report, its form filled in for the project and the period up to the due date.
    project_report = reverse("reports:create", args=["prevention"])
    assert items[1].url == (
        f"{project_report}?subject={project.pk}&start={project.starts_on:%Y-%m-%d}&end={this_week.due_on:%Y-%m-%d}"
    )
    assert section.more_url == reverse("programmes:deadline_list")
    assert selectors.reporting_deadlines(alice, TODAY) is None
    assert selectors.attention_total(carol, TODAY) >= 3


def test_the_menu_count_and_the_digest_include_the_reports(carol, own, settings):
    settings.SITE_URL = "https://liaison.example.cz"
    ReportingDeadline.objects.all().delete()
    before = selectors.attention_total(carol, TODAY)
    _deadline(own["own_project"], TODAY + datetime.timedelta(days=7))
    assert selectors.attention_total(carol, TODAY) == before + 1
    carol.daily_digest, carol.language, carol.email = True, "cs", "carol@example.cz"
    carol.save(update_fields=["daily_digest", "language", "email"])
    assert digest.send_digests() == 1
    (message,) = mail.outbox
    assert "Zprávy pro donory: po termínu a s termínem do měsíce: 1" in message.body
    assert f"https://liaison.example.cz{reverse('reports:create', args=['prevention'])}?subject=" in message.body


def test_the_list_page_query_count_does_not_grow_with_its_rows(client, carol, own):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project, service = own["own_project"], own["own_service"]
    client.force_login(carol)
    url = reverse("programmes:deadline_list")
    client.get(url)  # the session and the menu's count settle first

    def add(n: int) -> None:
        for i in range(n):
            _deadline(project, TODAY + datetime.timedelta(days=i))
            deadlines.deadline_create(
                organisation=service.organisation,
                service=service,
                name=f"Výkaz {i}",
                due_on=TODAY - datetime.timedelta(days=i + 1),
            )
            deadlines.deadline_submit(deadline=_deadline(project, TODAY + datetime.timedelta(days=50 + i)), by=carol)

    add(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_coordinator_edits_a_deadline(client, carol, own):
    deadline = _deadline(own["own_project"], datetime.date(2026, 12, 31))
    client.force_login(carol)
    url = reverse("programmes:deadline_edit", args=[deadline.pk])
    assert "Průběžná zpráva" in client.get(url).content.decode()
    saved = client.post(
        url,
        {
            "name": "Roční výkaz služby pro MPSV",
            "service": own["own_service"].pk,
            "due_on": "2027-06-30",
            "repeat": "year",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    assert saved.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.project, deadline.service, deadline.due_on, deadline.repeat) == (
        None,
        own["own_service"],
        datetime.date(2027, 6, 30),
        ReportingDeadline.Repeat.YEAR,
    )
    refused = client.post(
        url,
        {
            "name": "Výkaz",
            "service": own["own_service"].pk,
            "due_on": "2026-12-01",
            "repeat": "year",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    assert refused.status_code == 400
    assert "nemůže být před koncem období" in refused.content.decode()
    deadline.refresh_from_db()
    assert deadline.name == "Roční výkaz služby pro MPSV"  # nothing half-saved


def test_the_start_page_shows_the_reminder_and_records_no_read(client, carol, own):
    from django.contrib.contenttypes.models import ContentType

    from audit.models import AuditEvent

    ReportingDeadline.objects.all().delete()
    _deadline(own["own_project"], TODAY + datetime.timedelta(days=3))
    client.force_login(carol)
    deadline_type = ContentType.objects.get_for_model(ReportingDeadline)
    body = client.get("/").content.decode()
    assert "Zprávy pro donory: po termínu a s termínem do měsíce" in body
    assert "Průběžná zpráva – Projekt" in body and "termín do týdne" in body
    assert not AuditEvent.objects.filter(content_type=deadline_type).exists()  # no person in it
