"""The organisation's own work by the national categories of its activities (výkony): how many
activities, in how many contacts, and the hours of direct work and of work on the client's behalf.
Not suppressed: the organisation reports its own work to its funders."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from contacts.models import Activity
from programmes.vocabulary import ActivityCategory

from .parameters import ReportParameters
from .statistics import contacts_in_period
from .tables import COUNT, HOURS, TEXT, Sheet


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 2)


def activities_by_category(*, contacts, params: ReportParameters) -> Sheet:
    period_contacts = contacts_in_period(contacts, params)
    counted = {
        row["activity_type__category"]: row
        for row in Activity.objects.filter(contact__in=period_contacts.values("id"))
        .values("activity_type__category")
        .annotate(
            activities=Count("id"),
            contacts=Count("contact", distinct=True),
            direct=Sum("minutes", filter=Q(work=Activity.Work.DIRECT)),
            on_behalf=Sum("minutes", filter=Q(work=Activity.Work.ON_BEHALF)),
        )
        .order_by()
    }
    rows: list[list] = []
    totals = [0, 0, 0]
    for value, label in ActivityCategory.choices:
        row = counted.get(value)
        if row is None:
            continue
        direct, on_behalf = row["direct"] or 0, row["on_behalf"] or 0
        rows.append(
            [
                str(label),
                row["activities"],
                row["contacts"],
                _hours(direct),
                _hours(on_behalf),
                _hours(direct + on_behalf),
            ]
        )
        totals = [totals[0] + row["activities"], totals[1] + direct, totals[2] + on_behalf]
    contacts_total = period_contacts.filter(activities__isnull=False).distinct().count() if rows else 0
    rows.append(
        [
            _("Organisation total"),
            totals[0],
            contacts_total,
            _hours(totals[1]),
            _hours(totals[2]),
            _hours(totals[1] + totals[2]),
        ]
    )
    return Sheet(
        title=_("Activities by category"),
        header=[
            _("Activity category"),
            _("Activities"),
            _("Contacts"),
            _("Hours of direct work"),
            _("Hours on the client's behalf"),
            _("Hours"),
        ],
        rows=rows,
        kinds=[TEXT, COUNT, COUNT, HOURS, HOURS, HOURS],
        notes=[_("A contact with activities of several categories counts in each of them.")],
    )
