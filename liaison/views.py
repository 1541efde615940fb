"""The start page: what each role needs first, and what needs doing (attention/selectors.py)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from attention.count import store_total
from attention.selectors import shown_records, shown_sections
from audit.selectors import organisation_access_changes
from audit.services import record_list
from common.http import AuthenticatedHttpRequest
from contacts.models import Contact
from contacts.selectors import contacts_for_list


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    role = Role(request.user.role)
    context: dict = {"role": role}
    attention = shown_sections(request.user, timezone.localdate())
    context["attention"] = attention
    context["attention_total"] = total = sum(entry.total for entry in attention)
    store_total(request.user, total)
    # The start page lists records with their clients' names: one list read per record type
    # (not of the sections that name no person: the transfers waiting for a decision).
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
    return render(request, "home.html", context)
