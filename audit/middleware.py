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
        user = getattr(request, "user", None)
        actor_id = user.pk if user is not None and user.is_authenticated else None
        with acting_as(actor_id):
            response = self.get_response(request)
        action = REFUSALS.get(response.status_code)
        # request.user again: signing in or out during the request replaces it.
        if action is not None and request.user.is_authenticated:
            record_event(request=request, action=action)
        return response
