"""Victim-support cases for assistants and coordinators: list, open, detail with timeline,
edit, status changes, rights information, notes, tasks, referrals and attachments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.roles import Role
from accounts.sessions import leaves_session_expiry
from audit.models import AuditAction
from audit.services import record_event, record_list, record_view
from clients.selectors import visible_clients
from common import drafts
from common.http import AuthenticatedHttpRequest
from common.models import Draft
from common.pagination import paginate, querystring_without_page
from common.submissions import once_per_submission
from common.versioning import is_version_conflict

from . import attachments, services, workflow
from .filters import CaseFilter
from .forms import (
    AttachmentForm,
    CaseForm,
    ClosingDecisionForm,
    HearingForm,
    NoteForm,
    ReferralForm,
    ReferralStateForm,
    RightsForm,
    TaskForm,
    TransitionForm,
)
from .models import Attachment, Case, CaseStatus, Referral, Task, VictimRight
from .selectors import (
    case_is_visible_to_police,
    cases_for_list,
    open_tasks_of,
    visible_attachments,
    visible_cases,
    visible_hearings,
    visible_referrals,
    visible_tasks,
)
from .timeline import case_timeline


def _get_case(request: AuthenticatedHttpRequest, pk: int) -> Case:
    """The case if the user may see it; a foreign and a missing case are both 404."""
    return get_object_or_404(
        visible_cases(request.user).select_related("client", "assistant", "region", "locality__municipality"), pk=pk
    )


@role_can(Role.can_work_with_clients)
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    case_filter = CaseFilter(request.GET or None, queryset=cases_for_list(request.user), user=request.user)
    page = paginate(request, case_filter.qs)
    record_list(request, Case, page.object_list)
    return render(
        request,
        "cases/case_list.html",
        {"filter": case_filter, "page": page, "querystring": querystring_without_page(request)},
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
@once_per_submission
def case_create(request: AuthenticatedHttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(visible_clients(request.user).select_related("locality__municipality"), pk=client_pk)
    if request.method == "GET":
        record_view(request, client)  # the form names the client
    initial = {}
    if client.locality:
        initial = {"locality": client.locality, "region": client.locality.municipality.region_id}
    bound, draft = _form_data(request, drafts.new_key(client.pk))
    form = CaseForm(bound, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            case = services.case_open(by=request.user, client=client, **data)
        except ValidationError as error:
            form.add_error(None, error)
        except services.CaseError as error:
            form.add_error(error.field, str(error))
        else:
            drafts.draft_discard(request.user, Draft.Kind.CASE, drafts.new_key(client.pk))
            messages.success(request, _("The case was opened."))
            return redirect("cases:detail", pk=case.pk)
    return _render_form(request, form, draft, client)


def _form_data(request: AuthenticatedHttpRequest, object_key: str) -> tuple:
    """What the form is bound to: the POST, or on opening the form the user's draft of it."""
    if request.method == "POST":
        return request.POST, None
    draft = drafts.draft_of(request.user, Draft.Kind.CASE, object_key)
    return (drafts.draft_data(draft) if draft else None), draft


