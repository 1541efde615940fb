"""Sign-in, failed sign-in and sign-out in the audit trail (Django's auth signals)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction
from .services import record_event


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    record_event(request=request, action=AuditAction.LOGIN, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the attempted user name; the credentials also hold the (masked) password.
    username = str(credentials.get("username", ""))
    record_event(request=request, action=AuditAction.LOGIN_FAILED, username=username, actor=None)


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(request=request, action=AuditAction.LOGOUT, actor=user)
