"""Session lifetime: an absolute limit after sign-in, and every session of a user ending at once
when the account is deactivated.

The inactivity limit is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
"""

import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SignedInSession, User

SIGNED_IN_AT = "liaison_signed_in_at"


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def remember_session(request: HttpRequest, user: User) -> None:
    """Record the (new) session key of a signed-in user."""
    if not request.session.session_key:
        request.session.save()
    SignedInSession.objects.update_or_create(session_key=request.session.session_key, defaults={"user": user})


def rotate_session(request: HttpRequest) -> None:
    """A new session id after a privilege change (the second factor), keeping the data."""
    old_key = request.session.session_key
    request.session.cycle_key()
    SignedInSession.objects.filter(session_key=old_key).delete()
    if request.user.is_authenticated:
        remember_session(request, request.user)


def end_all_sessions(user: User) -> int:
    """Delete every session of the user in the session store; answers how many."""
    store = _session_store()
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(user=user).delete()
    return len(keys)


@receiver(user_logged_in, dispatch_uid="liaison-session-signed-in")
def _on_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    request.session[SIGNED_IN_AT] = int(time.time())
    # Rows older than the absolute limit belong to dead sessions; dropping them here keeps the
    # table as small as the number of live sessions without a separate clean-up job.
    limit = timezone.now() - timezone.timedelta(seconds=settings.LIAISON_SESSION_MAX_SECONDS)
    SignedInSession.objects.filter(user=user, signed_in_at__lt=limit).delete()
    remember_session(request, user)


@receiver(user_logged_out, dispatch_uid="liaison-session-signed-out")
def _on_sign_out(sender, request: HttpRequest, user: User | None, **kwargs) -> None:
    if request is not None and request.session.session_key:
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(post_save, sender=User, dispatch_uid="liaison-session-deactivated")
def _on_user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        end_all_sessions(instance)


class AbsoluteSessionLimitMiddleware:
    """Signs the user out LIAISON_SESSION_MAX_SECONDS after sign-in, however active they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or time.time() - signed_in_at > settings.LIAISON_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
