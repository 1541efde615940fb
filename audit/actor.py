"""Who changes the data, told to the database for the history triggers.

The trigger reads `current_setting('liaison.actor_id', true)`. We set it on the connection
right before each write to a tracked table (an execute wrapper), and clear it when the
request or task ends, so that a reused connection (CONN_MAX_AGE, Celery workers) never
carries one request's user into the next. Reads cost no extra query.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DatabaseError, connections

ACTOR_SETTING = "liaison.actor_id"
ActorId = int | None | Callable[[], int | None]
# The same actor for code that records who acted itself (a change of a user's role).
_current_actor: ContextVar[ActorId] = ContextVar("liaison_actor", default=None)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


def _tracked_table_prefixes() -> tuple[str, ...]:
    from .history import TRACKED_APPS

    return tuple(f"{label}_" for label in TRACKED_APPS)


class _ActorWrapper:
    def __init__(self, actor: ActorId) -> None:
        self.actor = actor
        self.prefixes = _tracked_table_prefixes()
        self.used = False

    def _value(self) -> str:
        actor_id = self.actor() if callable(self.actor) else self.actor
        return "" if actor_id is None else str(int(actor_id))

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match and match.group(1).startswith(self.prefixes):
            # Before every tracked write: a rolled-back transaction also rolls back the setting.
            context["cursor"].execute("SELECT set_config(%s, %s, false)", [ACTOR_SETTING, self._value()])
            self.used = True
        return execute(sql, params, many, context)

    def clear(self, connection) -> None:
        if not self.used or connection.connection is None:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', false)", [ACTOR_SETTING])
        except DatabaseError:
            # A broken transaction rolls the setting back by itself.
            pass


@contextmanager
def acting_as(actor: ActorId, using: str = "default") -> Iterator[None]:
    """Attribute the writes inside the block to a user id (None: the system). `actor` may be a
    function returning the id, asked at each write: a web request knows its user late (a
    sign-in, an API token checked inside the view)."""
    token = _current_actor.set(actor)
    try:
        connection = connections[using]
        wrapper = _ActorWrapper(actor)
        try:
            with connection.execute_wrapper(wrapper):
                yield
        finally:
            wrapper.clear(connection)
    finally:
        _current_actor.reset(token)


def current_actor_id() -> int | None:
    """The user acting in the innermost `acting_as` block (None: the system)."""
    actor = _current_actor.get()
    actor_id = actor() if callable(actor) else actor
    return None if actor_id is None else int(actor_id)
