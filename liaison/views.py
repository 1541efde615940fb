"""The start page: what each role needs first, and what needs doing (attention/selectors.py)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from attention.count import store_total
from attention.selectors import shown_records, shown_sections
from audit.selectors import organisation_access_changes
from audit.services import record_list
from cases.models import Case
from cases.selectors import cases_waiting_for_approval, transfers_waiting
from common.http import AuthenticatedHttpRequest
from contacts.models import Contact
from contacts.selectors import contacts_for_list

WAITING_SHOWN = 20  # cases waiting for approval on the start page; the case list has them all


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    role = Role(request.user.role)
    context: dict = {"role": role}
    attention = shown_sections(request.user, timezone.localdate())
    context["attention"] = attention
    context["attention_total"] = total = sum(entry.total for entry in attention)
    store_total(request.user, total)
    # The start page lists records with their clients' names: one list read per record type.
    records = shown_records(attention)
    if role.can_work_with_clients():
        mine = contacts_for_list(request.user).filter(assistant=request.user)
        context["recent_contacts"] = recent = list(mine[:10])
        record_list(request, Contact, [*recent, *records.pop(Contact, [])])
    for model, shown in records.items():
        if shown:
            record_list(request, model, shown)
    if role.can_supervise():
        # Separation of duties: a coordinator sees who changed the accounts of the organisation.
        context["access_changes"] = organisation_access_changes(request.user)[:20]
        waiting = cases_waiting_for_approval(request.user)
        context["waiting_for_approval"] = shown = list(waiting[:WAITING_SHOWN])
        context["waiting_count"] = len(shown) if len(shown) < WAITING_SHOWN else waiting.count()
        if shown:  # the rows name the clients: a list read of those cases
            record_list(request, Case, shown)
        # Only the sending organisation and the number of cases: no person is named here.
        context["transfers_waiting"] = list(transfers_waiting(request.user)[:20])
    return render(request, "home.html", context)
