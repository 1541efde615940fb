from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.roles import Role

from .count import cached_total


def attention_count(request: HttpRequest) -> dict:
    """`attention_count` for the menu, counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = Role(user.role)
    if not (role.can_work_with_clients() or role.can_review_shared_cases()):
        return {}
    return {"attention_count": SimpleLazyObject(lambda: cached_total(user))}
