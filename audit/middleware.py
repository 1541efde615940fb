"""Per request: tell the database who acts, and record refused access of signed-in users."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .actor import acting_as
from .models import AuditAction
from .services import record_event

REFUSALS = {403: AuditAction.FORBIDDEN, 404: AuditAction.NOT_FOUND}


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(lambda: _signed_in_user_id(request)):
            response = self.get_response(request)
        action = REFUSALS.get(response.status_code)
        # request.user after the view: signing in or out, or an API token, may have set it.
        if action is not None and _signed_in_user_id(request) is not None:
            record_event(request=request, action=action)
        return response


def _signed_in_user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None
