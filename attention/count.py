"""The number in the menu: how many things need doing, kept a few minutes in the cache so that a
page costs no query for it. The start page and the digest store the count they made; otherwise
the menu asks for it once (`attention:count`), which counts (one query per section) and stores it."""

from django.core.cache import cache

from accounts.models import User

from .selectors import attention_total

COUNT_SECONDS = 5 * 60


def _key(user_id: int) -> str:
    return f"attention:count:{user_id}"


def stored_total(user: User) -> int | None:
    return cache.get(_key(user.pk))


def cached_total(user: User) -> int:
    total = stored_total(user)
    if total is None:
        total = attention_total(user)
        store_total(user, total)
    return total


def store_total(user: User, total: int) -> None:
    cache.set(_key(user.pk), total, COUNT_SECONDS)
