"""Database sessions that report a database outage as an outage.

Django's database session store turns any error while saving an existing session into
UpdateError, which the session middleware answers with a bare 400 "Bad Request" ("the session
was deleted by a concurrent request"). When the database is merely unreachable, the truth is an
outage: re-raising the connection error lets the outage page (503) answer instead
(drills/test_postgres_restart.py found the 400 under a PostgreSQL restart).
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        # A request that is no sign of the user's presence (accounts.sessions.leaves_session_expiry)
        # and changed nothing in the session leaves its expiry as it was.
        if getattr(self, "leave_expiry", False) and not must_create and not self.modified and self.session_key:
            return
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise

    def cycle_key(self) -> None:
        # A signed-in session with a new key (after a password change) stays in the user's list
        # of sessions, so that "sign out everywhere" still finds it (accounts/sessions.py).
        old_key = self.session_key
        super().cycle_key()
        if old_key and self.session_key and old_key != self.session_key:
            from accounts.sessions import session_key_changed

            session_key_changed(old_key, self.session_key)
