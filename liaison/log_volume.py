"""Keeping an outage from flooding the logs.

During a PostgreSQL outage every request fails the same way, and Django logs each failure with
its whole traceback (about 15 KB with psycopg2's chained errors): a 30-second outage once wrote
76 MB. This filter, on every handler of the web processes and of the Celery worker and beat,
keeps one line per failure and lets through one traceback a minute for the same trouble:

- an error that says the database is unreachable (`liaison.security.is_database_down`) is one
  trouble, wherever it surfaced (a view, the session middleware, a cursor being closed);
- any other error is its own trouble by type and the line that raised it;
- a refusal (403, 404 and the other 4xx answers Django logs with the exception) is the user's
  request, not a fault: one line, never a traceback;
- a request that meets the outage twice (the session middleware tries to save the session after
  the user could not be read) is logged once.

The minute is counted across the processes of one installation (gunicorn's workers, which it
replaces now and then, the worker's pool, beat): each trouble has a marker file in
VAR_DIR/log-tracebacks whose time is that of its last traceback. Where the folder cannot be
written, each process counts for itself.
"""

import hashlib
import logging
import os
import threading
import time
import traceback
from pathlib import Path

TRACEBACK_INTERVAL_SECONDS = 60.0
DATABASE_DOWN = "database unavailable"


def _trouble(error: BaseException) -> str:
    from liaison.security import is_database_down  # at call time: the settings configure logging

    if is_database_down(error):
        return DATABASE_DOWN
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__module__}.{type(error).__qualname__} at {where}"


class OutageLogFilter(logging.Filter):
    """One line per failed request; at most one traceback a minute for the same trouble."""

    def __init__(self, name: str = "", clock=time.time, folder: Path | None = None) -> None:
        super().__init__(name)
        self.clock = clock
        self.folder = folder
        self._shown: dict[str, float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error = record.exc_info[1]
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            self._one_line(record, error, "")
            return True
        trouble = _trouble(error)
        request = getattr(record, "request", None)
        if trouble == DATABASE_DOWN and request is not None:
            if getattr(request, "_liaison_outage_logged", False):
                return False
            try:
                request._liaison_outage_logged = True
            except AttributeError:  # an object that takes no attributes: log every time
                pass
        if not self._may_show_traceback(trouble):
            self._one_line(record, error, " (traceback shown at most once a minute)")
        return True

    def _may_show_traceback(self, trouble: str) -> bool:
        now = self.clock()
        with self._lock:
            shown = self._shown.get(trouble)
            if shown is not None and now - shown < TRACEBACK_INTERVAL_SECONDS:
                return False
            marker = self._marker(trouble)
            if marker is not None:
                try:
                    shown = marker.stat().st_mtime
                    if now - shown < TRACEBACK_INTERVAL_SECONDS:
                        self._shown[trouble] = shown  # another process showed it
                        return False
                except FileNotFoundError:
                    pass
                except OSError:
                    marker = None
                try:
                    if marker is not None:
                        marker.parent.mkdir(parents=True, exist_ok=True)
                        marker.touch()
                        os.utime(marker, (now, now))
                except OSError:
                    pass  # this process counts for itself
            self._shown[trouble] = now
            return True

    def _marker(self, trouble: str) -> Path | None:
        folder = self.folder
        if folder is None:
            try:
                from django.conf import settings

                folder = Path(settings.VAR_DIR) / "log-tracebacks"
            except Exception:  # noqa: BLE001 - no settings (a bare process): count per process
                return None
        return folder / hashlib.sha256(trouble.encode()).hexdigest()[:16]

    @staticmethod
    def _one_line(record: logging.LogRecord, error: BaseException, note: str) -> None:
        first_line = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        detail = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
        record.msg, record.args = f"{record.getMessage()} [{detail}]{note}", None
        record.exc_info, record.exc_text = None, None

    def reset(self) -> None:
        with self._lock:
            self._shown.clear()
