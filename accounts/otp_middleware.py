"""Two factors for every role: a signed-in user who has not yet given the second factor may only
reach the pages that ask for it (LIAISON_REQUIRE_2FA; the local demo may switch it off)."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp import user_has_device

# Pages an unverified user must reach: the second factor itself, sign-out, the language switch,
# the health check and the public password-reset pages.
OTP_EXEMPT_URL_NAMES = frozenset(
    {
        "accounts:otp_verify",
        "accounts:otp_setup",
        "accounts:logout",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        # The link of an invitation to a new account (management/views.py), public like a reset link.
        "management:invitation_accept",
        "set_language",
        "healthz",
        # Signed in by the secret in its address, never by a session (attention/views.py).
        "attention:calendar_feed",
    }
)


def two_factors_required() -> bool:
    return settings.LIAISON_REQUIRE_2FA


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not two_factors_required():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_URL_NAMES:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        # Also for API URLs: a password-only session must not reach them through session auth.
        target = "accounts:otp_verify" if user_has_device(user, confirmed=True) else "accounts:otp_setup"
        return redirect_to_login(request.get_full_path(), reverse(target))
