"""What needs doing: the sections of the start page, of the daily digest and of the menu's count.

Each section is a small function of (user, today) that answers a `Section`, or None where it
does not apply to the user's role. `SECTIONS` lists them in the order of the page: a new
section is one function here (or in its own app's module) and one line in `SECTIONS`.

Every section reads through the scoping selectors (`visible_*`), so that nobody is told of a
record they could not open. A section's rows are a lazy queryset: the start page and the digest
read a few of them (`shown_sections`), the menu only counts them (`attention_total`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from cases.models import Case, CaseStatus, ClientTransfer, Hearing, PoliceFeedback
from cases.selectors import (
    cases_waiting_for_approval,
    hearings_between,
    open_tasks_of,
    transfers_waiting,
    visible_cases,
)
from clients.models import Client, Consent
from clients.selectors import visible_clients
from contacts.models import Contact
from contacts.selectors import visible_client_last_contacts, visible_contacts
from programmes.models import ReportingDeadline
from programmes.selectors import open_deadlines
from reports.funder_reports import report_for_deadline
from reports.models import ReportType
from reports.selectors import report_types_for

# Follow-ups and tasks this many days ahead are listed, besides every overdue one.
DAYS_AHEAD = 14
# Police feedback and withdrawn consents are news for this long.
NEWS_DAYS = 30
# Consents given for a time are listed this many days before and after their last day.
EXPIRY_DAYS = 30
# Reports to funders are listed from a month before their due date (and while overdue); the
# digest's daily mail thus reminds of them a month and then a week before.
REPORT_DAYS_AHEAD = 31
REPORT_SOON_DAYS = 7
# Rows a section shows on the start page and in the digest; the count says how many there are.
SHOWN = 10

# What a row needs of a client: the name, and the organisation that the audit trail records.
CLIENT_NAME_FIELDS = ("id", "organisation", "identity", "first_name", "last_name", "nickname", "birth_year")


@dataclass(frozen=True)
class Item:
    """One thing to do, about one record (`record`, of its section's `model`)."""

    record: Model
    url: str
    what: str
    on: datetime.date | None = None
    overdue: bool = False
    clients: list[Client] = field(default_factory=list)
    # The link's text where the clients' names are not it (a row of no person, or a longer one).
    label: str = ""

    @property
    def client_names(self) -> str:
        return ", ".join(client.display_name for client in self.clients)

    @property
    def first_names(self) -> str:
        """The only personal data a mail may carry: first names of named clients."""
        return ", ".join(c.first_name for c in self.clients if c.identity == Client.Identity.NAMED and c.first_name)


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    # The record type the audit trail names when the section is shown.
    model: type[Model]
    rows: QuerySet
    item: Callable[[Any], Item]
    # The page of all of them, linked when the section shows fewer than it counts.
    more_url: str = ""
    # False where a row names no person: the start page and the digest record no read of them.
    person_data: bool = True


@dataclass(frozen=True)
class ShownSection:
    section: Section
    items: list[Item]
    total: int


def _client_work(user: User) -> bool:
    return Role(user.role).can_work_with_clients()


def _since(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# -- the sections ------------------------------------------------------------------------------


def follow_ups(user: User, today: datetime.date) -> Section | None:
    """The user's follow-ups due in the next two weeks, and every overdue one still open: a
    follow-up is done once a later contact was logged with one of its clients or on its case."""
    if not _client_work(user):
        return None
    later = visible_contacts(user).filter(occurred_at__gt=OuterRef("occurred_at"))
    # A client of the follow-up met since: the time each client was last met (kept by the
    # database, contacts.models.ClientLastContact) rather than every contact of every client,
    # which made PostgreSQL read the organisation's contacts per follow-up (seconds per start
    # page at a million contacts, `make bench`).
    met_since = Contact.clients.through.objects.filter(contact_id=OuterRef("pk")).filter(
        Exists(
            visible_client_last_contacts(user).filter(
                client_id=OuterRef("client_id"), last_contact_at__gt=OuterRef(OuterRef("occurred_at"))
            )
        )
    )
    rows = (
        visible_contacts(user)
        .filter(assistant=user, follow_up_on__lte=today + datetime.timedelta(days=DAYS_AHEAD))
        .exclude(Exists(met_since))
        .exclude(Exists(later.filter(case_id=OuterRef("case_id"))))
        .select_related("authority")
        .prefetch_related(Prefetch("clients", queryset=Client.objects.only(*CLIENT_NAME_FIELDS)))
        .order_by("follow_up_on", "id")
    )

    def item(contact: Contact) -> Item:
        return Item(
            record=contact,
            url=reverse("contacts:detail", args=[contact.pk]),
            what=str(contact.authority or _("Follow-up")),
            on=contact.follow_up_on,
            overdue=contact.follow_up_on is not None and contact.follow_up_on < today,
            clients=list(contact.clients.all()),
        )

    return Section("follow_ups", _("Follow-ups: overdue and in the next 14 days"), Contact, rows, item)


def tasks(user: User, today: datetime.date) -> Section | None:
    """The user's open tasks, overdue or due in the next two weeks; the trail names their cases."""
    if not _client_work(user):
        return None
    rows = open_tasks_of(user).filter(due_on__lte=today + datetime.timedelta(days=DAYS_AHEAD))

    def item(task) -> Item:
        return Item(
            record=task.case,
            url=reverse("cases:detail", args=[task.case_id]),
            what=task.title,
            on=task.due_on,
            overdue=task.due_on < today,
            clients=[task.case.client],
        )

    return Section("tasks", _("Tasks: overdue and in the next 14 days"), Case, rows, item)


def hearings(user: User, today: datetime.date) -> Section | None:
    """Hearings and appointments at authorities from today for two weeks: of the assistant's own
    cases, or of the coordinator's whole organisation; the trail names their cases."""
    if not _client_work(user):
        return None
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=DAYS_AHEAD + 1), datetime.time.min)
    )
    rows = hearings_between(user, start, end, own_cases_only=not Role(user.role).can_supervise()).only(
        "id",
        "kind",
        "starts_at",
        "place",
        "case__id",
        "case__organisation",
        "case__client",
        *(f"case__client__{name}" for name in CLIENT_NAME_FIELDS),
    )

    def item(hearing: Hearing) -> Item:
        local = timezone.localtime(hearing.starts_at)
        return Item(
            record=hearing.case,
            url=reverse("cases:detail", args=[hearing.case_id]),
            what=f"{local.hour}:{local.minute:02d} {hearing.get_kind_display()}, {hearing.place}",
            on=local.date(),
            clients=[hearing.case.client],
        )

    return Section("hearings", _("Hearings in the next 14 days"), Case, rows, item)


