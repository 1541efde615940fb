"""Django's Redis cache, degrading to a miss while Redis is unreachable.

Sessions live in the database, so the cache only ever holds things that can be computed again:
a Redis outage must cost speed, never a page (drills/test_redis_down.py). Reads answer the
default, writes are dropped, and each failure is logged once per call without the value.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(method_name: str, fallback):
    method = getattr(RedisCache, method_name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            logger.warning("Cache unavailable (%s in %s); continuing without it.", type(exc).__name__, method_name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method_name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda keys, *a, **k: {})
    has_key = _tolerant("has_key", False)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", lambda data, *a, **k: list(data))
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    # A counter (the password-reset limit) counts every request as the first one while Redis is away.
    incr = _tolerant("incr", lambda key, delta=1, *a, **k: delta)
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", False)
