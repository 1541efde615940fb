"""The management area: organisations, users and their invitations, and the reference lists.

An administrator manages every organisation and user and the shared reference lists; a
coordinator the users and working rules of the own organisation (its services, projects and
activity types are set up on the programme pages, programmes/views.py). Neither sees a client's
record here. Another organisation's user or organisation is 404, like a missing one."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.roles import Role
from common.forms import add_refusal
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, querystring_without_page
from programmes.forms import ServiceForm

from . import services
from .forms import REFERENCE_FORMS, OrganisationForm, UserForm
from .selectors import (
    REFERENCE_LISTS,
    assignments_of,
    funders_of,
    last_invitation,
    managed_organisations,
    managed_users,
    projects_of,
    reference_items,
    services_of,
    with_open_invitation,
)

manage = role_can(Role.can_manage_accounts)
administer = role_can(Role.can_manage_reference_data)

REFERENCE_TITLES = {
    "authorities": gettext_lazy("Authorities"),
    "topics": gettext_lazy("Topics"),
    "crime_types": gettext_lazy("Crime types"),
}


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _invitation_message(request: HttpRequest, sent: bool, email: str) -> None:
    if sent:
        messages.success(request, _("The invitation was sent to %(email)s.") % {"email": email})
    else:
        messages.warning(request, _("The invitation could not be sent. Try sending it again later."))


@manage
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "management/index.html", {"reference_lists": REFERENCE_TITLES})


# -- users --------------------------------------------------------------------------------------


@manage
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    users = with_open_invitation(managed_users(request.user))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    organisation = request.GET.get("organisation", "")
    if organisation.isdigit() and len(organisation) < 10:
        users = users.filter(organisation_id=int(organisation))
    page = paginate(request, users.order_by("-is_active", "organisation__name", "last_name", "first_name", "pk"))
    return render(
        request,
        "management/user_list.html",
        {
            "users": page,
            "page": page,
            "querystring": querystring_without_page(request),
            "query": query,
            "organisations": managed_organisations(request.user) if request.user.role == Role.ADMIN else None,
            "chosen_organisation": organisation,
        },
    )


@manage
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {}
    chosen = request.GET.get("organisation", "")
    if chosen.isdigit() and len(chosen) < 10:
        initial["organisation"] = int(chosen)
    form = UserForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.user.role != Role.ADMIN:
            data["organisation"] = request.user.organisation
        try:
            user, sent = services.user_create(actor=request.user, site=_site(request), **data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The user %(name)s was created.") % {"name": user})
            _invitation_message(request, sent, user.email)
            if "another" in request.POST:
                return redirect(reverse("management:user_create") + f"?organisation={user.organisation_id}")
            return redirect("management:user_detail", pk=user.pk)
    return render(request, "management/user_form.html", {"form": form}, status=400 if form.errors else 200)


@manage
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(managed_users(request.user), pk=pk)
    profile = getattr(user, "assistant_profile", None)
    assignments = assignments_of(profile) if profile is not None else []
    return render(
        request,
        "management/user_detail.html",
        {
            "person": user,
            "profile": profile,
            "localities": profile.localities.select_related("municipality") if profile else [],
            "assignments": assignments,
            "invitation": last_invitation(user),
            "is_self": user.pk == request.user.pk,
        },
    )


@manage
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(managed_users(request.user), pk=pk)
    form = UserForm(request.POST or None, actor=request.user, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.user.role != Role.ADMIN:
            data["organisation"] = request.user.organisation
        try:
            services.user_update(actor=request.user, user=user, **data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The user was saved."))
            return redirect("management:user_detail", pk=user.pk)
    return render(
        request, "management/user_form.html", {"form": form, "person": user}, status=400 if form.errors else 200
    )


@manage
@require_POST
def user_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(managed_users(request.user), pk=pk)
    try:
        services.user_deactivate(actor=request.user, user=user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The user was deactivated: they are signed out everywhere and cannot sign in."))
    return redirect("management:user_detail", pk=user.pk)


@manage
@require_POST
def user_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(managed_users(request.user), pk=pk)
    services.user_reactivate(actor=request.user, user=user, request=request)
    messages.success(request, _("The user can sign in again."))
    return redirect("management:user_detail", pk=user.pk)


@manage
@require_POST
def user_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(managed_users(request.user), pk=pk)
    try:
        sent = services.invitation_send(actor=request.user, user=user, site=_site(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _invitation_message(request, sent, user.email)
    return redirect("management:user_detail", pk=user.pk)


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the invitation: the new user chooses a password, is signed in, and goes on
    to enrol the second factor (accounts/otp_views.py) before anything else."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "management/invitation_invalid.html", status=404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password1"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set. Now set up the second factor of sign-in."))
            return redirect("accounts:otp_setup")
    return render(
        request,
        "management/invitation_accept.html",
        {"form": form, "person": invitation.user},
        status=400 if form.errors else 200,
    )


# -- organisations ------------------------------------------------------------------------------


@manage
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = managed_organisations(request.user).annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        service_count=Count("services", distinct=True),
    )
    return render(request, "management/organisation_list.html", {"organisations": organisations})


@administer
@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("management:organisation_detail", pk=organisation.pk)
    return render(request, "management/organisation_form.html", {"form": form}, status=400 if form.errors else 200)


@manage
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(managed_organisations(request.user), pk=pk)
    return render(
        request,
        "management/organisation_detail.html",
        {
            "organisation": organisation,
            "services": services_of(organisation),
            "projects": projects_of(organisation),
            "funders": funders_of(organisation),
            "members": with_open_invitation(managed_users(request.user).filter(organisation=organisation)).order_by(
                "-is_active", "last_name", "first_name"
            ),
        },
    )


@manage
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(managed_organisations(request.user), pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("management:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "management/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@administer
@require_http_methods(["GET", "POST"])
def organisation_service_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The first service of an organisation being set up; its coordinator manages it later."""
    organisation = get_object_or_404(managed_organisations(request.user), pk=pk)
    form = ServiceForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_service_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The service was saved with the usual activity types."))
            return redirect("management:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "management/service_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


# -- reference lists ----------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in REFERENCE_LISTS:
        raise Http404
    return kind


@administer
def reference_list(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    items = reference_items(request.user, _kind(kind)).order_by("ordering", "name")
    return render(
        request,
        "management/reference_list.html",
        {"kind": kind, "title": REFERENCE_TITLES[kind], "items": items, "lists": REFERENCE_TITLES},
    )


@administer
@require_http_methods(["GET", "POST"])
def reference_create(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    return _reference_form(request, _kind(kind), None)


@administer
@require_http_methods(["GET", "POST"])
def reference_edit(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    item = get_object_or_404(reference_items(request.user, _kind(kind)), pk=pk)
    return _reference_form(request, kind, item)


def _reference_form(request: AuthenticatedHttpRequest, kind: str, item) -> HttpResponse:
    form = REFERENCE_FORMS[kind](request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_item_save(actor=request.user, kind=kind, item=item, data=form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("management:reference_list", kind=kind)
    return render(
        request,
        "management/reference_form.html",
        {"form": form, "kind": kind, "title": REFERENCE_TITLES[kind], "item": item},
        status=400 if form.errors else 200,
    )


@administer
@require_POST
def reference_move(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    item = get_object_or_404(reference_items(request.user, _kind(kind)), pk=pk)
    services.reference_item_move(actor=request.user, kind=kind, item=item, up=request.POST.get("direction") == "up")
    return redirect(reverse("management:reference_list", args=[kind]) + f"#item-{pk}")


@administer
@require_POST
def reference_toggle(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    item = get_object_or_404(reference_items(request.user, _kind(kind)), pk=pk)
    services.reference_item_toggle(actor=request.user, kind=kind, item=item)
    return redirect(reverse("management:reference_list", args=[kind]) + f"#item-{pk}")


@administer
@require_POST
def reference_delete(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    item = get_object_or_404(reference_items(request.user, _kind(kind)), pk=pk)
    try:
        services.reference_item_delete(actor=request.user, kind=kind, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The item was deleted."))
    return redirect("management:reference_list", kind=kind)
