"""The coordinator's pages of the programme set-up: the organisation's services and their activity
types, projects and funders, where each assistant's work belongs (assignments), and direct work
set against paid working time. Entering staff time: programmes/staff_time_views.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.models import AssistantProfile, Organisation
from accounts.roles import Role
from common.forms import add_refusal
from common.http import AuthenticatedHttpRequest
from contacts.selectors import used_activity_type_ids, work_minutes

from . import services
from .forms import ActivityTypeForm, AssignmentForm, FunderForm, PeriodForm, ProjectForm, ServiceForm
from .models import ActivityType, Assignment
from .selectors import (
    paid_minutes,
    visible_activity_types,
    visible_assignments,
    visible_projects,
    visible_services,
)
from .staff_time import staff_members
from .summary import FULL_TIME_HOURS_PER_WEEK, build_summary, working_days

manage = role_can(Role.can_manage_programme)


def _organisation(request: AuthenticatedHttpRequest) -> Organisation:
    """The coordinator's organisation, whose programme the pages set up."""
    if request.user.organisation is None:
        raise PermissionDenied
    return request.user.organisation


# -- services and their activity types ----------------------------------------------------------


@manage
def service_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = (
        visible_services(request.user)
        .annotate(type_count=Count("activity_types"))
        .prefetch_related("localities__municipality")
        .order_by("-is_active", "name")
    )
    return render(request, "programmes/service_list.html", {"services": rows})


