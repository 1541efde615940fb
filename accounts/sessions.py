"""Session lifetime: an absolute limit after sign-in, and every session of a user ending at once
when the account is deactivated; API tokens ending with a changed password or a deactivation.

The inactivity limit is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
"""

import datetime
import functools
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, logout, user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from knox.models import AuthToken

from common.addresses import client_address, masked_address

from .models import SignedInSession, User

SIGNED_IN_AT = "liaison_signed_in_at"
# How much of an API token its user sees and names it by: enough to tell their tokens apart,
# a part of knox's token key (itself only the start of the token, never the secret).
TOKEN_SHOWN_LENGTH = 8


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def remember_session(request: HttpRequest, user: User) -> None:
    """Record the (new) session key of a signed-in user."""
    if not request.session.session_key:
        request.session.save()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "address": masked_address(client_address(request))},
    )


def session_key_changed(old_key: str, new_key: str) -> None:
    """The session store gives a signed-in session a new key (Django does after a password
    change, update_session_auth_hash): the session stays in the user's list."""
    SignedInSession.objects.filter(session_key=old_key).update(session_key=new_key)


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


def live_sessions(user: User, current_key: str | None = None) -> list[SignedInSession]:
    """The user's sessions that still let them in, newest first, each with `last_activity` and
    `is_current`. A session whose password hash is stale (the password changed since) is left
    out: Django refuses it at its next request."""
    max_age = datetime.timedelta(seconds=settings.LIAISON_SESSION_MAX_SECONDS)
    now = timezone.now()
    tracked = list(SignedInSession.objects.filter(user=user, signed_in_at__gt=now - max_age).order_by("-signed_in_at"))
    stored = {
        session.session_key: session
        for session in Session.objects.filter(session_key__in=[row.session_key for row in tracked], expire_date__gt=now)
    }
    current_hash = user.get_session_auth_hash()
    live = []
    for row in tracked:
        session = stored.get(row.session_key)
        if session is None:
            continue
        data = session.get_decoded()
        if str(data.get(SESSION_KEY)) != str(user.pk) or not constant_time_compare(
            data.get(HASH_SESSION_KEY, ""), current_hash
        ):
            continue
        # Every request saves the session with a new expiry (SESSION_SAVE_EVERY_REQUEST), so the
        # expiry minus the idle limit is the time of the last request.
        row.last_activity = session.expire_date - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        row.is_current = row.session_key == current_key
        live.append(row)
    return live


def live_tokens(user: User) -> list[AuthToken]:
    """The user's API tokens that have not expired, newest first, each with `shown_key`."""
    unexpired = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    tokens = list(AuthToken.objects.filter(unexpired, user=user).order_by("-created"))
    for token in tokens:
        token.shown_key = token.token_key[:TOKEN_SHOWN_LENGTH]
    return tokens


@receiver(user_logged_in, dispatch_uid="liaison-session-signed-in")
def _on_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    request.session[SIGNED_IN_AT] = int(time.time())
    # Rows older than the absolute limit belong to dead sessions; dropping them here keeps the
    # table as small as the number of live sessions without a separate clean-up job.
    limit = timezone.now() - datetime.timedelta(seconds=settings.LIAISON_SESSION_MAX_SECONDS)
    SignedInSession.objects.filter(user=user, signed_in_at__lt=limit).delete()
    remember_session(request, user)


@receiver(user_logged_out, dispatch_uid="liaison-session-signed-out")
def _on_sign_out(sender, request: HttpRequest, user: User | None, **kwargs) -> None:
    if request is not None and request.session.session_key:
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(post_save, sender=User, dispatch_uid="liaison-session-deactivated")
def _on_user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    if created:
        return
    if not instance.is_active:
        end_all_sessions(instance)
    # set_password() keeps the new password in `_password` until save() has passed it to the
    # validators: so this sees every change of a password (own change, reset, the admin, the
    # changepassword command) but not Django's silent re-hashing at sign-in, which clears
    # `_password` before saving. Sessions end by themselves (Django's session auth hash); the
    # tokens would not, so a stolen token dies with the old password.
    # (`_password` is AbstractBaseUser's, missing from the stubs.)
    if instance._password is not None or not instance.has_usable_password() or not instance.is_active:  # type: ignore[attr-defined]
        AuthToken.objects.filter(user=instance).delete()


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


# -- the inactivity limit, as the pages see it (static/js/session-timeout.js) -------------------

LEAVE_EXPIRY = "leave_expiry"  # an attribute of the session store (liaison/session_store.py)


def leaves_session_expiry(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A request to this view is no sign of the user's presence: it does not push the inactivity
    sign-out back (the saving of a draft on a timer, the page asking how long is left)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        setattr(request.session, LEAVE_EXPIRY, True)
        return view(request, *args, **kwargs)

    return wrapper


def _renewal_deferred(session) -> bool:
    """Whether saving this session at the end of the request will leave its stored expiry as it
    is (renewed less than a minute ago; liaison/session_store.py)."""
    due = getattr(session, "expiry_renewal_due", None)
    return due is not None and not session.modified and session.stored_expiry is not None and not due()


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until the session ends: the inactivity limit as stored (this request does not
    count when its view leaves the expiry alone, nor when the store renews the expiry only
    later: liaison/session_store.py), or the absolute limit if it comes first."""
    now = timezone.now()
    session = request.session
    if getattr(session, LEAVE_EXPIRY, False):
        key = session.session_key
        expires = Session.objects.filter(session_key=key).values_list("expire_date", flat=True).first()
        idle_left = (expires - now).total_seconds() if expires else 0.0
    elif _renewal_deferred(session):
        idle_left = (session.stored_expiry - now).total_seconds()  # type: ignore[attr-defined]
    else:
        idle_left = float(settings.SESSION_COOKIE_AGE)
    signed_in_at = request.session.get(SIGNED_IN_AT)
    absolute_left = settings.LIAISON_SESSION_MAX_SECONDS - (time.time() - signed_in_at) if signed_in_at else idle_left
    return max(0, int(min(idle_left, absolute_left)))


def session_timing(request: HttpRequest) -> dict:
    """Template context: when the page should warn of the inactivity sign-out, and how often an
    open form keeps its draft."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_seconds_left": session_seconds_left(request),
        "idle_warning_seconds": settings.LIAISON_IDLE_WARNING_SECONDS,
        "idle_warning_minutes": max(1, round(settings.LIAISON_IDLE_WARNING_SECONDS / 60)),
        "draft_save_seconds": settings.LIAISON_DRAFT_SAVE_SECONDS,
    }
