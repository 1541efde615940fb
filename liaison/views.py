"""The start page: what each role needs first."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from audit.selectors import organisation_access_changes
from audit.services import record_list
from cases.selectors import transfers_waiting
from common.http import AuthenticatedHttpRequest
from contacts.models import Contact
from contacts.selectors import contacts_for_list, visible_contacts


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
        # Only the sending organisation and the number of cases: no person is named here.
        context["transfers_waiting"] = list(transfers_waiting(request.user)[:20])
    return render(request, "home.html", context)
