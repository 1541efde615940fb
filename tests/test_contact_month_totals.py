"""What the database keeps beside the contacts stays equal to counting the contacts, whatever
writes them (the ORM, a queryset update, raw SQL, deletion, a load that skipped the triggers):
the monthly totals of the dashboards and the time each client was last met."""

import datetime
import zoneinfo

from django.db import connection
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.last_contacts import rebuild_client_last_contacts
from contacts.models import ClientLastContact, Contact, ContactMonthTotal
from contacts.month_totals import monthly_contact_totals, rebuild_contact_month_totals
from reports import dashboards
from tests.factories import ClientFactory, ContactFactory

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")


def _counted() -> dict[tuple[int, datetime.date], tuple[int, int]]:
    """Every contact counted now, as the dashboards counted them before the totals."""
    rows = (
        Contact.objects.annotate(month=TruncMonth("occurred_at"))
        .values("organisation_id", "month")
        .annotate(n=Count("id"), key=Sum("record_key"))
        .order_by()
    )
    return {(row["organisation_id"], row["month"].date()): (row["n"], row["key"]) for row in rows}


def _kept() -> dict[tuple[int, datetime.date], tuple[int, int]]:
    return {
        (row.organisation_id, row.month): (row.contacts, row.key_sum)
        for row in ContactMonthTotal.objects.exclude(contacts=0, key_sum=0)
    }


def test_totals_follow_every_kind_of_write(alice, oscar):
    first = ContactFactory(assistant=alice, occurred_at=datetime.datetime(2026, 3, 10, 9, tzinfo=PRAGUE))
    # 23:30 UTC on 31 March is 1 April in Prague: the local month counts.
    ContactFactory(assistant=alice, occurred_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC))
    ContactFactory(assistant=oscar, occurred_at=datetime.datetime(2026, 3, 12, 9, tzinfo=PRAGUE))
    assert _kept() == _counted()
    assert _kept()[(alice.organisation_id, datetime.date(2026, 4, 1))][0] == 1

    first.occurred_at = datetime.datetime(2026, 2, 1, 0, 30, tzinfo=PRAGUE)
    first.save()
    assert _kept() == _counted()
    Contact.objects.filter(assistant=alice).update(occurred_at=datetime.datetime(2026, 5, 5, tzinfo=PRAGUE))
    assert _kept() == _counted()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contacts_contact SET record_key = record_key + 1 WHERE assistant_id = %s", [alice.pk])
        cursor.execute("UPDATE contacts_contact SET organisation_id = %s", [oscar.organisation_id])
    assert _kept() == _counted()
    Contact.objects.filter(pk=first.pk).delete()
    assert _kept() == _counted()
    Contact.objects.all().delete()
    assert _kept() == {} == _counted()


def test_an_edit_that_moves_no_contact_writes_no_total(alice):
    contact = ContactFactory(assistant=alice)
    before = list(ContactMonthTotal.objects.values_list("id", "contacts", "key_sum"))
    contact.outcome = "Podáno trestní oznámení."
    contact.save()
    assert list(ContactMonthTotal.objects.values_list("id", "contacts", "key_sum")) == before


def test_a_rebuild_counts_what_a_load_without_triggers_left_out(alice):
    ContactFactory(assistant=alice)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contacts_contactmonthtotal")
    assert _kept() == {}
    rebuild_contact_month_totals()
    assert _kept() == _counted() != {}


def test_the_dashboards_show_the_same_series_as_counting(carol, alice, oscar, ministry_analyst):
    now = timezone.now()
    for days in (0, 1, 40, 75, 200, 330, 400):
        ContactFactory(assistant=alice, occurred_at=now - datetime.timedelta(days=days))
        ContactFactory(assistant=oscar, occurred_at=now - datetime.timedelta(days=days))
    today = timezone.localdate()
    for user, key, contacts, shown in (
        (carol, "org-months", Contact.objects.filter(organisation_id=carol.organisation_id), 6),
        (ministry_analyst, "national-months", Contact.objects.all(), 12),
    ):
        chart = {chart.key: chart for chart in dashboards.dashboard_charts(user, today)}[key]
        labels, values, keys = dashboards._monthly_series(contacts, today)
        expected = dashboards._protected(values, keys) if key == "national-months" else values
        assert chart.labels == labels and list(chart.values) == expected
        assert sum(values) == shown  # the contacts of 400 days ago are older than the chart


