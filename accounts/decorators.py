"""View decorators for role checks. A role that lacks the ability gets 403;
records outside the user's scope are a separate matter (selectors, 404)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from .roles import Role

View = Callable[..., HttpResponseBase]  # also a streamed download


def role_can(ability: Callable[[Role], bool]) -> Callable[[View], View]:
    """Allow the view only to users whose role has `ability`, e.g. `@role_can(Role.can_supervise)`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated or not ability(Role(request.user.role)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
