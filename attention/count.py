"""The number in the menu: how many things need doing, kept a few minutes in the cache so that a
page costs no query for it. The start page counts afresh and stores its own count."""

from django.core.cache import cache

from accounts.models import User

from .selectors import attention_total

COUNT_SECONDS = 5 * 60


def _key(user_id: int) -> str:
    return f"attention:count:{user_id}"


def cached_total(user: User) -> int:
    total = cache.get(_key(user.pk))
    if total is None:
        total = attention_total(user)
        cache.set(_key(user.pk), total, COUNT_SECONDS)
    return total


def store_total(user: User, total: int) -> None:
    cache.set(_key(user.pk), total, COUNT_SECONDS)
