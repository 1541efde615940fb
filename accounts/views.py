"""Sign-in, passwords, the user's own sessions and API tokens, and the assistant programme:
directory and national overview."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from kombu.exceptions import OperationalError as BrokerUnavailable

from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, querystring_without_page

from . import password_reset, services, sessions, tasks
from .decorators import role_can
from .models import Organisation
from .roles import Role
from .selectors import programme_overview, visible_assistant_profiles

logger = logging.getLogger(__name__)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    # Django's LoginView already hides the password from error reports (sensitive_post_parameters).
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    # Changing the password ends the user's other sessions (Django's session auth hash).
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:two_factor")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """The same answer and the same work for every address: the accounts are looked up and
    counted here, the mail is made and sent by a task (accounts/password_reset.py)."""

    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        user_ids = password_reset.accounts_to_mail(form.cleaned_data["email"])
        values = {
            "user_ids": user_ids,
            "domain": self.request.get_host(),
            "use_https": self.request.is_secure(),
            "language": get_language(),
        }
        transaction.on_commit(lambda: _queue_password_reset(values))
        return HttpResponseRedirect(self.get_success_url())


def _queue_password_reset(values: dict) -> None:
    try:
        tasks.send_password_reset.delay(**values)
    except BrokerUnavailable:
        # The visitor still sees the usual page; they can ask again once the broker is back.
        logger.error("Broker unavailable: a password reset mail was not queued.")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    # post_reset_login stays False: after a reset the user signs in with the new password and
    # then still gives the second factor.
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@role_can(Role.can_see_assistant_directory)
def assistant_directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    profiles = visible_assistant_profiles(request.user).prefetch_related(
        "localities", "assignments__service", "assignments__project__funder"
    )
    employer = request.GET.get("employer", "")
    if employer.isdigit():
        profiles = profiles.filter(employer_id=int(employer))
    page = paginate(request, profiles.order_by("municipality__name", "user__last_name", "user__first_name"))
    employers = Organisation.objects.filter(kind__in=[Organisation.Kind.NGO, Organisation.Kind.MUNICIPALITY])
    if Role(request.user.role) == Role.COORDINATOR:
        organisation_id = request.user.organisation_id
        employers = employers.filter(pk=organisation_id) if organisation_id else employers.none()
    return render(
        request,
        "accounts/assistant_directory.html",
        {
            "page": page,
            "employers": employers,
            "employer": employer,
            "querystring": querystring_without_page(request),
            "overview": programme_overview(request.user),
            "employer_kinds": dict(Organisation.Kind.choices),
        },
    )


@require_POST
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ends every session and API token of the user, this session included."""
    services.sign_out_everywhere(user=request.user, request=request)
    # This session is already gone from the store; logout() gives the browser a fresh one.
    logout(request)
    messages.success(request, _("You were signed out on every device and all your API tokens were revoked."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
def token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Revokes one of the user's own API tokens; another user's or an unknown key is a 404."""
    if not services.revoke_token(user=request.user, token_prefix=request.POST.get("token", ""), request=request):
        raise Http404
    messages.success(request, _("The API token was revoked."))
    return redirect(reverse("accounts:two_factor") + "#sign-ins")


@require_GET
@sessions.leaves_session_expiry
def session_left(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How long the session lasts without a sign of the user; asking does not extend it (another
    tab may have extended it: the page's warning of the inactivity sign-out asks before showing)."""
    return JsonResponse({"seconds_left": sessions.session_seconds_left(request)})


@require_POST
def session_keep_alive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Stay signed in" in the warning of the inactivity sign-out: the inactivity limit starts
    again now, even if the session's expiry was renewed less than a minute ago (which other
    requests leave as it is: liaison/session_store.py)."""
    request.session.modified = True
    return JsonResponse({"seconds_left": sessions.session_seconds_left(request)})
