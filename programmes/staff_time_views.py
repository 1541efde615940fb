"""Staff time: an assistant's own paid working time, a coordinator's view of the organisation's
staff, the import of a file, and direct work set against paid time ('Přímá práce a pracovní doba')."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, querystring_without_page

from . import staff_import
from .forms import PeriodForm, StaffTimeForm, StaffTimeImportForm
from .selectors import assignment_on, visible_services, visible_staff_time
from .staff_time import may_enter_staff_time, staff_members, staff_time_delete, staff_time_import, staff_time_save

PER_PAGE = 100


@role_can(Role.can_work_with_clients)
def staff_time_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    period_form = PeriodForm(request.GET or None)
    start, end = period_form.period()
    entries = visible_staff_time(request.user).filter(starts_on__range=(start, end))
    people = staff_members(request.user.organisation_id) if Role(request.user.role).can_manage_programme() else None
    person = request.GET.get("assistant", "")
    if people is not None and person.isdigit() and int(person) < 2**31:
        entries = entries.filter(assistant_id=int(person))
    totals = list(
        entries.values("assistant__first_name", "assistant__last_name", "assistant__username")
        .annotate(total=Sum("minutes"))
        .order_by("assistant__last_name", "assistant__first_name")
    )
    page = paginate(request, entries.order_by("-starts_on", "assistant__last_name", "service__name"), PER_PAGE)
    return render(
        request,
        "programmes/staff_time_list.html",
        {
            "page": page,
            "totals": totals,
            "period_form": period_form,
            "start": start,
            "end": end,
            "people": people,
            "person": person,
            "querystring": querystring_without_page(request),
        },
    )


def _save(request: AuthenticatedHttpRequest, form: StaffTimeForm, entry=None) -> bool:
    data = form.cleaned_data
    assistant = data["assistant"] if Role(request.user.role).can_manage_programme() else request.user
    try:
        staff_time_save(
            by=request.user,
            assistant=assistant,
            service=data["service"],
            period=data["period"],
            starts_on=data["starts_on"],
            minutes=data["minutes"],
            entry=entry,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def staff_time_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial: dict[str, object] = {"starts_on": timezone.localdate()}
    assignment = assignment_on(request.user)
    if assignment is not None:
        initial["service"] = assignment.service_id
    else:
        first = visible_services(request.user).filter(is_active=True).order_by("id").first()
        initial["service"] = first.pk if first else None
    form = StaffTimeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("The working time was saved."))
        return redirect(reverse("programmes:staff_time_list") + f"?month={form.cleaned_data['starts_on']:%Y-%m}")
    return render(request, "programmes/staff_time_form.html", {"form": form}, status=400 if form.errors else 200)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def staff_time_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(visible_staff_time(request.user), pk=pk)
    if not may_enter_staff_time(request.user, entry.assistant):
        raise PermissionDenied
    if request.method == "POST" and "delete" in request.POST:
        month = f"{entry.starts_on:%Y-%m}"
        staff_time_delete(by=request.user, entry=entry)
        messages.success(request, _("The working time was deleted."))
        return redirect(reverse("programmes:staff_time_list") + f"?month={month}")
    form = StaffTimeForm(request.POST or None, user=request.user, entry=entry)
    if request.method == "POST" and form.is_valid() and _save(request, form, entry):
        messages.success(request, _("The working time was saved."))
        return redirect(reverse("programmes:staff_time_list") + f"?month={entry.starts_on:%Y-%m}")
    return render(
        request, "programmes/staff_time_form.html", {"form": form, "entry": entry}, status=400 if form.errors else 200
    )


@role_can(Role.can_manage_programme)
@require_http_methods(["GET", "POST"])
def staff_time_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """First a check that saves nothing and lists every problem by row; then the import of the
    checked rows, all or nothing."""
    form = StaffTimeImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    context: dict = {"form": form, "example": staff_import.EXAMPLE}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        confirmed = form.cleaned_data["checked"]
        try:
            if upload is not None:
                table = staff_import.read_table(upload.name, upload.read(staff_import.MAX_FILE_BYTES + 1))
            elif confirmed:
                table = staff_import.read_table("checked.csv", confirmed.encode())
            else:
                raise staff_import.UnreadableFile(_("Choose a file to import."))
        except staff_import.UnreadableFile as error:
            form.add_error("file", str(error))
            return render(request, "programmes/staff_time_import.html", context, status=400)
        rows, errors = staff_import.check_rows(by=request.user, table=table)
        if errors or not rows:
            context.update(errors=errors, row_count=len(table))
            if not rows and not errors:
                form.add_error("file", _("The file has no rows under its header."))
            status = 400
        elif upload is not None:
            # The check passed: show what will be imported and ask to confirm.
            context.update(rows=rows[:50], row_count=len(rows), checked=staff_import.normalised_csv(rows))
        else:
            try:
                created, updated = staff_time_import(by=request.user, rows=rows)
            except ValidationError as error:
                context.update(errors=[staff_import.RowError(0, message) for message in error.messages])
                return render(request, "programmes/staff_time_import.html", context, status=400)
            messages.success(
                request,
                _("Imported: %(created)s new entries, %(updated)s corrected.")
                % {"created": created, "updated": updated},
            )
            return redirect("programmes:staff_time_list")
    return render(request, "programmes/staff_time_import.html", context, status=status)
