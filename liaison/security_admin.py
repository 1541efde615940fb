"""The Django admin only for administrators who have given the second factor.

The admin's own sign-in page is replaced by the application's (lockout, second factor).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from accounts.roles import Role


class LiaisonAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin") -> None:
        # Keep the usual "admin:" URL names (OTPAdminSite would call itself "otpadmin").
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        # OTPAdminSite: active staff member and request.user.is_verified().
        return super().has_permission(request) and request.user.role == Role.ADMIN

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))
