"""Data-subject requests from the client page: access export (JSON, PDF) and erasure."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record_event, record_view
from clients.models import Client
from clients.selectors import visible_clients
from common.http import AuthenticatedHttpRequest

from . import services
from .access_export import client_data
from .forms import ErasureForm
from .models import Anonymisation
from .pdf import access_export_pdf


def _client(request: AuthenticatedHttpRequest, pk: int) -> Client:
    """A foreign and a missing client are both 404."""
    return get_object_or_404(visible_clients(request.user).select_related("locality__municipality"), pk=pk)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_can(Role.can_handle_data_subject_requests)
@require_GET
def access_export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_event(request=request, action=AuditAction.ACCESS_EXPORT, obj=client)
    body = json.dumps(client_data(client), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, f"client-{client.pk}-personal-data.json")


@role_can(Role.can_handle_data_subject_requests)
@require_GET
def access_export_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    record_event(request=request, action=AuditAction.ACCESS_EXPORT, obj=client)
    response = HttpResponse(access_export_pdf(client_data(client)), content_type="application/pdf")
    return _attachment(response, f"client-{client.pk}-personal-data.pdf")


@role_can(Role.can_handle_data_subject_requests)
@require_http_methods(["GET", "POST"])
def client_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    already = Anonymisation.objects.filter(client=client).first()
    if request.method == "GET":
        record_view(request, client)  # the page names the client
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and already is None and form.is_valid():
        try:
            services.client_erase(client=client, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except services.ErasureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The client's personal data were removed; the statistics stay."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "gdpr/client_erase.html", {"client": client, "form": form, "already": already})
