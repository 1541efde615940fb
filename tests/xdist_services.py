"""Loaded first (`-p tests.xdist_services` in pyproject.toml), before the settings are read: when
the suite runs in several processes (pytest-xdist, `make test`), each process gets a Redis
database of its own, as pytest-django gives each its own PostgreSQL database. The tests empty
the cache before each test (tests/conftest.py) and some use the broker's queues: shared, two
processes would empty each other's counters and take each other's messages.

`REDIS_URL=redis://host:6379/0` becomes /1 for the first process (gw0), /2 for the second, ...
"""

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _url:
    _match = re.fullmatch(r"(?P<base>redis://[^/]+)(?:/(?P<db>\d+))?", _url)
    if _match:
        _db = int(_match["db"] or 0) + 1 + int(_worker[2:])
        os.environ["REDIS_URL"] = f"{_match['base']}/{_db}"
