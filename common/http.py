"""The request of a signed-in user, for the type checker.

Every view needs a signed-in user (LoginRequiredMiddleware in the settings: deny by default)
unless it is marked @login_not_required, and the API's views require IsAuthenticated. Behind
that, request.user is a User and never AnonymousUser, so views annotate their request with
these types once instead of checking or casting the user at every call of a scoping selector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    """The API's request (Django REST framework) behind IsAuthenticated."""

    user: User  # narrows the property's User | AnonymousUser
