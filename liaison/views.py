"""The start page: what each role needs first."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from audit.selectors import organisation_access_changes
from audit.services import record_list
from cases.models import Case
from cases.selectors import cases_waiting_for_approval
from common.http import AuthenticatedHttpRequest
from contacts.models import Contact
from contacts.selectors import contacts_for_list, visible_contacts

WAITING_SHOWN = 20  # cases waiting for approval on the start page; the case list has them all


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    role = Role(request.user.role)
    context: dict = {"role": role}
    if role.can_work_with_clients():
        today = timezone.localdate()
        mine = contacts_for_list(request.user).filter(assistant=request.user)
        context["recent_contacts"] = recent = list(mine[:10])
        context["follow_ups"] = follow_ups = list(
            visible_contacts(request.user)
            .filter(
                assistant=request.user, follow_up_on__gte=today, follow_up_on__lte=today + datetime.timedelta(days=14)
            )
            .select_related("authority")
            .order_by("follow_up_on")[:10]
        )
        # The start page lists the user's contacts (with their clients' names): a list read.
        record_list(request, Contact, [*recent, *follow_ups])
    if role.can_supervise():
        # Separation of duties: a coordinator sees who changed the accounts of the organisation.
        context["access_changes"] = organisation_access_changes(request.user)[:20]
        waiting = cases_waiting_for_approval(request.user)
        context["waiting_for_approval"] = shown = list(waiting[:WAITING_SHOWN])
        context["waiting_count"] = len(shown) if len(shown) < WAITING_SHOWN else waiting.count()
        if shown:  # the rows name the clients: a list read of those cases
            record_list(request, Case, shown)
    return render(request, "home.html", context)
