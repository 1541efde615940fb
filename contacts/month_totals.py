"""Contacts per organisation and calendar month, kept by PostgreSQL triggers (ContactMonthTotal,
migration 0011): the dashboards' monthly charts read a few rows whatever the number of contacts."""

import datetime

from django.db import connection
from django.db.models import Sum

from .models import ContactMonthTotal


def monthly_contact_totals(
    first: datetime.date, last: datetime.date, *, organisation_id: int | None = None
) -> dict[datetime.date, tuple[int, int]]:
    """(Number of contacts, sum of their record keys) per month from `first` to `last` (first
    days of local calendar months), of one organisation or, without one, nationally; a month
    without contacts is missing. One query."""
    rows = ContactMonthTotal.objects.filter(month__gte=first, month__lte=last)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    totals = rows.values("month").annotate(n=Sum("contacts"), key=Sum("key_sum")).order_by()
    return {row["month"]: (row["n"], row["key"]) for row in totals if row["n"]}


def rebuild_contact_month_totals() -> None:
    """Count every contact again: after a load that skipped the triggers (seed_bulk)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT contacts_month_totals_rebuild()")
