"""Writes about accounts that the audit trail must know of: a change of role or organisation,
the removal of a user's second-factor devices, ending a user's sign-ins everywhere and revoking
one API token; and the enrolment of a second factor with its recovery codes."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from audit.models import AccessChange, AuditAction
from audit.services import record_event

from .models import User
from .sessions import TOKEN_SHOWN_LENGTH, end_all_sessions

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"

OWN_ACCESS_MESSAGE = _(
    "Nobody may change their own role or organisation: another administrator has to do it, and the "
    "organisation's coordinators are told."
)


def check_access_change(
    *,
    actor_id: int | None,
    user: User,
    old_role: str,
    old_organisation_id: int | None,
    role: str,
    organisation_id: int | None,
) -> None:
    """Separation of duties: whoever changes a role or organisation, it is never their own, so
    that an administrator cannot make itself a coordinator (or move itself to an organisation)
    and read its clients. Raises ValidationError."""
    if actor_id is None or user.pk is None or actor_id != user.pk:
        return
    if (old_role, old_organisation_id) != (role, organisation_id):
        raise ValidationError(OWN_ACCESS_MESSAGE, code="own_access")


@transaction.atomic
def record_access_change(
    *, actor_id: int | None, user: User, old_role: str, old_organisation_id: int | None
) -> AccessChange:
    """One audit event and one before/after row, read by the coordinators of both organisations.
    Called by `User.save()`, so that every route that changes a role is recorded."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    change = AccessChange.objects.create(
        actor=actor,
        actor_username=actor.username if actor is not None else "",
        user=user,
        username=user.username,
        old_role=old_role or "",
        new_role=user.role,
        old_organisation_id=old_organisation_id,
        new_organisation_id=user.organisation_id,
    )
    record_event(action=AuditAction.ACCESS_CHANGE, obj=user, actor=actor)
    return change


@transaction.atomic
def remove_second_factor_devices(*, actor: User, users: Iterable[User], request: HttpRequest | None = None) -> int:
    """Delete the users' authenticator apps and recovery codes (a lost phone): they enrol again
    at their next sign-in. Nobody reads a device; each user is an audit event. Returns the
    number of users who had a device."""
    removed = 0
    for user in users:
        deleted = TOTPDevice.objects.filter(user=user).delete()[0]
        deleted += StaticDevice.objects.filter(user=user).delete()[0]
        removed += bool(deleted)
        record_event(action=AuditAction.DEVICES_REMOVED, request=request, obj=user, actor=actor)
    return removed


@transaction.atomic
def sign_out_everywhere(*, user: User, request: HttpRequest | None = None) -> tuple[int, int]:
    """Ends every session (this one too) and every API token of the user; answers how many
    of each. One audit event."""
    sessions = end_all_sessions(user)
    tokens, _by_model = AuthToken.objects.filter(user=user).delete()
    record_event(request=request, action=AuditAction.LOGOUT_ALL, actor=user)
    return sessions, tokens


@transaction.atomic
def issue_token(*, user: User, request: HttpRequest | None = None) -> tuple[AuthToken, str]:
    """A new API token of a user whose credentials were checked; answers the row and the key,
    which is shown once. One audit event (the request has no signed-in user: the actor is named)."""
    instance, token = AuthToken.objects.create(user)
    record_event(request=request, action=AuditAction.TOKEN_ISSUED, actor=user)
    return instance, token


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


# The second factor (accounts/otp_views.py parses the codes and calls these) --------------------


@transaction.atomic
def authenticator_pending(*, user: User) -> TOTPDevice:
    """The user's authenticator app being enrolled (unconfirmed), made on first need: the QR
    code shown again on a reload is the same one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """The app whose code the user just gave replaces any earlier one; recovery codes are
    renewed with it. Returns the new recovery codes, to be shown once."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working. Returns them, to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
