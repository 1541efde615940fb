"""Writes of the user's own notification settings: the secret of the calendar feed."""

import hashlib
import secrets

from django.db import transaction

from accounts.models import User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_reset(*, user: User) -> str:
    """A new secret for the user's calendar feed; the old address stops working at once. Only
    its hash is stored: the secret is shown to the user once and cannot be read back."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = token_hash(token)
    user.save(update_fields=["calendar_token_hash"])
    return token


@transaction.atomic
def calendar_token_remove(*, user: User) -> None:
    user.calendar_token_hash = ""
    user.save(update_fields=["calendar_token_hash"])


def calendar_owner(token: str) -> User | None:
    """The active user whose feed the secret opens, or None (also for an empty or malformed one)."""
    if not token or len(token) > 100:
        return None
    return User.objects.filter(calendar_token_hash=token_hash(token), is_active=True).first()
