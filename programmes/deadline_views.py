"""The coordinator's pages of reporting deadlines: which reports are due when, overdue ones
first, adding and editing them, and marking one submitted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.roles import Role
from common.forms import add_refusal
from common.http import AuthenticatedHttpRequest

from . import deadlines
from .forms import DeadlineForm
from .models import ReportingDeadline
from .selectors import open_deadlines, visible_deadlines
from .views import _organisation

manage = role_can(Role.can_manage_programme)

# Submitted reports shown below the open ones.
RECENTLY_SUBMITTED = 20


@manage
def deadline_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(open_deadlines(request.user))
    submitted = visible_deadlines(request.user).filter(submitted_at__isnull=False).order_by("-submitted_at")
    context = {
        "overdue": [row for row in rows if row.due_on < today],
        "upcoming": [row for row in rows if row.due_on >= today],
        "submitted": submitted[:RECENTLY_SUBMITTED],
        "today": today,
        # The organisation's report of a period gives the figures a funder's report needs.
        "can_request_report": Role(request.user.role).can_make_organisation_reports(),
    }
    return render(request, "programmes/deadline_list.html", context)


@manage
@require_http_methods(["GET", "POST"])
def deadline_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = DeadlineForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            deadlines.deadline_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The reporting deadline was saved."))
            return redirect("programmes:deadline_list")
    return render(request, "programmes/deadline_form.html", {"form": form}, status=400 if form.errors else 200)


@manage
@require_http_methods(["GET", "POST"])
def deadline_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deadline: ReportingDeadline = get_object_or_404(visible_deadlines(request.user), pk=pk)
    form = DeadlineForm(request.POST or None, instance=deadline, organisation=deadline.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            deadlines.deadline_update(deadline=deadline, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The reporting deadline was saved."))
            return redirect("programmes:deadline_list")
    return render(
        request,
        "programmes/deadline_form.html",
        {"form": form, "deadline": deadline},
        status=400 if form.errors else 200,
    )


@manage
@require_POST
def deadline_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deadline = get_object_or_404(visible_deadlines(request.user), pk=pk)
    try:
        following = deadlines.deadline_submit(deadline=deadline, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if following is None:
            messages.success(request, _("The report was marked submitted."))
        else:
            messages.success(
                request,
                _("The report was marked submitted; the next one is due on %(day)s.")
                % {"day": date_format(following.due_on, "SHORT_DATE_FORMAT")},
            )
    return redirect("programmes:deadline_list")
