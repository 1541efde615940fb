"""The police liaison officer's review of the cases shared with the police in the own region.

What the officer sees, and why: the case's facts (title, crime types, dates, locality, police
reference and unit, status and its history, risk and vulnerability), the notes and attachments
the assistants marked as shared, the hearings' kind, time and place in the timeline (never
their internal note), and the police's own feedback. The client appears by the name
or pseudonym the client file uses and the year of birth, nothing else: no phone, e-mail,
address or client note, no other cases of the client, no contacts, tasks, referrals, rights
checklist, internal notes or internal attachments. The police contact the victim through the
assistant, which is the point of the programme.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from accounts.scoping import police_region_id
from audit.services import record_list, record_view
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, querystring_without_page

from . import services
from .filters import PoliceCaseFilter
from .forms import PoliceFeedbackForm
from .models import Case
from .selectors import police_cases_for_list, visible_attachments, visible_cases
from .timeline import police_timeline


def _get_shared_case(request: AuthenticatedHttpRequest, pk: int) -> Case:
    """A case shared with the officer right now; otherwise 404, like a missing one."""
    return get_object_or_404(
        visible_cases(request.user).select_related("client", "region", "locality__municipality", "organisation"), pk=pk
    )


@role_can(Role.can_review_shared_cases)
def shared_case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    case_filter = PoliceCaseFilter(
        request.GET or None, queryset=police_cases_for_list(request.user), region_id=police_region_id(request.user)
    )
    page = paginate(request, case_filter.qs)
    record_list(request, Case, page.object_list)
    return render(
        request,
        "cases/police_case_list.html",
        {"filter": case_filter, "page": page, "querystring": querystring_without_page(request)},
    )


@role_can(Role.can_review_shared_cases)
@require_http_methods(["GET", "POST"])
def shared_case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_shared_case(request, pk)
    if request.method == "GET":
        record_view(request, case)  # who at the police read which victim's case
    form = PoliceFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.police_feedback_record(
                case=case,
                officer=request.user,
                text=form.cleaned_data["text"],
                marks_reviewed=form.cleaned_data["marks_reviewed"],
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The feedback was recorded."))
            return redirect("police:case_detail", pk=case.pk)
    return render(
        request,
        "cases/police_case_detail.html",
        {
            "case": case,
            "crime_types": case.crime_types.all(),
            "timeline": police_timeline(case, viewer=request.user),
            "shared_attachments": visible_attachments(request.user).filter(case=case),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
