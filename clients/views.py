"""Client files: list and search, detail, create, edit, consents, periods of service use."""

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.roles import Role
from accounts.sessions import leaves_session_expiry
from audit.services import record_list, record_view
from cases.selectors import visible_cases
from common import drafts
from common.http import AuthenticatedHttpRequest
from common.models import Draft
from common.pagination import paginate, querystring_without_page
from common.submissions import FIELD_NAME, earlier, once_per_submission, valid_key
from common.versioning import is_version_conflict
from contacts.selectors import contacts_for_list
from groupwork.selectors import group_activities_of_client
from programmes.selectors import visible_services
from programmes.services import starting_service

from . import services
from .forms import (
    ClientForm,
    ConsentForm,
    ConsentWithdrawForm,
    NewClientForm,
    RefusalFilterForm,
    RefusedApplicantForm,
    ServiceUseEndForm,
    ServiceUseStartForm,
)
from .models import Client, Consent, ServiceUse
from .selectors import (
    client_consents,
    client_participant_sheet,
    client_service_uses,
    possible_duplicates,
    refusals_by_reason,
    search_clients,
    visible_clients,
    visible_refused_applicants,
)

PICKER_LIMIT = 10
SEARCH_LIMIT = 50
DUPLICATE_LIMIT = 10


def _get_client_for_user(request: AuthenticatedHttpRequest, pk: int) -> Client:
    """The client if the user may see it; a foreign and a missing client are both 404."""
    return get_object_or_404(
        visible_clients(request.user).select_related(
            "locality__municipality", "district__region", "created_by", "imported_by"
        ),
        pk=pk,
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("q")
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET lists the clients page by page; a search by name is a POST, so that names never
    appear in URLs, browser history or server logs. Search results are one page (SEARCH_LIMIT)."""
    params = request.POST if request.method == "POST" else request.GET
    query = request.POST.get("q", "").strip()[:100]
    clients = (
        search_clients(request.user, query)
        if query
        else visible_clients(request.user).select_related("locality__municipality")
    )
    identity = params.get("identity", "")
    if identity in Client.Identity.values:
        clients = clients.filter(identity=identity)
    if query:
        found = list(clients[: SEARCH_LIMIT + 1])
        page, more = None, len(found) > SEARCH_LIMIT
        rows: Iterable[Client] = found[:SEARCH_LIMIT]
    else:
        page, more = paginate(request, clients), False
        rows = page.object_list
    record_list(request, Client, rows)
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "rows": rows,
            "more": more,
            "search_limit": SEARCH_LIMIT,
            "query": query,
            "identity": identity,
            "identities": Client.Identity.choices,
            "querystring": querystring_without_page(request),
        },
    )


@role_can(Role.can_work_with_clients)
@require_POST
@sensitive_post_parameters("q")
def client_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx (POST, so the typed name stays out of URLs and logs): clients matching a typed
    name, as check boxes for the contact form."""
    query = request.POST.get("q", "").strip()[:100]
    found = list(search_clients(request.user, query)[:PICKER_LIMIT]) if len(query) >= 2 else []
    if len(query) >= 2:  # fewer letters search nothing and show nobody
        record_list(request, Client, found)
    return render(request, "clients/_client_pick_results.html", {"clients": found, "query": query})


@role_can(Role.can_work_with_clients)
def client_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_user(request, pk)
    record_view(request, client)
    contacts = contacts_for_list(request.user).filter(clients=client)[:20]
    cases = visible_cases(request.user).filter(client=client).select_related("assistant")
    group_activities = group_activities_of_client(request.user, client)[:20]
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "consents": client_consents(client),
            "service_uses": client_service_uses(client),
            "participant_sheet": client_participant_sheet(client),
            "contacts": contacts,
            "cases": cases,
            "group_activities": group_activities,
        },
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
def client_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new client file. When the person resembles clients of the organisation already
    recorded (possible_duplicates), the form comes back listing them, and saves only once the
    user ticks that it is a different person (or opens the existing file instead)."""
    data, draft = _form_data(request, drafts.new_key())
    form = NewClientForm(data)
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["different_person"]:
        # A repeated POST of a form already saved goes on to its record, not to a warning about it.
        key = request.POST.get(FIELD_NAME, "")
        if not (valid_key(key) and earlier(request.user, key)):
            values = form.cleaned_data
            duplicates = list(
                possible_duplicates(
                    request.user,
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    nickname=values["nickname"],
                    birth_year=values["birth_year"],
                )[: DUPLICATE_LIMIT + 1]
            )
            if duplicates:
                shown = duplicates[:DUPLICATE_LIMIT]
                record_list(request, Client, shown)
                return _render_form(
                    request, form, None, duplicates=shown, more_duplicates=len(duplicates) > DUPLICATE_LIMIT
                )
    return _client_create_save(request, form, draft)


@once_per_submission
def _client_create_save(request: AuthenticatedHttpRequest, form: NewClientForm, draft) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        client = services.client_create(by=request.user, **form.client_data())
        drafts.draft_discard(request.user, Draft.Kind.CLIENT, drafts.new_key())
        messages.success(request, _("The client was saved."))
        return redirect("clients:detail", pk=client.pk)
    return _render_form(request, form, draft)


def _form_data(request: AuthenticatedHttpRequest, object_key: str) -> tuple:
    """What the form is bound to: the POST, or on opening the form the user's draft of it."""
    if request.method == "POST":
        return request.POST, None
    draft = drafts.draft_of(request.user, Draft.Kind.CLIENT, object_key)
    return (drafts.draft_data(draft) if draft else None), draft


