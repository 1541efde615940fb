"""Demo and bulk data fill services, projects, assignments and staff time realistically."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from programmes.models import Assignment, Project, ReportingDeadline, Service, StaffTime
from programmes.services import starting_service
from programmes.vocabulary import FunderKind, ServiceKind
from seed.demo import seed_demo


@pytest.mark.django_db
def test_demo_programmes_are_realistic_and_seeded_once():
    seed_demo("demo-password-1", clients_per_org=3, contacts_per_assistant=2)
    counts = {model: model.objects.count() for model in (Service, Project, Assignment, StaffTime)}
    drom = Service.objects.get(name="Terénní programy Brno")
    assert drom.kind == ServiceKind.FIELD_PROGRAMMES and drom.registration_id == "4523817"
    assert starting_service(drom.organisation) == drom  # its records of work go there
    assert Service.objects.get(name="Asistenti prevence kriminality Ostrava").kind == ServiceKind.NOT_REGISTERED
    funders = set(Project.objects.values_list("funder__kind", flat=True))
    assert {
        FunderKind.CITY,
        FunderKind.REGION,
        FunderKind.MV_CRIME_PREVENTION,
        FunderKind.ESF,
        FunderKind.MSP_VICTIM_SUPPORT,
    } <= funders
    # An assistant's assignments follow each other; each project funds its assignment's service.
    for assignment in Assignment.objects.filter(project__isnull=False).select_related("project"):
        assert assignment.project is not None and assignment.project.services.filter(pk=assignment.service_id).exists()
    # A year of working days, about 8 hours a day, part-time for some.
    per_person = StaffTime.objects.values("assistant__username").annotate(n=Count("id"))
    assert all(200 <= row["n"] <= 260 for row in per_person) and len(per_person) == 8
    assert set(StaffTime.objects.filter(assistant__username="asistent.cheb").values_list("minutes", flat=True)) == {240}
    seed_demo("demo-password-1", clients_per_org=3, contacts_per_assistant=2)
    assert {model: model.objects.count() for model in counts} == counts


@pytest.mark.django_db
def test_bulk_seed_adds_projects_and_weekly_staff_time():
    call_command("seed_bulk", contacts=600, clients=80, cases=20, organisations=3, stdout=io.StringIO())
    assert Project.objects.count() == 6
    assert StaffTime.objects.filter(period=StaffTime.Period.WEEK).exists()
    assert not StaffTime.objects.exclude(period=StaffTime.Period.WEEK).exists()
    assert all(entry.starts_on.weekday() == 0 for entry in StaffTime.objects.all()[:200])
    assert not Assignment.objects.filter(project__isnull=False).exclude(project__services__id=F("service_id")).exists()


@pytest.mark.django_db
def test_demo_reporting_deadlines_remind_within_a_week_and_are_seeded_once():
    seed_demo("demo-password-1", clients_per_org=3, contacts_per_assistant=2)
    today = timezone.localdate()
    count = ReportingDeadline.objects.count()
    assert count >= 3
    soon = ReportingDeadline.objects.filter(due_on__range=(today, today + datetime.timedelta(days=7)))
    assert soon.filter(project__funder__kind=FunderKind.ESF, repeat=ReportingDeadline.Repeat.HALF_YEAR).exists()
    statement = ReportingDeadline.objects.get(name="Roční výkaz služby pro MPSV")
    assert statement.service is not None and (statement.due_on.month, statement.due_on.day) == (6, 30)
    for deadline in ReportingDeadline.objects.all():
        deadline.full_clean()
    seed_demo("demo-password-1", clients_per_org=3, contacts_per_assistant=2)
    assert ReportingDeadline.objects.count() == count