def _render_form(request: AuthenticatedHttpRequest, form: CaseForm, draft, client, case=None) -> HttpResponse:
    if draft is not None:
        drafts.without_errors(form)
    draft_url = reverse("cases:draft", args=[case.pk]) if case else reverse("cases:draft_new", args=[client.pk])
    context = {"form": form, "client": client, "case": case, "draft": draft, "draft_url": draft_url}
    return render(request, "cases/case_form.html", context)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    if request.method == "GET":
        record_view(request, case)  # the form shows the whole case, filled in
    bound, draft = _form_data(request, str(case.pk))
    form = CaseForm(bound, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            if is_version_conflict(error):
                form.show_stored_version(Case.objects.values_list("version", flat=True).get(pk=case.pk))
        except services.CaseError as error:
            form.add_error(error.field, str(error))
        else:
            drafts.draft_discard(request.user, Draft.Kind.CASE, str(case.pk))
            messages.success(request, _("The case was saved."))
            return redirect("cases:detail", pk=case.pk)
    return _render_form(request, form, draft, case.client, case)


@leaves_session_expiry  # a draft kept on a timer is no sign that the user is there
@role_can(Role.can_work_with_clients)
@require_POST
def case_draft_new(request: AuthenticatedHttpRequest, client_pk: int) -> HttpResponse:
    """The draft of a case being opened for a client the user sees (common/drafts.py)."""
    client = get_object_or_404(visible_clients(request.user), pk=client_pk)
    return drafts.answer_draft_request(
        request,
        kind=Draft.Kind.CASE,
        object_key=drafts.new_key(client.pk),
        form_url=reverse("cases:create", args=[client.pk]),
    )


@leaves_session_expiry
@role_can(Role.can_work_with_clients)
@require_POST
def case_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The draft of a case being edited: only of a case the user sees."""
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    return drafts.answer_draft_request(
        request, kind=Draft.Kind.CASE, object_key=str(case.pk), form_url=reverse("cases:edit", args=[pk])
    )


@role_can(Role.can_work_with_clients)
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    record_view(request, case)
    allowed = _allowed_statuses(request, case)
    waiting = case.status == CaseStatus.CLOSING_PROPOSED
    rights_given = {r.right: r for r in case.rights_information.select_related("recorded_by")}
    rights = [
        (value, label, rights_given.get(value))
        for value, label in VictimRight.choices
        if case.particularly_vulnerable or value not in VictimRight.vulnerable_only() or value in rights_given
    ]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "crime_types": case.crime_types.all(),
            "timeline": case_timeline(case),
            # A proposed closing is answered by the coordinator's decision form, not by a status.
            "transition_form": TransitionForm(allowed=allowed) if allowed and not waiting else None,
            "proposal": case.transitions.filter(to_status=CaseStatus.CLOSING_PROPOSED).select_related("by").last()
            if waiting
            else None,
            "decision_form": ClosingDecisionForm() if waiting and Role(request.user.role).can_supervise() else None,
            "rights": rights,
            "rights_form": RightsForm(case=case),
            "note_form": NoteForm(case=case),
            "task_form": TaskForm(user=request.user, case=case),
            "tasks": visible_tasks(request.user).filter(case=case).select_related("assignee"),
            "hearing_form": HearingForm(),
            "hearings": visible_hearings(request.user).filter(case=case),
            "referral_form": ReferralForm(),
            "referrals": visible_referrals(request.user).filter(case=case),
            "referral_state_form": ReferralStateForm(),
            "attachment_form": AttachmentForm(case=case),
            "attachments": visible_attachments(request.user).filter(case=case).select_related("uploaded_by"),
            "feedback": case.police_feedback.select_related("officer"),
            "police_see_it": case_is_visible_to_police(case),
            "today": timezone.localdate(),
        },
    )


def _allowed_statuses(request: AuthenticatedHttpRequest, case: Case) -> list[str]:
    return workflow.next_statuses(case.status, request.user, returns_to=services.status_before_proposal(case))


def _invalid(request: AuthenticatedHttpRequest, case: Case, form, heading: str) -> HttpResponse:
    """Show a refused form on its own page with the errors; nothing was saved."""
    return render(request, "cases/case_action_form.html", {"case": case, "form": form, "heading": heading}, status=400)


@role_can(Role.can_work_with_clients)
@require_POST
def case_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = TransitionForm(request.POST, allowed=_allowed_statuses(request, case))
    if form.is_valid():
        try:
            services.case_transition(
                case=case,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                comment=form.cleaned_data["comment"],
                outcome=form.cleaned_data["outcome"],
            )
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            if case.status == CaseStatus.CLOSING_PROPOSED:
                messages.success(request, _("Closing was proposed; it waits for the coordinator's approval."))
            else:
                messages.success(request, _("The status was changed."))
            return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Change the status"))


@role_can(Role.can_supervise)
@require_POST
def closing_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator approves a proposed closing or returns it to the assistant."""
    case = _get_case(request, pk)
    form = ClosingDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == ClosingDecisionForm.APPROVE
        try:
            services.case_closing_decide(
                case=case, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
            )
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case was closed.") if approve else _("The closing was returned."))
            return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Approval of closing"))


@role_can(Role.can_work_with_clients)
@require_POST
def rights_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = RightsForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.rights_record(
                case=case,
                rights=form.cleaned_data["rights"],
                informed_on=form.cleaned_data["informed_on"],
                by=request.user,
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The information about rights was recorded."))
            return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Information about the victim's rights"))


@role_can(Role.can_work_with_clients)
@require_POST
def note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = NoteForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.note_add(
                case=case,
                author=request.user,
                text=form.cleaned_data["text"],
                shared_with_police=form.cleaned_data["shared_with_police"],
            )
        except services.CaseError as error:  # the consent was withdrawn a moment ago
            form.add_error("shared_with_police", str(error))
        else:
            messages.success(request, _("The note was saved."))
            return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Add a note"))


@role_can(Role.can_work_with_clients)
@require_POST
def task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = TaskForm(request.POST, user=request.user, case=case)
    if form.is_valid():
        services.task_add(case=case, by=request.user, **form.cleaned_data)
        messages.success(request, _("The task was saved."))
        return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Add a task"))


@role_can(Role.can_work_with_clients)
@require_POST
def task_toggle(request: AuthenticatedHttpRequest, task_pk: int) -> HttpResponse:
    task: Task = get_object_or_404(visible_tasks(request.user), pk=task_pk)
    services.task_set_done(task=task, done=task.done_at is None)
    messages.success(request, _("The task was updated."))
    if request.POST.get("next") == "my_tasks":
        return redirect("cases:my_tasks")
    return redirect("cases:detail", pk=task.case_id)


@role_can(Role.can_work_with_clients)
def my_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, open_tasks_of(request.user))
    # A task row names its case and the case's client: the cases are the records shown.
    record_list(request, Case, [task.case for task in page.object_list])
    return render(request, "cases/my_tasks.html", {"page": page, "today": timezone.localdate()})


@role_can(Role.can_work_with_clients)
@require_POST
def referral_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        services.referral_add(case=case, by=request.user, **form.cleaned_data)
        messages.success(request, _("The referral was saved."))
        return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Refer to a service"))


@role_can(Role.can_work_with_clients)
@require_POST
def referral_state(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    referral: Referral = get_object_or_404(visible_referrals(request.user).select_related("case"), pk=referral_pk)
    form = ReferralStateForm(request.POST)
    if form.is_valid():
        try:
            services.referral_set_state(referral=referral, state=form.cleaned_data["state"], on=form.cleaned_data["on"])
        except services.CaseError as error:
            form.add_error("on", str(error))
        else:
            messages.success(request, _("The referral was updated."))
            return redirect("cases:detail", pk=referral.case_id)
    return _invalid(request, referral.case, form, _("Update the referral"))


@role_can(Role.can_work_with_clients)
@require_POST
def attachment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = AttachmentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        try:
            services.attachment_add(
                case=case,
                by=request.user,
                checked=form.cleaned_data["file"],
                shared_with_police=form.cleaned_data["shared_with_police"],
                description=form.cleaned_data["description"],
            )
        except services.CaseError as error:  # the consent was withdrawn a moment ago
            form.add_error("shared_with_police", str(error))
        else:
            messages.success(request, _("The attachment was saved."))
            return redirect("cases:detail", pk=case.pk)
    return _invalid(request, case, form, _("Upload an attachment"))


@role_can(Role.can_see_cases)
def attachment_download(request: AuthenticatedHttpRequest, attachment_pk: int) -> HttpResponse:
    """The decrypted file, for a case the user sees; the police get shared attachments only."""
    attachment: Attachment = get_object_or_404(
        visible_attachments(request.user).select_related("case"), pk=attachment_pk
    )
    try:
        content = attachments.read_decrypted(attachment.stored_name)
    except FileNotFoundError as exc:  # the row outlived its file (e.g. a restore without private media)
        raise Http404 from exc
    if attachment.content_type not in attachments.EXTENSIONS:  # never serve a type we did not accept
        raise PermissionDenied
    record_event(request=request, action=AuditAction.DOWNLOAD, obj=attachment)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.original_name)
    response["Cache-Control"] = "private, no-store"
    return response
