"""Writes about a user's own sign-ins: ending them everywhere, revoking one API token."""

from django.db import transaction
from django.http import HttpRequest
from knox.models import AuthToken

from audit.models import AuditAction
from audit.services import record_event

from .models import User
from .sessions import TOKEN_SHOWN_LENGTH, end_all_sessions


@transaction.atomic
def sign_out_everywhere(*, user: User, request: HttpRequest | None = None) -> tuple[int, int]:
    """Ends every session (this one too) and every API token of the user; answers how many
    of each. One audit event."""
    sessions = end_all_sessions(user)
    tokens, _by_model = AuthToken.objects.filter(user=user).delete()
    record_event(request=request, action=AuditAction.LOGOUT_ALL, actor=user)
    return sessions, tokens


@transaction.atomic
def revoke_token(*, user: User, token_prefix: str, request: HttpRequest | None = None) -> bool:
    """Ends the user's token whose key begins with `token_prefix` (TOKEN_SHOWN_LENGTH characters);
    False when the user has no such token."""
    if len(token_prefix) != TOKEN_SHOWN_LENGTH:
        return False
    deleted, _by_model = AuthToken.objects.filter(user=user, token_key__startswith=token_prefix).delete()
    if not deleted:
        return False
    record_event(request=request, action=AuditAction.TOKEN_REVOKED, actor=user)
    return True
