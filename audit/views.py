"""The audit trail page: coordinators for their organisation, administrators for all."""

from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import role_can
from accounts.roles import Role
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, querystring_without_page

from .forms import AuditFilterForm
from .selectors import visible_audit_events


@role_can(Role.can_read_audit_trail)
def audit_trail(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, user=request.user)
    events = form.filter(visible_audit_events(request.user)).select_related("content_type")
    page = paginate(request, events)
    return render(
        request,
        "audit/audit_trail.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )
