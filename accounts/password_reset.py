"""Password reset without telling who has an account: the view does the same work for every
address (finds the accounts, counts the request, queues one task) and the mail is made and sent
by the worker (accounts/tasks.py), so a known address answers as fast as an unknown one.

Requests are limited per address and per account (PASSWORD_RESET_LIMIT within
PASSWORD_RESET_LIMIT_WINDOW seconds, counted in the cache: Redis in production, shared by every
web machine). Over the limit the visitor sees the same page, no mail goes, and a warning is
logged without the address.
"""

import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User

logger = logging.getLogger(__name__)

SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
BODY_TEMPLATE = "accounts/password_reset_email.txt"


def _over_limit(key: str) -> bool:
    """Counts one request under `key` in a fixed window; True once the limit is passed."""
    window = settings.PASSWORD_RESET_LIMIT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.PASSWORD_RESET_LIMIT


def accounts_to_mail(email: str) -> list[int]:
    """The ids of the accounts that get a reset mail for `email`: active, with a usable password,
    and neither the address nor the account over its limit. The same queries for any address."""
    # A keyed hash: the cache never holds the address itself. The address as typed: the same
    # address written in other capitals is caught by the account's own limit.
    address_key = "password-reset:address:" + salted_hmac("password-reset-limit", email).hexdigest()
    address_over = _over_limit(address_key)
    user_ids = [user.pk for user in PasswordResetForm().get_users(email)]
    if address_over:
        logger.warning("Password reset refused: too many requests for one address (%s).", address_key[-8:])
        return []
    allowed = []
    for user_id in user_ids:
        if _over_limit(f"password-reset:account:{user_id}"):
            logger.warning("Password reset refused: too many requests for account %s.", user_id)
        else:
            allowed.append(user_id)
    return allowed


def send_reset_mails(*, user_ids: list[int], domain: str, use_https: bool, language: str) -> int:
    """Makes a one-time link for each account and mails it; answers how many mails went.
    An account deactivated (or its password made unusable) since the request gets none."""
    sent = 0
    with translation.override(language):
        for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
            if not user.has_usable_password():
                continue
            context = {
                "email": user.email,
                "domain": domain,
                "site_name": domain,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": default_token_generator.make_token(user),
                "protocol": "https" if use_https else "http",
            }
            subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines())
            EmailMessage(subject, render_to_string(BODY_TEMPLATE, context), None, [user.email]).send()
            sent += 1
    return sent
