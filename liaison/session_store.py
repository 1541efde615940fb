"""Database sessions that report a database outage as an outage, and renew the inactivity
expiry at most once a minute.

Django's database session store turns any error while saving an existing session into
UpdateError, which the session middleware answers with a bare 400 "Bad Request" ("the session
was deleted by a concurrent request"). When the database is merely unreachable, the truth is an
outage: re-raising the connection error lets the outage page (503) answer instead
(drills/test_postgres_restart.py found the 400 under a PostgreSQL restart).

Every request pushes the inactivity sign-out back (SESSION_SAVE_EVERY_REQUEST), which in
Django's store is an UPDATE and a commit per page. A session whose data did not change and
whose stored expiry is less than RENEWAL_SECONDS short of the new one is left as it is: the
sign-out comes at most that much earlier than 30 minutes after the last page, never later, and
the page's countdown starts from the stored expiry (accounts.sessions.session_seconds_left).
"""

import datetime

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError

RENEWAL_SECONDS = 60


class SessionStore(DatabaseSessionStore):
    # The expiry of the session as read from the database at this request (None: not read).
    stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self):
        session = super()._get_session_from_db()  # type: ignore[misc]  # (not in the stubs)
        self.stored_expiry = session.expire_date if session is not None else None
        return session

    def expiry_renewal_due(self) -> bool:
        """Whether saving would move the stored expiry by RENEWAL_SECONDS or more (or the
        session was not read from the database at this request)."""
        if self.stored_expiry is None:
            return True
        return self.get_expiry_date() - self.stored_expiry >= datetime.timedelta(seconds=RENEWAL_SECONDS)

    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and self.session_key:
            # A request that is no sign of the user's presence (accounts.sessions.leaves_session_expiry)
            # and changed nothing in the session leaves its expiry as it was.
            if getattr(self, "leave_expiry", False):
                return
            if not self.expiry_renewal_due():
                return
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
        self.stored_expiry = None

    def cycle_key(self) -> None:
        # A signed-in session with a new key (after a password change) stays in the user's list
        # of sessions, so that "sign out everywhere" still finds it (accounts/sessions.py).
        old_key = self.session_key
        super().cycle_key()
        if old_key and self.session_key and old_key != self.session_key:
            from accounts.sessions import session_key_changed

            session_key_changed(old_key, self.session_key)
