"""Retention rules (settings GDPR_RETENTION_YEARS_*) and the run that applies them.

- A client is anonymised GDPR_RETENTION_YEARS_AFTER_LAST_CONTACT years after the last contact
  (or after registration, without contacts), unless a case of theirs is still open or was
  closed less than GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED years ago.
- A case's free text and documents go GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED years after it
  was closed, even while the client is still helped.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.actor import acting_as
from audit.models import AuditAction
from audit.services import record_event
from cases.models import Case
from clients.models import Client
from contacts.models import Contact

from .anonymisation import anonymise_case, anonymise_client
from .models import Anonymisation

logger = logging.getLogger(__name__)


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def clients_due(now: datetime.datetime | None = None) -> QuerySet[Client]:
    now = now or timezone.now()
    contact_cutoff = years_before(now, settings.GDPR_RETENTION_YEARS_AFTER_LAST_CONTACT)
    case_cutoff = years_before(now, settings.GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED)
    recent_contact = Contact.objects.filter(clients=OuterRef("pk"), occurred_at__gte=contact_cutoff)
    live_case = Case.objects.filter(client=OuterRef("pk")).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=case_cutoff)
    )
    done = Anonymisation.objects.filter(client=OuterRef("pk"))
    return (
        Client.objects.filter(created_at__lt=contact_cutoff)
        .exclude(Exists(recent_contact))
        .exclude(Exists(live_case))
        .exclude(Exists(done))
        .order_by("pk")
    )


def cases_due(now: datetime.datetime | None = None) -> QuerySet[Case]:
    now = now or timezone.now()
    case_cutoff = years_before(now, settings.GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED)
    done_case = Anonymisation.objects.filter(case=OuterRef("pk"))
    done_client = Anonymisation.objects.filter(client=OuterRef("client_id"))
    return (
        Case.objects.filter(closed_at__lt=case_cutoff)
        .exclude(Exists(done_case))
        .exclude(Exists(done_client))
        .order_by("pk")
    )


def apply_retention(now: datetime.datetime | None = None) -> dict[str, int]:
    """Anonymise everything past its retention period, one record per transaction, as the system."""
    counts = {"clients": 0, "cases": 0}
    with acting_as(None):
        for client in clients_due(now).iterator(chunk_size=200):
            anonymise_client(client)
            Anonymisation.objects.create(kind=Anonymisation.Kind.RETENTION, client=client)
            record_event(action=AuditAction.RETENTION, obj=client)
            counts["clients"] += 1
        for case in cases_due(now).iterator(chunk_size=200):
            anonymise_case(case)
            Anonymisation.objects.create(kind=Anonymisation.Kind.RETENTION, case=case)
            record_event(action=AuditAction.RETENTION, obj=case)
            counts["cases"] += 1
    logger.info("Retention anonymised %(clients)s clients and %(cases)s cases.", counts)
    return counts
