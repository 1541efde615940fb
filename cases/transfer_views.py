"""Pages of client transfers between organisations: request one from the client page, the
coordinators' list of incoming and outgoing transfers, and the decision page.

The receiving coordinator sees only the summary of a waiting transfer (cases.selectors
`transfer_summary`: initials, year of birth, sex, the sending organisation and coordinator,
the number of cases and the sender's note) until accepting it; the client file opens after."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from audit.services import record_list, record_view
from clients.models import Consent
from clients.selectors import visible_clients
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate
from common.submissions import once_per_submission

from . import transfers
from .models import ClientTransfer
from .selectors import transfer_summary, transfers_for_list
from .transfer_forms import TransferForm, TransferRejectForm


def _add_refusal(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
@once_per_submission
def transfer_create(request: AuthenticatedHttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(visible_clients(request.user), pk=client_pk)
    if request.method == "GET":
        record_view(request, client)  # the form names the client and lists their cases
    form = TransferForm(request.POST or None, user=request.user, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfers.transfer_request(by=request.user, client=client, request=request, **form.cleaned_data)
        except ValidationError as error:
            _add_refusal(form, error)
        else:
            messages.success(request, _("The transfer was sent to the receiving organisation for its decision."))
            return redirect("transfers:detail", pk=transfer.pk)
    consent = client.consents.active(Consent.Purpose.TRANSFER).first()
    status = 400 if form.errors else 200
    return render(
        request, "cases/transfer_form.html", {"form": form, "client": client, "consent": consent}, status=status
    )


@role_can(Role.can_supervise)
def transfer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, transfers_for_list(request.user))
    rows = [(transfer, transfer_summary(transfer)) for transfer in page.object_list]
    record_list(request, ClientTransfer, page.object_list)
    return render(
        request,
        "cases/transfer_list.html",
        {"page": page, "rows": rows, "organisation_id": client_work_organisation_id(request.user)},
    )


def _detail(request: AuthenticatedHttpRequest, transfer: ClientTransfer, reject_form=None, status: int = 200):
    organisation_id = client_work_organisation_id(request.user)
    incoming = transfer.to_organisation_id == organisation_id
    return render(
        request,
        "cases/transfer_detail.html",
        {
            "transfer": transfer,
            "summary": transfer_summary(transfer),
            "cases": transfer.cases.order_by("-opened_at", "-id") if incoming and not transfer.is_pending else None,
            "incoming": incoming,
            "consent_gone": ""
            if transfer.client.consents.active(Consent.Purpose.TRANSFER).exists()
            else transfers.consent_gone_message(transfer.client_id),
            "reject_form": reject_form or TransferRejectForm(),
            # After an accepted transfer the client file is the receiver's: a link to it.
            "client_visible": visible_clients(request.user).filter(pk=transfer.client_id).exists(),
        },
        status=status,
    )


@role_can(Role.can_supervise)
def transfer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(transfers_for_list(request.user), pk=pk)
    record_view(request, transfer)
    return _detail(request, transfer)


def _incoming(request: AuthenticatedHttpRequest, pk: int) -> ClientTransfer:
    """A transfer to the user's organisation; an outgoing, a foreign and a missing one are 404."""
    organisation_id = client_work_organisation_id(request.user)
    return get_object_or_404(transfers_for_list(request.user).filter(to_organisation_id=organisation_id), pk=pk)


@role_can(Role.can_supervise)
@require_POST
def transfer_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    transfer = _incoming(request, pk)
    try:
        transfers.transfer_accept(by=request.user, transfer=transfer, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("transfers:detail", pk=transfer.pk)
    messages.success(request, _("The transfer was accepted: the client file and the cases are now yours."))
    return redirect("clients:detail", pk=transfer.client_id)


@role_can(Role.can_supervise)
@require_POST
def transfer_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    transfer = _incoming(request, pk)
    form = TransferRejectForm(request.POST)
    if form.is_valid():
        try:
            transfers.transfer_reject(
                by=request.user, transfer=transfer, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            _add_refusal(form, error)
        else:
            messages.success(request, _("The transfer was rejected; nothing changed for the client."))
            return redirect("transfers:detail", pk=transfer.pk)
    return _detail(request, transfer, reject_form=form, status=400)


@role_can(Role.can_supervise)
@require_POST
def transfer_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation_id = client_work_organisation_id(request.user)
    transfer = get_object_or_404(transfers_for_list(request.user).filter(from_organisation_id=organisation_id), pk=pk)
    try:
        transfers.transfer_cancel(by=request.user, transfer=transfer, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The transfer was withdrawn."))
    return redirect("transfers:detail", pk=transfer.pk)
