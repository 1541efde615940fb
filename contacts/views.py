"""Contact records: quick entry, list with filters, detail, edit."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.models import User
from accounts.roles import Role
from accounts.sessions import leaves_session_expiry
from audit.services import record_list, record_view
from clients.selectors import visible_clients
from common import drafts
from common.http import AuthenticatedHttpRequest
from common.models import Draft
from common.pagination import keyset_paginate, querystring_without_page
from common.submissions import once_per_submission
from common.versioning import is_version_conflict

from . import services
from .filters import ContactFilter
from .forms import ADD_ACTIVITY_KEY, ContactForm, activity_formset, activity_inputs
from .models import Contact
from .selectors import can_edit_contact, contacts_for_list, visible_contacts


def _get_contact_for_user(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    """The contact if the user may see it; a foreign and a missing contact are both 404."""
    return get_object_or_404(contacts_for_list(request.user).select_related("case", "service", "project"), pk=pk)


@role_can(Role.can_work_with_clients)
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contact_filter = ContactFilter(request.GET or None, queryset=contacts_for_list(request.user), user=request.user)
    # By position, not page number, and a capped count: an organisation may have a million contacts.
    page = keyset_paginate(request, contact_filter.qs, "occurred_at")
    record_list(request, Contact, page.object_list)
    return render(
        request,
        "contacts/contact_list.html",
        {"filter": contact_filter, "page": page, "querystring": querystring_without_page(request)},
    )


@role_can(Role.can_work_with_clients)
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request, pk)
    record_view(request, contact)
    return render(
        request,
        "contacts/contact_detail.html",
        {"contact": contact, "can_edit": can_edit_contact(request.user, contact)},
    )


def _show_refusal(form: ContactForm, formset: BaseFormSet, error: ValidationError) -> None:
    """The service's refusal next to the fields it names: the activities' above their rows, a
    field the form does not show (service, project left to the assignment) above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field == "activities":
            formset._non_form_errors = formset.error_class(  # type: ignore[attr-defined]
                [*formset.non_form_errors(), *(message for e in errors for message in e.messages)],
                error_class="nonform",
            )
        elif field in form.fields and not form.fields[field].widget.is_hidden:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


def _render_form(
    request: AuthenticatedHttpRequest, form: ContactForm, formset: BaseFormSet, contact=None, draft=None
) -> HttpResponse:
    if draft is not None:
        drafts.without_errors(form, formset)
    draft_url = reverse("contacts:draft", args=[contact.pk]) if contact else reverse("contacts:draft_new")
    context = {"form": form, "activities": formset, "contact": contact, "add_activity_key": ADD_ACTIVITY_KEY}
    return render(request, "contacts/contact_form.html", {**context, "draft": draft, "draft_url": draft_url})


def _form_data(request: AuthenticatedHttpRequest, object_key: str) -> tuple:
    """What the form is bound to: the POST, or on opening the form the user's draft of it."""
    if request.method == "POST":
        return request.POST, None
    draft = drafts.draft_of(request.user, Draft.Kind.CONTACT, object_key)
    return (drafts.draft_data(draft) if draft else None), draft


def _initial_after(user: User, after: str) -> dict[str, object]:
    """A fresh form after saving a contact ("Log another contact", ?after=<pk>): the same service,
    project and locality, and the same day, starting when that contact ended (now, if it was
    today). Nothing about its people. Taken only from a contact the user may see."""
    last = visible_contacts(user).filter(pk=after).first() if after.isdigit() and len(after) < 10 else None
    if last is None:
        return {}
    initial: dict[str, object] = {"service": last.service_id, "project": last.project_id, "locality": last.locality_id}
    started = timezone.localtime(last.occurred_at)
    if started.date() != timezone.localdate():
        ended = started + datetime.timedelta(minutes=last.duration_minutes)
        initial["occurred_at"] = ended if ended.date() == started.date() else started
    return initial


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
@once_per_submission
def contact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = _initial_after(request.user, request.GET.get("after", "")) if request.method == "GET" else {}
    client_id = request.GET.get("client", "")
    chosen = visible_clients(request.user).filter(pk=client_id).first() if client_id.isdigit() else None
    data, draft = _form_data(request, drafts.new_key())
    if chosen is not None:
        initial["clients"] = [client_id]
        if request.method == "GET" and draft is None:
            record_view(request, chosen)  # the form names the chosen client
    if draft is not None:
        # The restored form names the clients chosen in the draft (those the user still sees).
        ids = [value for value in data.getlist("clients") if value.isdigit() and len(value) < 19]
        for shown in visible_clients(request.user).filter(pk__in=ids).order_by("pk"):
            record_view(request, shown)
    services.ensure_a_service(request.user)  # a new organisation's first record needs its activity types
    form = ContactForm(data, user=request.user, initial=initial)
    formset = activity_formset(data, contact_form=form)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            contact = services.contact_create(by=request.user, activities=activity_inputs(formset), **data)
        except ValidationError as error:
            _show_refusal(form, formset, error)
        else:
            drafts.draft_discard(request.user, Draft.Kind.CONTACT, drafts.new_key())
            messages.success(request, _("The contact was saved."))
            if "save_and_new" in request.POST:
                return redirect(f"{reverse('contacts:create')}?after={contact.pk}")
            return redirect("contacts:detail", pk=contact.pk)
    return _render_form(request, form, formset, draft=draft)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(visible_contacts(request.user), pk=pk)
    if not can_edit_contact(request.user, contact):
        raise PermissionDenied
    if request.method == "GET":
        record_view(request, contact)  # the form shows the whole record, filled in
    data, draft = _form_data(request, str(contact.pk))
    form = ContactForm(data, instance=contact, user=request.user)
    formset = activity_formset(data, contact_form=form)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        # A service or project the form does not offer stays as it was.
        values = {"service": contact.service, "project": contact.project, **form.cleaned_data}
        try:
            services.contact_update(by=request.user, contact=contact, activities=activity_inputs(formset), **values)
        except ValidationError as error:
            _show_refusal(form, formset, error)
            if is_version_conflict(error):
                form.show_stored_version(Contact.objects.values_list("version", flat=True).get(pk=contact.pk))
        else:
            drafts.draft_discard(request.user, Draft.Kind.CONTACT, str(contact.pk))
            messages.success(request, _("The contact was saved."))
            return redirect("contacts:detail", pk=contact.pk)
    return _render_form(request, form, formset, contact, draft)


@leaves_session_expiry  # a draft kept on a timer is no sign that the user is there
@role_can(Role.can_work_with_clients)
@require_POST
def contact_draft_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The draft of a new contact (common/drafts.py)."""
    return drafts.answer_draft_request(
        request, kind=Draft.Kind.CONTACT, object_key=drafts.new_key(), form_url=reverse("contacts:create")
    )


@leaves_session_expiry
@role_can(Role.can_work_with_clients)
@require_POST
def contact_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The draft of a contact being edited: only of a contact the user may edit."""
    contact = get_object_or_404(visible_contacts(request.user), pk=pk)
    if not can_edit_contact(request.user, contact):
        raise PermissionDenied
    return drafts.answer_draft_request(
        request, kind=Draft.Kind.CONTACT, object_key=str(contact.pk), form_url=reverse("contacts:edit", args=[pk])
    )
