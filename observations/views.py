"""Locality observations: the assistants' list, form and detail; the police's list, detail and reply."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from audit.services import record_list, record_view
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, querystring_without_page

from . import services
from .filters import ObservationFilter
from .forms import ObservationForm, PoliceReplyForm
from .models import Observation, PoliceReply
from .selectors import observations_for_list


def _with_replies(request: AuthenticatedHttpRequest):
    return observations_for_list(request.user).prefetch_related(
        Prefetch("replies", queryset=PoliceReply.objects.select_related("author"))
    )


def _list(request: AuthenticatedHttpRequest, template: str, *, police: bool = False) -> HttpResponse:
    observation_filter = ObservationFilter(
        request.GET or None, queryset=observations_for_list(request.user), police=police
    )
    page = paginate(request, observation_filter.qs)
    record_list(request, Observation, page.object_list)
    return render(
        request,
        template,
        {"filter": observation_filter, "page": page, "querystring": querystring_without_page(request)},
    )


@role_can(Role.can_work_with_clients)
def observation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list(request, "observations/observation_list.html")


@role_can(Role.can_work_with_clients)
def observation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    observation = get_object_or_404(_with_replies(request), pk=pk)
    record_view(request, observation)
    return render(
        request,
        "observations/observation_detail.html",
        {"observation": observation, "can_edit": services.can_edit_observation(request.user, observation)},
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def observation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            observation = services.observation_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The observation was saved."))
            return redirect("observations:detail", pk=observation.pk)
    return render(request, "observations/observation_form.html", {"form": form})


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def observation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    observation = get_object_or_404(observations_for_list(request.user), pk=pk)
    if not services.can_edit_observation(request.user, observation):
        raise PermissionDenied
    if request.method == "GET":
        record_view(request, observation)  # the form shows the whole record, filled in
    form = ObservationForm(request.POST or None, instance=observation)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_update(by=request.user, observation=observation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The observation was saved."))
            return redirect("observations:detail", pk=observation.pk)
    return render(request, "observations/observation_form.html", {"form": form, "observation": observation})


@role_can(Role.can_review_shared_cases)
def police_observation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list(request, "observations/police_observation_list.html", police=True)


@role_can(Role.can_review_shared_cases)
@require_http_methods(["GET", "POST"])
def police_observation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    observation = get_object_or_404(_with_replies(request), pk=pk)
    form = PoliceReplyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.police_reply(by=request.user, observation=observation, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your reply was sent."))
                return redirect("observations:police_detail", pk=observation.pk)
    else:
        record_view(request, observation)
    return render(
        request,
        "observations/police_observation_detail.html",
        {"observation": observation, "form": form},
        status=400 if form.errors else 200,
    )
