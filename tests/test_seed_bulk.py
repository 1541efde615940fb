"""seed_bulk: synthetic data at scale, consistent like real data."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F

from accounts.models import Organisation, User
from accounts.roles import Role
from cases.models import Case, CaseStatus, CaseTransition
from clients.models import Client, Consent
from contacts.models import Contact


@pytest.fixture
def seeded(db):
    before = {
        "contacts": Contact.objects.count(),
        "clients": Client.objects.count(),
        "cases": Case.objects.count(),
        "organisations": Organisation.objects.count(),
    }
    call_command("seed_bulk", contacts=3000, clients=400, cases=150, organisations=5, stdout=io.StringIO())
    return before


def test_counts(seeded):
    assert Contact.objects.count() - seeded["contacts"] == 3000
    assert Client.objects.count() - seeded["clients"] == 400
    assert Case.objects.count() - seeded["cases"] == 150
    assert Organisation.objects.count() - seeded["organisations"] == 5
    assert Consent.objects.exists()
    # Every region has organisations' work across ten years, not one day.
    dates = Contact.objects.dates("occurred_at", "year")
    assert len(dates) >= 5


def test_every_contact_belongs_to_its_assistants_organisation(seeded):
    assert Contact.objects.exclude(organisation_id=F("assistant__organisation_id")).count() == 0
    assert not User.objects.filter(contacts__isnull=False).exclude(role__in=[Role.ASSISTANT, Role.COORDINATOR]).exists()


def test_clients_and_cases_stay_in_the_organisation(seeded):
    assert Contact.clients.through.objects.exclude(contact__organisation_id=F("client__organisation_id")).count() == 0
    assert Case.objects.exclude(organisation_id=F("client__organisation_id")).count() == 0
    assert Case.objects.exclude(organisation_id=F("assistant__organisation_id")).count() == 0
    assert Contact.objects.filter(case__isnull=False).exclude(organisation_id=F("case__organisation_id")).count() == 0
    assert Client.objects.exclude(organisation_id=F("created_by__organisation_id")).count() == 0


def test_cases_have_a_status_history_and_sharing_needs_consent(seeded):
    cases = Case.objects.annotate(n=Count("transitions"))
    assert not cases.filter(n=0).exists()
    for case in Case.objects.all()[:50]:
        last = CaseTransition.objects.filter(case=case).order_by("at", "id").last()
        assert last is not None and last.to_status == case.status
    assert not Case.objects.filter(status=CaseStatus.CLOSED, closed_at__isnull=True).exists()
    shared = Case.objects.filter(shared_with_police=True)
    assert shared.exists()
    assert not shared.exclude(
        client__consents__purpose=Consent.Purpose.POLICE_SHARING, client__consents__withdrawn_at__isnull=True
    ).exists()


def test_anonymous_clients_keep_nothing_identifying_and_notes_are_encrypted(seeded):
    anonymous = Client.objects.filter(identity=Client.Identity.ANONYMOUS)
    assert anonymous.exists()
    assert not anonymous.exclude(first_name="", last_name="", nickname="", phone="").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM contacts_contact WHERE note <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("enc1:") for value in stored)
    noted = Contact.objects.exclude(note="").first()
    assert noted is not None and noted.note  # decrypts with the configured key


def test_sequences_continue_after_the_load(seeded, alice):
    client = Client.objects.create(organisation=alice.organisation, first_name="A", last_name="B", created_by=alice)
    newest_before = Client.objects.exclude(pk=client.pk).order_by("-pk").first()
    assert newest_before is not None and client.pk > newest_before.pk


def test_every_counted_record_gets_a_random_key_of_its_own(seeded):
    # One key for a whole batch would make every cell of the national statistics round alike.
    for model in (Contact, Client, Case):
        keys = list(model.objects.values_list("record_key", flat=True))
        assert len(set(keys)) > 0.99 * len(keys), model
        assert 0 <= min(keys) and max(keys) < 2**31
        assert max(keys) - min(keys) > 2**30  # spread over the whole range, not a counter


def test_clients_have_what_funders_count(seeded):
    from accounts.models import District
    from clients.models import Sex

    clients = Client.objects.all()
    named = clients.filter(identity=Client.Identity.NAMED)
    assert not named.filter(sex__in=[Sex.UNSTATED, Sex.OTHER]).exists() and not named.filter(birth_year=None).exists()
    assert clients.filter(sex=Sex.FEMALE).count() > clients.count() / 4
    assert clients.filter(district__isnull=False).count() > clients.count() / 2
    # Each district lies in the region where the organisation works (that of its localities).
    placed = clients.filter(district__isnull=False, locality__isnull=False)
    assert placed.exists()
    assert not placed.exclude(district__region=F("locality__municipality__region")).exists()
    assert District.objects.filter(clients__isnull=False).distinct().count() > 3
    assert clients.filter(target_groups__contains=["crime_victims"]).count() > clients.count() / 3
    assert not clients.filter(target_groups__contains=["minorities"]).exists()


def test_group_activities_about_one_per_200_contacts_within_their_organisation(seeded):
    from groupwork.models import AnonymousAttendance, GroupActivity

    activities = GroupActivity.objects.all()
    assert activities.count() == 3000 // 200
    assert not activities.exclude(organisation_id=F("author__organisation_id")).exists()
    assert not activities.exclude(organisation_id=F("service__organisation_id")).exists()
    assert not activities.exclude(activity_type__service_id=F("service_id")).exists()
    links = GroupActivity.participants.through.objects.all()
    assert not links.exclude(groupactivity__organisation_id=F("client__organisation_id")).exists()
    assert AnonymousAttendance.objects.filter(group_activity__in=activities).exists()
    # Nobody present only where somebody is named.
    empty = activities.filter(participants__isnull=True, anonymous_attendance__isnull=True)
    assert not empty.exists()
    assert len(set(activities.values_list("record_key", flat=True))) > 1


def test_what_the_database_keeps_beside_the_contacts_matches_them(seeded):
    """The load skips the triggers; it counts the dashboards' monthly totals and the clients'
    last contacts afterwards."""
    from tests.test_contact_month_totals import _counted, _kept, _kept_last, _last_met

    assert _kept() == _counted()
    assert _kept_last() == _last_met()
