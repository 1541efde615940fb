"""Third-party apps under Czech names, and the texts of theirs that the admin shows.

An app's name in the admin is its AppConfig's `verbose_name`, which these apps leave untranslated
("Axes", "Knox", "Otp_Totp"); INSTALLED_APPS names the configs below instead. The other texts
(model and field names, filters, fieldsets, actions) are marked for translation in django-axes and
translated in our catalogue, as are the few texts of Django's admin that its Czech catalogue lacks.
django-otp and knox name their models in plain English, which the admin translates where it shows
them (accounts/admin.py, the permission list of a user). `gettext_noop` keeps all of these texts
in our catalogue when it is regenerated (`make messages`).
"""

import datetime
from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDeviceConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDeviceConfig


class SignInAttemptsConfig(AxesAppConfig):
    verbose_name = _("Sign-in attempts and lockouts")

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        # The admin names a record by its str(), which django-axes writes as an English f-string.
        AccessAttempt.__str__ = _attempts_name
        AccessLog.__str__ = _sign_in_name
        AccessFailureLog.__str__ = _failure_name


def _when(moment: datetime.datetime | None) -> str:
    return formats.localize(timezone.localtime(moment)) if moment is not None else "—"


def _attempts_name(attempt: Any) -> str:
    return gettext("Attempts to sign in as %(username)s, last at %(time)s") % {
        "username": attempt.username or "—",
        "time": _when(attempt.attempt_time),
    }


def _sign_in_name(log: Any) -> str:
    return gettext("Sign-in of %(username)s at %(time)s") % {
        "username": log.username or "—",
        "time": _when(log.attempt_time),
    }


def _failure_name(failure: Any) -> str:
    text = (
        gettext("Failed sign-in of %(username)s at %(time)s, locked out")
        if failure.locked_out
        else gettext("Failed sign-in of %(username)s at %(time)s")
    )
    return text % {"username": failure.username or "—", "time": _when(failure.attempt_time)}


class APITokensConfig(AppConfig):
    name = "knox"
    verbose_name = _("API tokens")


class AuthenticatorDevicesConfig(TOTPDeviceConfig):
    verbose_name = _("Second factor: authenticator apps")


class RecoveryCodesConfig(StaticDeviceConfig):
    verbose_name = _("Second factor: recovery codes")


THIRD_PARTY_MESSAGES = (
    # django-axes: models and fields
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    # django-axes: the admin
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    # django-otp and knox: model names, in plain English there
    gettext_noop("TOTP device"),
    gettext_noop("static device"),
    gettext_noop("static token"),
    gettext_noop("auth token"),
    # Django's admin, which its Czech catalogue leaves untranslated
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
