from collections.abc import Callable

from rest_framework.permissions import BasePermission

from accounts.roles import Role


def role_can(ability: Callable[[Role], bool]) -> type[BasePermission]:
    """The API twin of accounts.decorators.role_can: a role without the ability gets 403."""

    class RoleCan(BasePermission):
        def has_permission(self, request, view) -> bool:
            return bool(request.user and request.user.is_authenticated and ability(Role(request.user.role)))

    RoleCan.__name__ = f"RoleCan_{ability.__name__}"
    return RoleCan