def _render_form(request: AuthenticatedHttpRequest, form: ClientForm, draft, client=None, **extra) -> HttpResponse:
    if draft is not None:
        drafts.without_errors(form)
    draft_url = reverse("clients:draft", args=[client.pk]) if client else reverse("clients:draft_new")
    context = {"form": form, "client": client, "draft": draft, "draft_url": draft_url, **extra}
    return render(request, "clients/client_form.html", context)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
def client_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_user(request, pk)
    if request.method == "GET":
        record_view(request, client)  # the form shows the whole file, filled in
    data, draft = _form_data(request, str(client.pk))
    form = ClientForm(data, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=client, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            if is_version_conflict(error):
                form.show_stored_version(Client.objects.values_list("version", flat=True).get(pk=client.pk))
        else:
            drafts.draft_discard(request.user, Draft.Kind.CLIENT, str(client.pk))
            messages.success(request, _("The client was saved."))
            return redirect("clients:detail", pk=client.pk)
    return _render_form(request, form, draft, client)


@leaves_session_expiry  # a draft kept on a timer is no sign that the user is there
@role_can(Role.can_work_with_clients)
@require_POST
def client_draft_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The draft of a new client (common/drafts.py)."""
    return drafts.answer_draft_request(
        request, kind=Draft.Kind.CLIENT, object_key=drafts.new_key(), form_url=reverse("clients:create")
    )


@leaves_session_expiry
@role_can(Role.can_work_with_clients)
@require_POST
def client_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The draft of a client file being edited: only of a client the user sees."""
    client = get_object_or_404(visible_clients(request.user), pk=pk)
    return drafts.answer_draft_request(
        request, kind=Draft.Kind.CLIENT, object_key=str(client.pk), form_url=reverse("clients:edit", args=[pk])
    )


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def consent_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_user(request, pk)
    if request.method == "GET":
        record_view(request, client)  # the form names the client
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                client=client,
                purpose=form.cleaned_data["purpose"],
                given_on=form.cleaned_data["given_on"],
                valid_until=form.cleaned_data["valid_until"],
                note=form.cleaned_data["note"],
                recorded_by=request.user,
            )
        except services.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/consent_form.html", {"form": form, "client": client})


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    client = _get_client_for_user(request, pk)
    consent: Consent = get_object_or_404(client.consents, pk=consent_pk)
    if request.method == "GET":
        record_view(request, consent)  # the form names the client and the consent
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"], withdrawn_by=request.user
            )
        except services.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The withdrawal of the consent was recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/consent_withdraw.html", {"form": form, "client": client, "consent": consent})


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's refusal shown at the form's field it names, or above the form."""
    for name, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(name if name in form.fields else None, messages_)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
@once_per_submission  # a double click lands on the client's page, not on a refusal
def service_use_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The client became a user of a service of their organisation (from a day)."""
    client = _get_client_for_user(request, pk)
    if request.method == "GET":
        record_view(request, client)  # the form names the client
    offered = visible_services(request.user).filter(organisation_id=client.organisation_id, is_active=True)
    if not offered.exists():  # an organisation new to the programme gets its first service
        starting_service(client.organisation)
    form = ServiceUseStartForm(request.POST or None, services=offered)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_use_start(client=client, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The start of the service was recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/service_use_form.html", {"form": form, "client": client})


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def service_use_end(request: AuthenticatedHttpRequest, pk: int, use_pk: int) -> HttpResponse:
    """The client stopped using the service: the day and the reason."""
    client = _get_client_for_user(request, pk)
    use: ServiceUse = get_object_or_404(client.service_uses.select_related("service"), pk=use_pk)
    if request.method == "GET":
        record_view(request, use)  # the form names the client and the service
    form = ServiceUseEndForm(request.POST or None, initial={"note": use.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_use_end(use=use, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The end of the service was recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/service_use_end.html", {"form": form, "client": client, "use": use})


@role_can(Role.can_work_with_clients)
def refused_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Refused applicants of one year, counted by reason of §91(3), then listed page by page.
    No read is audited: a refusal names nobody (see RefusedApplicant)."""
    filter_form = RefusalFilterForm(request.GET or None)
    year, reason = filter_form.chosen_year(), filter_form.chosen_reason()
    of_year = visible_refused_applicants(request.user).filter(requested_on__year=year)
    counts = refusals_by_reason(of_year)
    rows = of_year.filter(reason=reason) if reason else of_year
    page = paginate(request, rows.select_related("locality__municipality", "recorded_by"))
    return render(
        request,
        "clients/refused_list.html",
        {
            "filter_form": filter_form,
            "year": year,
            "counts": counts,
            "total": sum(n for _value, _label, n in counts),
            "page": page,
            "querystring": querystring_without_page(request),
        },
    )


@role_can(Role.can_work_with_clients)
def refused_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One refusal with its whole note; another organisation's and a missing one are both 404."""
    applicant = get_object_or_404(
        visible_refused_applicants(request.user).select_related("locality__municipality", "recorded_by"), pk=pk
    )
    return render(request, "clients/refused_detail.html", {"applicant": applicant})


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def refused_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RefusedApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refused_applicant_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The refused applicant was recorded."))
            return redirect("clients:refused_list")
    return render(request, "clients/refused_form.html", {"form": form})
