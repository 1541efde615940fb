"""Sign-in and the assistant programme: directory and national overview."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from liaison.pagination import paginate, querystring_without_page

from .decorators import role_can
from .models import Organisation
from .roles import Role
from .selectors import programme_overview, visible_assistant_profiles


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
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    # post_reset_login stays False: after a reset the user signs in with the new password and
    # then still gives the second factor.
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@role_can(Role.can_see_assistant_directory)
def assistant_directory(request: HttpRequest) -> HttpResponse:
    profiles = visible_assistant_profiles(request.user).prefetch_related("localities", "fundings__source")
    employer = request.GET.get("employer", "")
    if employer.isdigit():
        profiles = profiles.filter(employer_id=employer)
    page = paginate(request, profiles.order_by("municipality__name", "user__last_name", "user__first_name"))
    employers = Organisation.objects.filter(kind__in=[Organisation.Kind.NGO, Organisation.Kind.MUNICIPALITY])
    if Role(request.user.role) == Role.COORDINATOR:
        employers = employers.filter(pk=request.user.organisation_id)
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