@manage
@require_http_methods(["GET", "POST"])
def service_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = ServiceForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.service_create(organisation=organisation, **data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The service was saved with the usual activity types; adjust them below."))
            return redirect("programmes:service_detail", pk=service.pk)
    return render(request, "programmes/service_form.html", {"form": form}, status=400 if form.errors else 200)


@manage
def service_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(visible_services(request.user).prefetch_related("localities__municipality"), pk=pk)
    types = list(service.activity_types.order_by("ordering", "name"))
    used = used_activity_type_ids(request.user, service.pk)
    return render(
        request, "programmes/service_detail.html", {"service": service, "activity_types": types, "used": used}
    )


@manage
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(visible_services(request.user), pk=pk)
    form = ServiceForm(request.POST or None, instance=service, organisation=service.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(service=service, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The service was saved."))
            return redirect("programmes:service_detail", pk=service.pk)
    return render(
        request, "programmes/service_form.html", {"form": form, "service": service}, status=400 if form.errors else 200
    )


@manage
@require_http_methods(["GET", "POST"])
def activity_type_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(visible_services(request.user), pk=pk)
    form = ActivityTypeForm(request.POST or None, instance=ActivityType(service=service))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_type_create(service=service, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The activity type was added at the end of the list."))
            return redirect("programmes:service_detail", pk=service.pk)
    return render(
        request,
        "programmes/activity_type_form.html",
        {"form": form, "service": service},
        status=400 if form.errors else 200,
    )


@manage
@require_http_methods(["GET", "POST"])
def activity_type_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity_type = get_object_or_404(visible_activity_types(request.user), pk=pk)
    form = ActivityTypeForm(request.POST or None, instance=activity_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_type_update(activity_type=activity_type, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The activity type was saved."))
            return redirect("programmes:service_detail", pk=activity_type.service_id)
    return render(
        request,
        "programmes/activity_type_form.html",
        {"form": form, "service": activity_type.service, "activity_type": activity_type},
        status=400 if form.errors else 200,
    )


@manage
@require_POST
def activity_type_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity_type = get_object_or_404(visible_activity_types(request.user), pk=pk)
    services.activity_type_move(activity_type=activity_type, up=request.POST.get("direction") == "up")
    return redirect(reverse("programmes:service_detail", args=[activity_type.service_id]) + f"#type-{pk}")


@manage
@require_POST
def activity_type_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity_type = get_object_or_404(visible_activity_types(request.user), pk=pk)
    try:
        services.activity_type_delete(activity_type=activity_type)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The activity type was deleted."))
    return redirect("programmes:service_detail", pk=activity_type.service_id)


# -- projects and funders -----------------------------------------------------------------------


@manage
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    projects = (
        visible_projects(request.user)
        .prefetch_related("services")
        .annotate(assistant_count=Count("assignments__profile", distinct=True))
        .order_by("-is_active", "-starts_on", "name")
    )
    return render(request, "programmes/project_list.html", {"projects": projects})


@manage
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    chosen = request.GET.get("funder", "")  # a funder just added from this form
    initial = {"funder": int(chosen)} if chosen.isdigit() and len(chosen) < 10 else {}
    form = ProjectForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("programmes:project_list")
    return render(request, "programmes/project_form.html", {"form": form}, status=400 if form.errors else 200)


@manage
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(visible_projects(request.user), pk=pk)
    chosen = request.GET.get("funder", "")  # a funder just added from this form
    initial = {"funder": int(chosen)} if chosen.isdigit() and len(chosen) < 10 else {}
    form = ProjectForm(request.POST or None, instance=project, organisation=project.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("programmes:project_list")
    return render(
        request, "programmes/project_form.html", {"form": form, "project": project}, status=400 if form.errors else 200
    )


@manage
@require_http_methods(["GET", "POST"])
def funder_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A funder missing from the shared list; back to the project form with it chosen."""
    form = FunderForm(request.POST or None)
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = ""
    if request.method == "POST" and form.is_valid():
        try:
            funder = services.funder_create(**form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The funder was added."))
            target = back or reverse("programmes:project_create")
            return redirect(f"{target}{'&' if '?' in target else '?'}funder={funder.pk}")
    return render(
        request, "programmes/funder_form.html", {"form": form, "back": back}, status=400 if form.errors else 200
    )


# -- assignments --------------------------------------------------------------------------------


@manage
def assignment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    profiles = (
        AssistantProfile.objects.filter(employer_id=request.user.organisation_id)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=visible_assignments(request.user).order_by("-valid_from"),
            )
        )
        .order_by("user__last_name", "user__first_name")
    )
    return render(request, "programmes/assignment_list.html", {"profiles": profiles})


@manage
@require_http_methods(["GET", "POST"])
def assignment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    initial = {"profile": request.GET.get("profile")} if request.GET.get("profile", "").isdigit() else {}
    form = AssignmentForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(**form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The assignment was saved."))
            return redirect("programmes:assignment_list")
    return render(request, "programmes/assignment_form.html", {"form": form}, status=400 if form.errors else 200)


@manage
@require_http_methods(["GET", "POST"])
def assignment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment: Assignment = get_object_or_404(visible_assignments(request.user), pk=pk)
    organisation = _organisation(request)
    form = AssignmentForm(request.POST or None, instance=assignment, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_update(assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The assignment was saved."))
            return redirect("programmes:assignment_list")
    return render(
        request,
        "programmes/assignment_form.html",
        {"form": form, "assignment": assignment},
        status=400 if form.errors else 200,
    )


@manage
@require_POST
def assignment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(visible_assignments(request.user), pk=pk)
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("The assignment was deleted."))
    return redirect("programmes:assignment_list")


# -- direct work against paid working time ------------------------------------------------------


@manage
def work_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Direct work against paid working time per assistant and service, and each service's FTE."""
    period_form = PeriodForm(request.GET or None)
    start, end = period_form.period()
    paid = paid_minutes(request.user, start, end)
    work = work_minutes(request.user, start, end)
    assistant_ids = {key[0] for key in paid} | {key[0] for key in work}
    people = {
        user.pk: user for user in staff_members(request.user.organisation_id, former=True).filter(pk__in=assistant_ids)
    }
    services = {service.pk: service for service in visible_services(request.user)}
    days = working_days(start, end)
    summary = build_summary(people=people, services=services, paid=paid, work=work, days=days)
    return render(
        request,
        "programmes/work_summary.html",
        {
            "period_form": period_form,
            "start": start,
            "end": end,
            "days": days,
            "summary": summary,
            "full_time": FULL_TIME_HOURS_PER_WEEK,
            "full_time_hours": FULL_TIME_HOURS_PER_WEEK * days / 5,
        },
    )