def test_totals_of_one_organisation_or_all(alice, oscar):
    march = datetime.date(2026, 3, 1)
    ContactFactory(assistant=alice, occurred_at=datetime.datetime(2026, 3, 10, tzinfo=PRAGUE))
    ContactFactory(assistant=oscar, occurred_at=datetime.datetime(2026, 3, 11, tzinfo=PRAGUE))
    with CaptureQueriesContext(connection) as queries:
        mine = monthly_contact_totals(march, march, organisation_id=alice.organisation_id)
    assert len(queries.captured_queries) == 1
    assert mine[march][0] == 1
    assert monthly_contact_totals(march, march)[march][0] == 2
    assert monthly_contact_totals(datetime.date(2026, 4, 1), datetime.date(2026, 4, 1)) == {}


def test_the_coordinators_dashboard_counts_the_months_without_the_contacts(client, carol, alice):
    ContactFactory(assistant=alice)
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert not any("contacts_contact" in q["sql"] and "DATE_TRUNC" in q["sql"] for q in queries.captured_queries)
    assert any("contacts_contactmonthtotal" in q["sql"] for q in queries.captured_queries)


# The time each client was last met per organisation (ClientLastContact) ----------------------


def _last_met() -> dict[tuple[int, int], datetime.datetime]:
    """Every client's last contact per organisation, counted now from the contacts."""
    rows = (
        Contact.objects.values("organisation_id", "clients")
        .exclude(clients=None)
        .annotate(last=Max("occurred_at"))
        .order_by()
    )
    return {(row["organisation_id"], row["clients"]): row["last"] for row in rows}


def _kept_last() -> dict[tuple[int, int], datetime.datetime]:
    return {(row.organisation_id, row.client_id): row.last_contact_at for row in ClientLastContact.objects.all()}


def test_last_contacts_follow_every_kind_of_write(alice, oscar):
    anna, petr = ClientFactory(organisation=alice.organisation), ClientFactory(organisation=alice.organisation)
    first = ContactFactory(
        assistant=alice, clients=[anna, petr], occurred_at=timezone.now() - datetime.timedelta(days=9)
    )
    later = ContactFactory(assistant=alice, clients=[anna], occurred_at=timezone.now() - datetime.timedelta(days=2))
    ContactFactory(assistant=oscar, clients=[anna], occurred_at=timezone.now() - datetime.timedelta(days=1))
    assert _kept_last() == _last_met()
    assert _kept_last()[(alice.organisation_id, anna.pk)] == later.occurred_at
    later.occurred_at = timezone.now() - datetime.timedelta(days=20)  # the later one moved back
    later.save()
    assert _kept_last() == _last_met()
    assert _kept_last()[(alice.organisation_id, anna.pk)] == first.occurred_at
    first.clients.remove(anna)
    assert _kept_last() == _last_met()
    Contact.objects.filter(pk=later.pk).update(occurred_at=timezone.now())
    assert _kept_last() == _last_met()
    later.delete()
    assert _kept_last() == _last_met()
    assert (alice.organisation_id, anna.pk) not in _kept_last()
    first.clients.set([anna])
    assert _kept_last() == _last_met()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contacts_contact_clients SET client_id = %s", [petr.pk])
    assert _kept_last() == _last_met()
    anna.delete()
    petr.delete()
    assert _kept_last() == {} == _last_met()


def test_a_rebuild_finds_every_last_contact(alice):
    ContactFactory(assistant=alice, clients=[ClientFactory(organisation=alice.organisation)])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contacts_clientlastcontact")
    rebuild_client_last_contacts()
    assert _kept_last() == _last_met() != {}
