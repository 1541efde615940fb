"""Hearings and appointments at authorities on a case: added from the case page, edited and
deleted on their own pages, by the staff who may edit the case (its organisation's)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.roles import Role
from audit.services import record_view
from common.http import AuthenticatedHttpRequest

from . import hearings
from .forms import HearingForm
from .models import Hearing
from .selectors import visible_cases, visible_hearings
from .services import CaseError


def _get_hearing(request: AuthenticatedHttpRequest, hearing_pk: int) -> Hearing:
    """A hearing of a case the user sees; a foreign and a missing one are both 404."""
    return get_object_or_404(visible_hearings(request.user).select_related("case"), pk=hearing_pk)


def _save(form: HearingForm, save) -> bool:
    """Call the service with the form's data; its refusal goes to the form's field."""
    try:
        save(**form.cleaned_data)
    except CaseError as error:
        form.add_error(error.field, str(error))
        return False
    return True


@role_can(Role.can_work_with_clients)
@require_POST
def hearing_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    form = HearingForm(request.POST)
    if form.is_valid() and _save(form, lambda **data: hearings.hearing_add(case=case, by=request.user, **data)):
        messages.success(request, _("The hearing was saved."))
        return redirect("cases:detail", pk=case.pk)
    context = {"case": case, "form": form, "heading": _("Add a hearing")}
    return render(request, "cases/case_action_form.html", context, status=400)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def hearing_edit(request: AuthenticatedHttpRequest, hearing_pk: int) -> HttpResponse:
    hearing = _get_hearing(request, hearing_pk)
    if request.method == "GET":
        record_view(request, hearing)  # the form shows the hearing and its note, filled in
    form = HearingForm(request.POST or None, instance=hearing)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda **data: hearings.hearing_update(hearing=hearing, **data))
    ):
        messages.success(request, _("The hearing was saved."))
        return redirect("cases:detail", pk=hearing.case_id)
    return render(
        request,
        "cases/hearing_form.html",
        {"form": form, "hearing": hearing, "case": hearing.case},
        status=400 if form.errors else 200,
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def hearing_delete(request: AuthenticatedHttpRequest, hearing_pk: int) -> HttpResponse:
    hearing = _get_hearing(request, hearing_pk)
    if request.method == "POST":
        hearings.hearing_delete(hearing=hearing)
        messages.success(request, _("The hearing was deleted."))
        return redirect("cases:detail", pk=hearing.case_id)
    record_view(request, hearing)  # the confirmation names the hearing and its case
    return render(request, "cases/hearing_delete.html", {"hearing": hearing, "case": hearing.case})
