"""Group activities: the list with its summary of persons, the quick form, detail, edit, delete."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from .filters import GroupActivityFilter
from .forms import GroupActivityForm, head_count_initial
from .models import AgeBand, GroupActivity
from .selectors import (
    GroupParticipation,
    can_delete_group_activity,
    can_edit_group_activity,
    group_activities_for_list,
    group_activity_detail,
    participation_of,
)


@role_can(Role.can_work_with_clients)
def group_activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    activity_filter = GroupActivityFilter(
        request.GET or None, queryset=group_activities_for_list(request.user), user=request.user
    )
    page = paginate(request, activity_filter.qs)
    record_list(request, GroupActivity, page.object_list)
    return render(
        request,
        "groupwork/group_activity_list.html",
        {
            "filter": activity_filter,
            "page": page,
            "querystring": querystring_without_page(request),
            "summary": participation_of(activity_filter.qs),
            "period": activity_filter.period(),
            "age_bands": AgeBand.choices,
        },
    )


@role_can(Role.can_work_with_clients)
def group_activity_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group_activity = get_object_or_404(group_activity_detail(request.user), pk=pk)
    record_view(request, group_activity)
    cells = {(cell.sex, cell.age_band): cell.count for cell in group_activity.anonymous_attendance.all()}
    return render(
        request,
        "groupwork/group_activity_detail.html",
        {
            "group_activity": group_activity,
            "head_count": cells,
            "grid": GroupParticipation(anonymous=cells).grid(),
            "age_bands": AgeBand.choices,
            "can_edit": can_edit_group_activity(request.user, group_activity),
            "can_delete": can_delete_group_activity(request.user, group_activity),
        },
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def group_activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.ensure_a_service(request.user)
    form = GroupActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group_activity = services.group_activity_create(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The group activity was saved."))
            if "save_and_new" in request.POST:
                return redirect("groupwork:create")
            return redirect("groupwork:detail", pk=group_activity.pk)
    return render(request, "groupwork/group_activity_form.html", {"form": form})


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def group_activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group_activity = get_object_or_404(group_activity_detail(request.user), pk=pk)
    if not can_edit_group_activity(request.user, group_activity):
        raise PermissionDenied
    if request.method == "GET":
        record_view(request, group_activity)  # the form shows the whole record, filled in
    initial = {"clients": list(group_activity.participants.all()), **head_count_initial(group_activity)}
    form = GroupActivityForm(request.POST or None, instance=group_activity, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_activity_update(by=request.user, group_activity=group_activity, **form.service_kwargs())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The group activity was saved."))
            return redirect("groupwork:detail", pk=group_activity.pk)
    return render(request, "groupwork/group_activity_form.html", {"form": form, "group_activity": group_activity})


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
def group_activity_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group_activity = get_object_or_404(group_activity_detail(request.user), pk=pk)
    if request.method == "POST":
        services.group_activity_delete(by=request.user, group_activity=group_activity)
        messages.success(request, _("The group activity was deleted."))
        return redirect("groupwork:list")
    record_view(request, group_activity)  # the confirmation names the activity and its participants
    return render(request, "groupwork/group_activity_delete.html", {"group_activity": group_activity})