def quiet_cases(user: User, today: datetime.date) -> Section | None:
    """Open cases whose client nobody met for the organisation's number of days (counted from
    the opening of the case when there was no contact at all). An assistant's own cases; a
    coordinator's whole organisation."""
    if not _client_work(user) or user.organisation is None:
        return None
    days = user.organisation.no_contact_days
    # Two lookups rather than one with OR across the join (which scanned the organisation's
    # contacts for every case): the last contact on the case (the case's few contacts, by its index) and the time the
    # client was last met (kept by the database, contacts.models.ClientLastContact): looking
    # through every contact of every client of the organisation's open cases took seconds per
    # start page at a million contacts (`make bench`).
    last_of_case = (
        visible_contacts(user).filter(case_id=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    )
    last_of_client = (
        visible_client_last_contacts(user).filter(client_id=OuterRef("client_id")).values("last_contact_at")[:1]
    )
    since = _since(days)
    rows = (
        visible_cases(user)
        .exclude(status=CaseStatus.CLOSED)
        # PostgreSQL's GREATEST ignores NULLs: no contact of one kind leaves the other's date.
        .annotate(quiet_since=Coalesce(Greatest(Subquery(last_of_case), Subquery(last_of_client)), "opened_at"))
        # quiet_since < since, said so that it is looked up only for the rows shown and for cases
        # opened since then: no contact on the case since then, the client not met since then
        # (each a few days' rows of the organisation, anti-joined), and opened before then or
        # with an earlier contact.
        .exclude(Exists(visible_contacts(user).filter(case_id=OuterRef("pk"), occurred_at__gte=since)))
        .exclude(
            Exists(
                visible_client_last_contacts(user).filter(client_id=OuterRef("client_id"), last_contact_at__gte=since)
            )
        )
        .filter(Q(opened_at__lt=since) | Q(quiet_since__lt=since))
        .select_related("client")
        .only("id", "title", "organisation", "client", *(f"client__{name}" for name in CLIENT_NAME_FIELDS))
        .order_by("quiet_since", "id")
    )
    if not Role(user.role).can_supervise():
        rows = rows.filter(assistant=user)

    def item(case) -> Item:
        quiet = timezone.localtime(case.quiet_since).date()
        return Item(
            record=case,
            url=reverse("cases:detail", args=[case.pk]),
            what=str(
                _("%(title)s: no contact for %(days)s days") % {"title": case.title, "days": (today - quiet).days}
            ),
            # The date is the last contact, not a deadline: shown plainly, not as "overdue".
            on=quiet,
            clients=[case.client],
        )

    title = _("Cases without contact for %(days)s days or more") % {"days": days}
    return Section("quiet_cases", title, Case, rows, item)


def police_feedback(user: User, today: datetime.date) -> Section | None:
    """Feedback of the police on the user's cases that the user has not read yet: it is read
    when the user opens the case's page afterwards (the audit trail's record of that view)."""
    if not _client_work(user):
        return None
    opened_since = AuditEvent.objects.filter(
        actor_id=user.pk,
        action=AuditAction.VIEW,
        content_type__app_label="cases",
        content_type__model="case",
        object_id=Cast(OuterRef("case_id"), output_field=CharField()),
        occurred_at__gte=OuterRef("created_at"),
    )
    rows = (
        PoliceFeedback.objects.filter(
            case__in=visible_cases(user).filter(assistant=user), created_at__gte=_since(NEWS_DAYS)
        )
        .exclude(Exists(opened_since))
        .select_related("case__client")
        .only(
            "id",
            "created_at",
            "marks_reviewed",
            "case__id",
            "case__title",
            "case__organisation",
            *(f"case__client__{name}" for name in CLIENT_NAME_FIELDS),
        )
        .order_by("-created_at", "-id")
    )

    def item(feedback: PoliceFeedback) -> Item:
        return Item(
            record=feedback.case,
            url=reverse("cases:detail", args=[feedback.case.pk]),
            what=feedback.case.title,
            on=timezone.localtime(feedback.created_at).date(),
            clients=[feedback.case.client],
        )

    return Section("police_feedback", _("New feedback from the police"), Case, rows, item)


def _consent_clients(user: User) -> QuerySet[Client]:
    """Whose consents the user is told of: the clients of the assistant's open cases, or any
    client of the coordinator's organisation."""
    clients = visible_clients(user)
    if not Role(user.role).can_supervise():
        clients = clients.filter(
            Exists(
                visible_cases(user).filter(client_id=OuterRef("pk"), assistant=user).exclude(status=CaseStatus.CLOSED)
            )
        )
    return clients


def withdrawn_consents(user: User, today: datetime.date) -> Section | None:
    """Consents withdrawn in the last 30 days: of the clients of the assistant's open cases, or of
    any client of the coordinator's organisation."""
    if not _client_work(user):
        return None
    rows = (
        Consent.objects.filter(client__in=_consent_clients(user), withdrawn_at__gte=_since(NEWS_DAYS))
        .select_related("client")
        .only("id", "purpose", "withdrawn_on", "withdrawn_at", "client", *(f"client__{n}" for n in CLIENT_NAME_FIELDS))
        .order_by("-withdrawn_at", "-id")
    )

    def item(consent: Consent) -> Item:
        return Item(
            record=consent,
            url=reverse("clients:detail", args=[consent.client_id]),
            what=str(_("%(purpose)s: withdrawn") % {"purpose": consent.get_purpose_display()}),
            on=consent.withdrawn_on,
            clients=[consent.client],
        )

    return Section("withdrawn_consents", _("Consents withdrawn in the last 30 days"), Consent, rows, item)


def expiring_consents(user: User, today: datetime.date) -> Section | None:
    """Consents given for a time that ends within 30 days or ended in the last 30 days, of the
    same clients as withdrawn consents; the soonest first. A withdrawn consent is not listed,
    nor an expired one that the client has given again (a later consent of its purpose stands)."""
    if not _client_work(user):
        return None
    renewed = (
        Consent.objects.standing(today)
        .filter(client_id=OuterRef("client_id"), purpose=OuterRef("purpose"))
        .exclude(pk=OuterRef("pk"))
    )
    rows = (
        Consent.objects.filter(
            client__in=_consent_clients(user),
            withdrawn_at__isnull=True,
            valid_until__gte=today - datetime.timedelta(days=EXPIRY_DAYS),
            valid_until__lte=today + datetime.timedelta(days=EXPIRY_DAYS),
        )
        .exclude(Exists(renewed))
        .select_related("client")
        .only("id", "purpose", "valid_until", "client", *(f"client__{n}" for n in CLIENT_NAME_FIELDS))
        .order_by("valid_until", "id")
    )

    def item(consent: Consent) -> Item:
        expired = consent.valid_until is not None and consent.valid_until < today
        what = _("%(purpose)s: expired") if expired else _("%(purpose)s: expires")
        return Item(
            record=consent,
            url=reverse("clients:detail", args=[consent.client_id]),
            what=str(what % {"purpose": consent.get_purpose_display()}),
            on=consent.valid_until,
            overdue=expired,
            clients=[consent.client],
        )

    title = _("Consents that expire within 30 days or expired in the last 30 days")
    return Section("expiring_consents", title, Consent, rows, item)


def police_awaiting_review(user: User, today: datetime.date) -> Section | None:
    """The police officer's: cases shared in the region that the police have not reviewed yet,
    the most recently shared or changed first."""
    if not Role(user.role).can_review_shared_cases():
        return None
    rows = (
        visible_cases(user)
        .filter(police_reviewed_at__isnull=True)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("client")
        .order_by("-updated_at", "-id")
    )

    def item(case: Case) -> Item:
        return Item(
            record=case,
            url=reverse("police:case_detail", args=[case.pk]),
            what=case.title,
            on=timezone.localtime(case.updated_at).date(),
            clients=[case.client],
        )

    return Section("police_awaiting_review", _("Shared cases awaiting police feedback"), Case, rows, item)


def closings_to_approve(user: User, today: datetime.date) -> Section | None:
    """The coordinator's: cases of the organisation whose closing waits for approval, longest
    waiting first, each with its client, title, assistant and the day the closing was proposed."""
    if not Role(user.role).can_supervise():
        return None
    rows = cases_waiting_for_approval(user)

    def item(case) -> Item:
        return Item(
            record=case,
            url=reverse("cases:detail", args=[case.pk]),
            label=f"{case.client.display_name} – {case.title}",
            what=str(_("proposed by %(assistant)s") % {"assistant": case.assistant}),
            on=timezone.localtime(case.proposed_at).date() if case.proposed_at else None,
            clients=[case.client],
        )

    more_url = reverse("cases:list") + f"?status={CaseStatus.CLOSING_PROPOSED}"
    title = _("Cases waiting for your approval of closing")
    return Section("waiting_for_approval", title, Case, rows, item, more_url=more_url)


def incoming_transfers(user: User, today: datetime.date) -> Section | None:
    """The coordinator's: transfers of clients to the organisation waiting for its decision. The
    receiver may not know the client before accepting: a row says only the sending
    organisation, the day and the number of cases, so it is no read of person data."""
    if not Role(user.role).can_supervise():
        return None
    rows = transfers_waiting(user).select_related(None).select_related("from_organisation")

    def item(transfer) -> Item:  # annotated with its number of cases (`case_count`)
        when = date_format(timezone.localtime(transfer.requested_at).date(), "SHORT_DATE_FORMAT")
        label = ngettext(
            "From %(organisation)s (%(when)s), %(counter)s case",
            "From %(organisation)s (%(when)s), %(counter)s cases",
            transfer.case_count,
        ) % {"organisation": transfer.from_organisation, "when": when, "counter": transfer.case_count}
        return Item(record=transfer, url=reverse("transfers:detail", args=[transfer.pk]), what="", label=label)

    title = _("Client transfers waiting for your decision")
    more_url = reverse("transfers:list")
    return Section("transfers_waiting", title, ClientTransfer, rows, item, more_url=more_url, person_data=False)


def reporting_deadlines(user: User, today: datetime.date) -> Section | None:
    """The coordinator's: reports to funders due within a month, and overdue ones. A row links to
    the request of the organisation's report of a period, whose figures the report needs, or,
    where the user may not request it, to the deadline; it names no person."""
    if not Role(user.role).can_manage_programme():
        return None
    rows = open_deadlines(user, until=today + datetime.timedelta(days=REPORT_DAYS_AHEAD))
    offered = report_types_for(user)

    def item(deadline: ReportingDeadline) -> Item:
        days = (deadline.due_on - today).days
        if days < 0:
            when = _("the report was not marked submitted")
        elif days <= REPORT_SOON_DAYS:
            when = _("due within a week")
        else:
            when = _("due within a month")
        report_type, values = report_for_deadline(deadline)
        if report_type in offered:  # the funder's report, its form filled in for the deadline
            url = f"{reverse('reports:create', args=[report_type])}?{urlencode(values)}"
        elif ReportType.ACTIVITY in offered:
            url = reverse("reports:create", args=[ReportType.ACTIVITY])
        else:
            url = reverse("programmes:deadline_edit", args=[deadline.pk])
        return Item(
            record=deadline,
            url=url,
            label=f"{deadline.name} – {deadline.owner}",
            what=str(when),
            on=deadline.due_on,
            overdue=days < 0,
        )

    title = _("Reports to funders: overdue and due within a month")
    more_url = reverse("programmes:deadline_list")
    return Section("reporting_deadlines", title, ReportingDeadline, rows, item, more_url=more_url, person_data=False)


SECTIONS: list[Callable[[User, datetime.date], Section | None]] = [
    follow_ups,
    tasks,
    hearings,
    quiet_cases,
    police_feedback,
    withdrawn_consents,
    expiring_consents,
    police_awaiting_review,
    closings_to_approve,
    incoming_transfers,
    reporting_deadlines,
]


# -- reading them ------------------------------------------------------------------------------


def sections_for(user: User, today: datetime.date | None = None) -> list[Section]:
    today = today or timezone.localdate()
    return [section for build in SECTIONS if (section := build(user, today)) is not None]


def shown_sections(user: User, today: datetime.date | None = None, *, limit: int = SHOWN) -> list[ShownSection]:
    """Every section of the user with its first `limit` items and its count: one query for a
    section with fewer rows than `limit`, one more (the count) otherwise, plus its prefetches."""
    shown = []
    for section in sections_for(user, today):
        rows = list(section.rows[:limit])
        total = len(rows) if len(rows) < limit else section.rows.count()
        shown.append(ShownSection(section, [section.item(row) for row in rows], total))
    return shown


def attention_total(user: User, today: datetime.date | None = None) -> int:
    """How many things need doing: one count per section."""
    return sum(section.rows.count() for section in sections_for(user, today))


def shown_records(shown: list[ShownSection]) -> dict[type[Model], list[Model]]:
    """The records shown, per record type, in the order shown (for `audit.services.record_list`)."""
    records: dict[type[Model], list[Model]] = {}
    for entry in shown:
        if not entry.section.person_data:
            continue
        records.setdefault(entry.section.model, []).extend(item.record for item in entry.items)
    return records
