"""The second factor: enrolment of an authenticator app (TOTP, with a QR code), the code asked
after the password, and recovery codes shown once.

Built on django-otp's TOTPDevice (a code is accepted once: the device remembers the last time
step) and StaticDevice (a recovery code is deleted when used).
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.http import AuthenticatedHttpRequest

from . import services
from .sessions import live_sessions, live_tokens, rotate_session


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("The six digits from the authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_otp_token(self) -> str:
        return self.cleaned_data["otp_token"].strip().replace(" ", "")


def _next_url(request: AuthenticatedHttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _complete_second_factor(request: AuthenticatedHttpRequest, device) -> None:
    otp_login(request, device)
    # Verified is a higher privilege than signed in with a password: a new session id.
    rotate_session(request)


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The code asked after the password."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(user, confirmed=True):
        return redirect("accounts:otp_setup")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _match(user, form.cleaned_data["otp_token"])
        if device is not None:
            _complete_second_factor(request, device)
            if isinstance(device, StaticDevice):
                remaining = device.token_set.count()
                messages.warning(
                    request,
                    _("You signed in with a recovery code. %(count)s codes remain.") % {"count": remaining},
                )
            return redirect(_next_url(request))
        form.add_error("otp_token", _("The code is not valid. Codes can be used only once."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@sensitive_variables("token")
def _match(user, token: str):
    # match_token locks the devices (select_for_update) so that one code cannot be used twice
    # by two parallel requests, and lets django-otp throttle repeated failures.
    return match_token(user, token)


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app. A user who already has one must give its code first
    (otherwise a stolen password would be enough to enrol another phone)."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("accounts:otp_verify")
    device = services.authenticator_pending(user=user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            codes = services.authenticator_confirm(user=user, device=device)
            _complete_second_factor(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new_device": True})
        form.add_error("otp_token", _("The code is not valid. Check the time on your phone and try again."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False)),  # noqa: S308 - our own SVG
            "secret": _base32_secret(device),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Overview of the second factor and of the user's sessions and API tokens; POST makes new
    recovery codes (the old ones stop working)."""
    user = request.user
    if request.method == "POST":
        if not user.is_verified():
            return redirect("accounts:otp_verify")
        codes = services.recovery_codes_renew(user=user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "new_device": False})
    recovery = StaticDevice.objects.filter(user=user, name=services.RECOVERY_NAME).first()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "recovery_left": recovery.token_set.count() if recovery else 0,
            "required": settings.LIAISON_REQUIRE_2FA,
            # Where the user is signed in, with "sign out everywhere" (accounts/views.py).
            "sessions": live_sessions(user, request.session.session_key),
            "tokens": live_tokens(user),
        },
    )


def _base32_secret(device: TOTPDevice) -> str:
    """The key for typing into an app when the QR code cannot be scanned."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
