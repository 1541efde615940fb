"""The Django admin only for administrators who have given the second factor.

The admin's own sign-in page is replaced by the application's (lockout, second factor). Every
admin registered here, third-party ones included, filters, searches and sorts only on what it
shows and records its reads (liaison/admin_security.py).
"""

from urllib.parse import urlencode

from django.contrib.admin import ModelAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminSite

from accounts.roles import Role

from .admin_security import make_safe


class LiaisonAdminSite(OTPAdminSite):
    site_header = _("Liaison administration")
    site_title = _("Liaison administration")

    def __init__(self, name: str = "admin") -> None:
        # Keep the usual "admin:" URL names (OTPAdminSite would call itself "otpadmin").
        super().__init__(name)

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        super().register(model_or_iterable, make_safe(admin_class or ModelAdmin), **options)

    def has_permission(self, request: HttpRequest) -> bool:
        # OTPAdminSite: active staff member and request.user.is_verified().
        return super().has_permission(request) and request.user.is_authenticated and request.user.role == Role.ADMIN

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get("next", reverse("admin:index"))
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if user.is_active and user.is_staff and user.role == Role.ADMIN:
            # Signed in with the password only (the demo relaxes two factors for the rest of the
            # site): the admin still asks for the code, enrolling an authenticator first if needed.
            target = "accounts:otp_verify" if user_has_device(user, confirmed=True) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
        # Signed in but not an administrator: sending them to sign in again would loop.
        raise PermissionDenied
