"""Synthetic data at national scale, fast: PostgreSQL COPY from generated CSV streams.

Used by `manage.py seed_bulk` and the benchmark (bench/). The data looks like the programme's:
organisations of very different sizes in the 14 regions (more in the regions with more
socially excluded localities), their assistants and coordinators, clients (named, pseudonymous
and anonymous, with Czech names and diacritics), consents, victim-support cases with their
status history, and contact records over ten years (more in recent years) with authorities,
forms of work, topics, localities and anonymous persons, and group activities (one for every 200
contacts) with named participants and an anonymous head count.

Every contact's organisation is its assistant's, and its clients and case belong to the same
organisation. A case is shared with the police only when its client's consent to sharing stands.
Free-text notes stay empty except a few, which are encrypted like any other note.

Rows are streamed to COPY (never the whole table in memory). For large loads the secondary
indexes of the big tables are dropped and rebuilt afterwards, and on a superuser connection
triggers (foreign-key checks, history) are skipped for the session
(`session_replication_role = replica`): the generator keeps the references consistent itself,
and synthetic rows need no history. PostgreSQL only.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from cases.models import Case, CaseTransition
from clients.models import Client, Consent
from contacts.last_contacts import rebuild_client_last_contacts
from contacts.models import Activity, Contact
from contacts.month_totals import rebuild_contact_month_totals
from groupwork.models import AnonymousAttendance, GroupActivity

from .bulk_cases import copy_cases
from .bulk_clients import copy_clients
from .bulk_contacts import copy_contacts
from .bulk_groupwork import copy_group_activities
from .bulk_people import add_organisations, add_users
from .bulk_programmes import add_projects, copy_staff_time
from .copy_streams import secondary_indexes, set_sequence
from .plan import BulkResult, SeedState

# Above this many contacts the big tables' secondary indexes are rebuilt after the load.
REBUILD_INDEXES_FROM = 100_000


class BulkSeeder(SeedState):
    """Runs the generators (seed/bulk_*.py) in one transaction, with COPY and without triggers."""

    def run(self) -> BulkResult:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            self.result.triggers_skipped = self._skip_triggers(cursor)
            self._step("reference data and organisations", lambda: add_organisations(self))
            self._step("users", lambda: add_users(self))
            self._step("projects and assignments", lambda: add_projects(self))
            big = self.n_contacts >= REBUILD_INDEXES_FROM
            dropped = self._drop_indexes(cursor) if big else []
            self._step("clients and consents", lambda: copy_clients(self, cursor))
            self._step("cases and status history", lambda: copy_cases(self, cursor))
            self._step("contacts", lambda: copy_contacts(self, cursor))
            self._step("staff time", lambda: copy_staff_time(self, cursor))
            self._step("group activities", lambda: copy_group_activities(self, cursor))
            if dropped:
                self._step("index rebuild", lambda: self._recreate_indexes(cursor, dropped))
            for table in (Client, Case, Contact, Activity, GroupActivity, AnonymousAttendance):
                set_sequence(cursor, table._meta.db_table)
            # What the skipped triggers keep: the dashboards' monthly totals, the clients' last contacts.
            self._step("contact month totals", rebuild_contact_month_totals)
            self._step("clients' last contacts", rebuild_client_last_contacts)
            if self.result.triggers_skipped:
                cursor.execute("SET LOCAL session_replication_role = origin")
        with connection.cursor() as cursor:
            self._step("analyze", lambda: self._analyze(cursor))
        self.result.seconds["total"] = time.perf_counter() - started
        return self.result

    def _step(self, name: str, work: Callable[[], object]) -> None:
        started = time.perf_counter()
        work()
        self.result.seconds[name] = time.perf_counter() - started
        self.log(f"  {name}: {self.result.seconds[name]:.1f} s")

    def _skip_triggers(self, cursor) -> bool:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if not row or not row[0]:
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
        return True

    def _drop_indexes(self, cursor) -> list[tuple[str, str]]:
        dropped = []
        tables = [
            Contact._meta.db_table,
            Contact.clients.through._meta.db_table,
            Contact.topics.through._meta.db_table,
            Activity._meta.db_table,
        ]
        for table in tables:
            for name, definition in secondary_indexes(cursor, table):
                cursor.execute(f"DROP INDEX {name}")
                dropped.append((name, definition))
        return dropped

    def _recreate_indexes(self, cursor, dropped: list[tuple[str, str]]) -> None:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in dropped:
            cursor.execute(definition)

    def _analyze(self, cursor) -> None:
        for model in (
            Client,
            Consent,
            Case,
            CaseTransition,
            Contact,
            Contact.clients.through,
            Contact.topics.through,
            GroupActivity,
            GroupActivity.participants.through,
            AnonymousAttendance,
            Activity,
        ):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
