from django.http import HttpRequest

from accounts.roles import Role

from .count import stored_total


def attention_count(request: HttpRequest) -> dict:
    """The menu's count of things to do, from the cache only: a page costs no query for it. When
    the cache has none, the menu asks for it afterwards (`attention:count`, htmx)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not Role(user.role).has_things_to_do():
        return {}
    return {"attention_menu": True, "attention_count": stored_total(user)}
