"""Synthetic data at national scale, fast: PostgreSQL COPY from generated CSV streams.

Used by `manage.py seed_bulk` and the benchmark (bench/). The data looks like the programme's:
organisations of very different sizes in the 14 regions (more in the regions with more
socially excluded localities), their assistants and coordinators, clients (named, pseudonymous
and anonymous, with Czech names and diacritics), consents, victim-support cases with their
status history, and contact records over ten years (more in recent years) with authorities,
forms of work, topics, localities and anonymous persons.

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

import datetime
import json
import random
import secrets
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, Region, User
from accounts.roles import Role
from cases.models import Case, CaseStatus, CaseTransition, CrimeType, RiskLevel
from clients.models import Client, Consent
from contacts.models import Authority, Contact, FormOfWork, Topic
from liaison.crypto import encrypt_text
from liaison.record_keys import RecordKeyField

YEARS = 10
# Above this many contacts the big tables' secondary indexes are rebuilt after the load.
REBUILD_INDEXES_FROM = 100_000
ENCRYPTED_NOTE_EVERY = 2000  # one contact in this many carries an (encrypted) note

# Relative weight of each region: where the programme has most work.
REGION_WEIGHTS = {
    "CZ010": 7,
    "CZ020": 6,
    "CZ031": 3,
    "CZ032": 5,
    "CZ041": 7,
    "CZ042": 16,
    "CZ051": 5,
    "CZ052": 3,
    "CZ053": 3,
    "CZ063": 2,
    "CZ064": 9,
    "CZ071": 7,
    "CZ072": 3,
    "CZ080": 20,
}

# Further towns and localities, so that every region has work in several places.
TOWNS = {
    "CZ010": {"Praha": ["Libeň", "Smíchov"]},
    "CZ020": {"Kladno": ["Masokombinát", "Sítná"], "Kolín": ["Zengrova"], "Mladá Boleslav": ["Jičínská"]},
    "CZ031": {"České Budějovice": ["Máj"], "Tábor": ["Čelkovice"], "Písek": ["Václavské předměstí"]},
    "CZ032": {"Klatovy": ["Luby"], "Tachov": ["Rapotín"]},
    "CZ041": {"Karlovy Vary": ["Rybáře"], "Ostrov": ["Hlavní třída"]},
    "CZ042": {"Děčín": ["Boletice"], "Teplice": ["Trnovany"], "Chomutov": ["Kadaňská"], "Litvínov": ["Janov"]},
    "CZ051": {"Liberec": ["Králův Háj"], "Česká Lípa": ["Lada"], "Frýdlant": ["Zahradní"]},
    "CZ052": {"Hradec Králové": ["Pouchov"], "Trutnov": ["Horní Staré Město"], "Náchod": ["Plhov"]},
    "CZ053": {"Pardubice": ["Polabiny"], "Chrudim": ["Cihelna"], "Svitavy": ["Lánská"]},
    "CZ063": {"Jihlava": ["Staré Hory"], "Třebíč": ["Borovina"], "Žďár nad Sázavou": ["Klafar"]},
    "CZ064": {"Hodonín": ["Brandlova"], "Znojmo": ["Hradiště"], "Vyškov": ["Dědice"]},
    "CZ071": {"Prostějov": ["Vrahovice"], "Šumperk": ["Temenice"]},
    "CZ072": {"Zlín": ["Vršava"], "Vsetín": ["Poschla"], "Kroměříž": ["Zachar"]},
    "CZ080": {"Havířov": ["Šumbark"], "Bohumín": ["Nový Bohumín"], "Orlová": ["Lutyně"]},
}

ORGANISATION_NAMES = [
    ("ngo", "Člověk v tísni, o.p.s. – pobočka {town}"),
    ("ngo", "Romodrom, o.p.s. – {town}"),
    ("ngo", "IQ Roma servis, z.s. – {town}"),
    ("ngo", "Společenství Romů na Moravě – {town}"),
    ("ngo", "Vzájemné soužití, o.p.s. – {town}"),
    ("ngo", "Charita {town}"),
    ("ngo", "Diakonie ČCE – středisko {town}"),
    ("municipality", "Magistrát města {town}"),
    ("municipality", "Městský úřad {town}"),
    ("municipality", "Sociální služby města {town}, p.o."),
]

MALE_FIRST = [
    "Jan",
    "Josef",
    "Petr",
    "Pavel",
    "Tomáš",
    "Martin",
    "Jiří",
    "Lukáš",
    "Miroslav",
    "Zdeněk",
    "František",
    "Václav",
    "Radek",
    "Štěpán",
    "Ondřej",
    "Dušan",
    "Milan",
    "Róbert",
    "Ladislav",
    "Emil",
]
FEMALE_FIRST = [
    "Jana",
    "Marie",
    "Eva",
    "Hana",
    "Lucie",
    "Věra",
    "Alena",
    "Renáta",
    "Žaneta",
    "Monika",
    "Kateřina",
    "Markéta",
    "Šárka",
    "Iveta",
    "Zuzana",
    "Nikola",
    "Dagmar",
    "Jiřina",
    "Květa",
    "Aneta",
]
SURNAMES = [
    ("Novák", "Nováková"),
    ("Horváth", "Horváthová"),
    ("Dvořák", "Dvořáková"),
    ("Kováč", "Kováčová"),
    ("Baláž", "Balážová"),
    ("Gábor", "Gáborová"),
    ("Daniel", "Danielová"),
    ("Červeňák", "Červeňáková"),
    ("Lakatoš", "Lakatošová"),
    ("Oláh", "Oláhová"),
    ("Sivák", "Siváková"),
    ("Bílý", "Bílá"),
    ("Černý", "Černá"),
    ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"),
    ("Veselý", "Veselá"),
    ("Horák", "Horáková"),
    ("Němec", "Němcová"),
    ("Pokorný", "Pokorná"),
    ("Pospíšil", "Pospíšilová"),
    ("Hájek", "Hájková"),
    ("Jelínek", "Jelínková"),
    ("Král", "Králová"),
    ("Růžička", "Růžičková"),
    ("Beneš", "Benešová"),
    ("Fiala", "Fialová"),
    ("Sedláček", "Sedláčková"),
    ("Doležal", "Doležalová"),
    ("Zeman", "Zemanová"),
    ("Kolář", "Kolářová"),
    ("Navrátil", "Navrátilová"),
    ("Čermák", "Čermáková"),
    ("Šťastný", "Šťastná"),
    ("Kříž", "Křížová"),
    ("Ferenc", "Ferencová"),
    ("Žiga", "Žigová"),
    ("Mižigár", "Mižigárová"),
    ("Šándor", "Šándorová"),
    ("Tancoš", "Tancošová"),
    ("Ištok", "Ištoková"),
]
NICKNAMES = ["Pepa", "Franta", "Jarda", "Kája", "Bobeš", "Zrzek", "Malá", "Čiko", "Šimi", "Ďula", "Máňa", "Rudla"]
OUTCOMES = [
    "Podáno trestní oznámení.",
    "Vyřízena dávka hmotné nouze.",
    "Dohodnut splátkový kalendář.",
    "Klient odkázán na právní poradnu.",
    "Domluvena další schůzka.",
    "Doprovod k výslechu proběhl.",
    "Předány kontakty na intervenční centrum.",
    "Vysvětlena práva oběti trestného činu.",
]
CASE_TITLES = [
    "Lichva – splácení půjčky",
    "Vydírání v lokalitě",
    "Napadení na ulici",
    "Krádež v bytě",
    "Podvod s půjčkou",
    "Nebezpečné vyhrožování sousedem",
    "Domácí násilí",
    "Nucená práce v zahraničí",
    "Poškození bytu",
    "Pronásledování bývalým partnerem",
]
FORM_WEIGHTS = {
    FormOfWork.ACCOMPANIMENT: 30,
    FormOfWork.MEDIATION: 12,
    FormOfWork.CONSULTATION: 25,
    FormOfWork.FIELD_VISIT: 15,
    FormOfWork.PHONE: 12,
    FormOfWork.CRISIS: 3,
    FormOfWork.COMMUNITY: 3,
}
STATUS_PATH = [
    CaseStatus.NEW,
    CaseStatus.IN_PROGRESS,
    CaseStatus.REPORTED,
    CaseStatus.INVESTIGATION,
    CaseStatus.COURT,
    CaseStatus.CLOSED,
]
STATUS_WEIGHTS = {
    CaseStatus.NEW: 6,
    CaseStatus.IN_PROGRESS: 18,
    CaseStatus.REPORTED: 10,
    CaseStatus.INVESTIGATION: 10,
    CaseStatus.COURT: 5,
    CaseStatus.CLOSED: 51,
}


# CSV for COPY ------------------------------------------------------------------------------


def q(value: str) -> str:
    """A quoted CSV text value (an unquoted empty field is NULL in COPY's CSV format)."""
    return '"' + value.replace('"', '""') + '"'


def _csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return q(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


class _LineStream:
    """A read()-able file over generated CSV lines, so COPY never holds a whole table."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._buffer = ""
        self.rows = 0

    def read(self, size: int = -1) -> str:
        if size is None or size < 0:
            size = 1 << 20
        parts, length = [self._buffer], len(self._buffer)
        while length < size:
            line = next(self._lines, None)
            if line is None:
                break
            self.rows += 1
            parts.append(line)
            length += len(line)
        data = "".join(parts)
        self._buffer = data[size:]
        return data[:size]

    readline = read


class Table:
    """The COPY columns of a model's table: the generator gives some, the rest get their default.

    Columns the generator does not know (added to a model later) get the field's default, NULL
    or an empty string, so the seed keeps working while the schema grows; a required column
    without a default stops it with a clear message.
    """

    def __init__(self, model: type[models.Model], given: list[str], *, with_id: bool = True) -> None:
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        by_name = {f.attname: f for f in fields} | {f.name: f for f in fields}
        unknown = [name for name in given if name not in by_name]
        if unknown:
            raise ValueError(f"{self.name}: no such columns {unknown}")
        self.given = [by_name[name] for name in given]
        self.constant: list[tuple[models.Field, str]] = []
        for f in fields:
            if f in self.given:
                continue
            if isinstance(f, RecordKeyField):
                # One default for the whole batch would give every row the same key and undo
                # the perturbation of national statistics: the generator must give each its own.
                raise ValueError(f"seed_bulk must give {self.name}.{f.column} a random value per row")
            value: object
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = timezone.now()
            elif f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection)
            elif f.null:
                value = None
            elif isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"seed_bulk does not know how to fill {self.name}.{f.column}")
            if isinstance(value, list | dict):
                value = json.dumps(value)
            self.constant.append((f, _csv(value)))
        self.columns = [f.column for f in self.given] + [f.column for f, _ in self.constant]
        self.suffix = "".join("," + text for _, text in self.constant)

    def line(self, values: Iterable[str]) -> str:
        """One CSV line from the given columns' already-formatted values."""
        return ",".join(values) + self.suffix + "\n"


def copy_lines(cursor, table: Table, lines: Iterable[str]) -> int:
    stream = _LineStream(lines)
    columns = ", ".join(f'"{c}"' for c in table.columns)
    cursor.copy_expert(f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv)', stream, size=1 << 18)
    return stream.rows


class Spool:
    """Lines for a later COPY, kept in a temporary file rather than in memory."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in copy()
        self.append = self.file.write

    def copy(self, cursor, table: Table) -> int:
        self.file.flush()
        self.file.seek(0)
        rows = copy_lines(cursor, table, self.file)
        self.file.close()
        return rows


def _next_ids(cursor, table: str) -> int:
    """The first free id after the current largest (the table stays locked until commit)."""
    cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - a model's table
    first = cursor.fetchone()[0] + 1
    return first


def _set_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))",  # noqa: S608
        [table],
    )


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [table],
    )
    return cursor.fetchall()


# Helpers for random values --------------------------------------------------------------------


class Clock:
    """Random moments over the last YEARS years, denser in recent years (the programme grew)."""

    def __init__(self, rng: random.Random, now: datetime.datetime) -> None:
        self.rng = rng
        self.now = now.timestamp()
        self.span = YEARS * 365.25 * 86400

    def moment(self) -> float:
        # sqrt of a uniform number leans towards 1: more recent moments are more likely.
        return self.now - self.span * (1.0 - self.rng.random() ** 0.5)

    @staticmethod
    def working_hours(ts: float) -> datetime.datetime:
        """The same day, between 7:00 and 18:59 UTC (8–20 local time), whole minutes."""
        day = int(ts // 86400) * 86400
        minute = int((ts - day) / 60) % (12 * 60)
        return datetime.datetime.fromtimestamp(day + 7 * 3600 + minute * 60, tz=datetime.UTC)


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _cum(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# The generator ----------------------------------------------------------------------------------


@dataclass
class OrgPlan:
    organisation: Organisation
    region: Region
    weight: float
    assistants: list[int] = field(default_factory=list)
    coordinator: int | None = None
    localities: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    police_consent_clients: list[int] = field(default_factory=list)
    cases: list[tuple[int, int]] = field(default_factory=list)  # (case id, client id)


@dataclass
class BulkResult:
    organisations: int = 0
    users: int = 0
    clients: int = 0
    consents: int = 0
    cases: int = 0
    transitions: int = 0
    contacts: int = 0
    contact_clients: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    triggers_skipped: bool = False


class BulkSeeder:
    def __init__(
        self,
        *,
        contacts: int,
        clients: int,
        cases: int,
        organisations: int,
        seed: int = 1,
        password: str | None = None,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.n_contacts, self.n_clients, self.n_cases = contacts, clients, cases
        self.n_organisations = max(1, organisations)
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        # Record keys of the statistics' perturbation: unpredictable and from a stream of their
        # own, so that the made-up data stays the same for a given seed.
        self.keys = random.Random(secrets.randbits(64))  # noqa: S311 - seeded from secrets
        self.now = timezone.now().replace(microsecond=0)
        self.clock = Clock(self.rng, self.now)
        self.password = password
        self.log = log
        self.tag = f"{int(time.time()) % 10_000_000:07d}"
        self.result = BulkResult()
        self.plans: list[OrgPlan] = []

    def record_key(self) -> str:
        return str(self.keys.getrandbits(31))

    # -- orchestration

    def run(self) -> BulkResult:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            self.result.triggers_skipped = self._skip_triggers(cursor)
            self._step("reference data and organisations", self._organisations)
            self._step("users", self._users)
            big = self.n_contacts >= REBUILD_INDEXES_FROM
            dropped = self._drop_indexes(cursor) if big else []
            self._step("clients and consents", lambda: self._clients(cursor))
            self._step("cases and status history", lambda: self._cases(cursor))
            self._step("contacts", lambda: self._contacts(cursor))
            if dropped:
                self._step("index rebuild", lambda: self._recreate_indexes(cursor, dropped))
            for table in (Client, Case, Contact):
                _set_sequence(cursor, table._meta.db_table)
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
        ]
        for table in tables:
            for name, definition in _secondary_indexes(cursor, table):
                cursor.execute(f"DROP INDEX {name}")
                dropped.append((name, definition))
        return dropped

    def _recreate_indexes(self, cursor, dropped: list[tuple[str, str]]) -> None:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in dropped:
            cursor.execute(definition)

    def _analyze(self, cursor) -> None:
        for model in (Client, Consent, Case, CaseTransition, Contact, Contact.clients.through, Contact.topics.through):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')

    # -- organisations, places and people (ORM: a few thousand rows at most)

    def _organisations(self) -> None:
        regions = {r.code: r for r in Region.objects.all()}
        for code, towns in TOWNS.items():
            region = regions.get(code)
            if region is None:
                continue
            for town, names in towns.items():
                municipality, _ = Municipality.objects.get_or_create(region=region, name=town)
                for name in names:
                    Locality.objects.get_or_create(municipality=municipality, name=name)
        towns_by_region: dict[int, list[str]] = {}
        localities_by_region: dict[int, list[int]] = {}
        for locality in Locality.objects.select_related("municipality"):
            localities_by_region.setdefault(locality.municipality.region_id, []).append(locality.pk)
        for municipality in Municipality.objects.all():
            towns_by_region.setdefault(municipality.region_id, []).append(municipality.name)
        codes = [c for c in REGION_WEIGHTS if c in regions]
        region_of = _weighted(self.rng, {c: REGION_WEIGHTS[c] for c in codes}, self.n_organisations)
        # Sizes follow a Zipf-like law: a few large organisations, many small ones.
        new = []
        for rank in range(self.n_organisations):
            region = regions[region_of[rank]]
            town = self.rng.choice(towns_by_region.get(region.pk) or [region.name])
            kind, pattern = self.rng.choice(ORGANISATION_NAMES)
            name = f"{pattern.format(town=town)} ({self.tag}-{rank + 1})"
            new.append(Organisation(name=name, kind=kind))
            self.plans.append(
                OrgPlan(
                    organisation=new[-1],
                    region=region,
                    weight=1.0 / (rank + 1),
                    localities=localities_by_region.get(region.pk, []),
                )
            )
        Organisation.objects.bulk_create(new)
        self.result.organisations = len(new)
        self.org_cum = _cum([p.weight for p in self.plans])

    def _users(self) -> None:
        # About one assistant per 2000 contacts (hundreds nationally), at least two per organisation.
        total_assistants = max(2 * len(self.plans), self.n_contacts // 2000)
        weight_sum = self.org_cum[-1]
        password = make_password(self.password) if self.password else make_password(None)
        users: list[User] = []
        owners: list[tuple[OrgPlan, bool]] = []
        for index, plan in enumerate(self.plans):
            count = max(2, round(total_assistants * plan.weight / weight_sum))
            for k in range(count + 1):
                coordinator = k == count
                first = self.rng.choice(FEMALE_FIRST if self.rng.random() < 0.6 else MALE_FIRST)
                surname = self.rng.choice(SURNAMES)[1 if first in FEMALE_FIRST else 0]
                role = Role.COORDINATOR if coordinator else Role.ASSISTANT
                users.append(
                    User(
                        username=f"{role}.{self.tag}.{index + 1}.{k + 1}",
                        first_name=first,
                        last_name=surname,
                        organisation=plan.organisation,
                        role=role,
                        password=password,
                        date_joined=self.now,
                    )
                )
                owners.append((plan, coordinator))
        police = Organisation.objects.filter(kind=Organisation.Kind.POLICE).select_related("region")
        for organisation in police:
            if organisation.region is None:  # a police directorate serves one region
                continue
            users.append(
                User(
                    username=f"police.{self.tag}.{organisation.region.code.lower()}",
                    first_name="Styčný",
                    last_name="Důstojník",
                    organisation=organisation,
                    role=Role.POLICE,
                    password=password,
                    date_joined=self.now,
                )
            )
        ministry = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
        if ministry is not None:
            users.append(
                User(
                    username=f"ministry.{self.tag}",
                    first_name="Analytička",
                    last_name="Ministerstva",
                    organisation=ministry,
                    role=Role.MINISTRY,
                    password=password,
                    date_joined=self.now,
                )
            )
        User.objects.bulk_create(users)
        municipality_of_region = {m.region_id: m for m in Municipality.objects.order_by("pk")}
        profiles = []
        for user, (plan, coordinator) in zip(users, owners, strict=False):
            if coordinator:
                plan.coordinator = user.pk
            else:
                plan.assistants.append(user.pk)
            profiles.append(
                AssistantProfile(
                    user=user,
                    employer=plan.organisation,
                    municipality=municipality_of_region[plan.region.pk],
                    employed_from=(self.now - datetime.timedelta(days=self.rng.randint(30, YEARS * 365))).date(),
                )
            )
        AssistantProfile.objects.bulk_create(profiles)
        self.result.users = len(users)

    def _pick_orgs(self, k: int) -> list[OrgPlan]:
        return self.rng.choices(self.plans, cum_weights=self.org_cum, k=k)

    # -- clients and consents (COPY)

    def _clients(self, cursor) -> None:
        rng = self.rng
        table = Table(
            Client,
            [
                "id",
                "organisation",
                "identity",
                "first_name",
                "last_name",
                "nickname",
                "birth_year",
                "locality",
                "phone",
                "created_by",
                "created_at",
                "updated_at",
                "record_key",
            ],
        )
        consent_table = Table(
            Consent,
            [
                "client",
                "purpose",
                "given_on",
                "recorded_by",
                "recorded_at",
                "withdrawn_on",
                "withdrawn_by",
                "withdrawn_at",
            ],
            with_id=False,
        )
        first_id = _next_ids(cursor, table.name)
        consents = Spool()
        this_year = self.now.year

        def lines() -> Iterator[str]:
            for offset, plan in enumerate(self._pick_orgs(self.n_clients)):
                pk = first_id + offset
                plan.clients.append(pk)
                author = rng.choice(plan.assistants)
                created = datetime.datetime.fromtimestamp(self.clock.moment(), tz=datetime.UTC).replace(microsecond=0)
                r = rng.random()
                first = last = nickname = phone = ""
                birth_year = None
                if r < 0.7:
                    identity = Client.Identity.NAMED
                    female = rng.random() < 0.55
                    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
                    last = rng.choice(SURNAMES)[1 if female else 0]
                    birth_year = this_year - rng.randint(15, 80)
                    if rng.random() < 0.4:
                        phone = f"+420 7{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
                elif r < 0.9:
                    identity = Client.Identity.PSEUDONYM
                    nickname = rng.choice(NICKNAMES)
                    birth_year = this_year - rng.randint(15, 80)
                else:
                    identity = Client.Identity.ANONYMOUS
                locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.8 else None
                stamp = created.isoformat()
                if identity != Client.Identity.ANONYMOUS:
                    given = created.date()
                    if rng.random() < 0.85:
                        consents.append(
                            consent_table.line(
                                [
                                    str(pk),
                                    q(Consent.Purpose.PROCESSING),
                                    given.isoformat(),
                                    str(author),
                                    stamp,
                                    "",
                                    "",
                                    "",
                                ]
                            )
                        )
                    if rng.random() < 0.3:
                        withdrawn = rng.random() < 0.1
                        if withdrawn:
                            when = created + datetime.timedelta(days=rng.randint(1, 400))
                            when = min(when, self.now)
                            ends = [when.date().isoformat(), str(author), when.isoformat()]
                        else:
                            plan.police_consent_clients.append(pk)
                            ends = ["", "", ""]
                        consents.append(
                            consent_table.line(
                                [
                                    str(pk),
                                    q(Consent.Purpose.POLICE_SHARING),
                                    given.isoformat(),
                                    str(author),
                                    stamp,
                                    *ends,
                                ]
                            )
                        )
                yield table.line(
                    [
                        str(pk),
                        str(plan.organisation.pk),
                        q(identity),
                        q(first),
                        q(last),
                        q(nickname),
                        "" if birth_year is None else str(birth_year),
                        "" if locality is None else str(locality),
                        q(phone),
                        str(author),
                        stamp,
                        stamp,
                        self.record_key(),
                    ]
                )

        self.result.clients = copy_lines(cursor, table, lines())
        self.result.consents = consents.copy(cursor, consent_table)
        self.client_orgs_without_clients = [p for p in self.plans if not p.clients]

    # -- cases, crime types and status history (COPY)

    def _cases(self, cursor) -> None:
        if self.n_cases <= 0:
            return
        rng = self.rng
        given = [
            "id",
            "organisation",
            "client",
            "assistant",
            "title",
            "incident_date",
            "reported_on",
            "region",
            "locality",
            "particularly_vulnerable",
            "risk_level",
            "shared_with_police",
            "status",
            "opened_at",
            "closed_at",
            "police_reviewed_at",
            "updated_at",
            "record_key",
        ]
        table = Table(Case, given)
        crime_table = Table(Case.crime_types.through, ["case", "crimetype"], with_id=False)
        transition_table = Table(CaseTransition, ["case", "from_status", "to_status", "by", "at"], with_id=False)
        crime_ids = list(CrimeType.objects.values_list("pk", flat=True))
        statuses = _weighted(rng, STATUS_WEIGHTS, self.n_cases)
        first_id = _next_ids(cursor, table.name)
        crimes, transitions = Spool(), Spool()
        plans = [p for p in self._pick_orgs(self.n_cases * 2) if p.clients][: self.n_cases]

        def lines() -> Iterator[str]:
            for offset, plan in enumerate(plans):
                pk = first_id + offset
                status = statuses[offset]
                shared = bool(plan.police_consent_clients) and rng.random() < 0.6
                client = rng.choice(plan.police_consent_clients if shared else plan.clients)
                plan.cases.append((pk, client))
                assistant = rng.choice(plan.assistants)
                opened = datetime.datetime.fromtimestamp(self.clock.moment(), tz=datetime.UTC).replace(microsecond=0)
                steps = STATUS_PATH[: STATUS_PATH.index(status) + 1]
                if status == CaseStatus.CLOSED and rng.random() < 0.5:
                    # Many cases close without ever reaching the police.
                    steps = [CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED]
                at, previous = opened, ""
                reported_on = None
                for step in steps:
                    transitions.append(
                        transition_table.line([str(pk), q(previous), q(step), str(assistant), at.isoformat()])
                    )
                    if step == CaseStatus.REPORTED:
                        reported_on = at.date()
                    previous = step
                    at = min(at + datetime.timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600)), self.now)
                last_change = at
                closed = last_change if status == CaseStatus.CLOSED else None
                reviewed = last_change if shared and rng.random() < 0.5 else None
                for crime in rng.sample(crime_ids, k=min(len(crime_ids), 1 + (rng.random() < 0.3))):
                    crimes.append(crime_table.line([str(pk), str(crime)]))
                locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.8 else None
                incident = (opened - datetime.timedelta(days=rng.randint(0, 60))).date()
                yield table.line(
                    [
                        str(pk),
                        str(plan.organisation.pk),
                        str(client),
                        str(assistant),
                        q(rng.choice(CASE_TITLES)),
                        incident.isoformat(),
                        "" if reported_on is None else reported_on.isoformat(),
                        str(plan.region.pk),
                        "" if locality is None else str(locality),
                        "t" if rng.random() < 0.1 else "f",
                        q(_weighted(rng, {RiskLevel.LOW: 6, RiskLevel.MEDIUM: 3, RiskLevel.HIGH: 1}, 1)[0]),
                        "t" if shared else "f",
                        q(status),
                        opened.isoformat(),
                        "" if closed is None else closed.isoformat(),
                        "" if reviewed is None else reviewed.isoformat(),
                        last_change.isoformat(),
                        self.record_key(),
                    ]
                )

        self.result.cases = copy_lines(cursor, table, lines())
        crimes.copy(cursor, crime_table)
        self.result.transitions = transitions.copy(cursor, transition_table)

    # -- contacts with their clients and topics (COPY)

    def _contacts(self, cursor) -> None:
        rng = self.rng
        given = [
            "id",
            "organisation",
            "assistant",
            "occurred_at",
            "duration_minutes",
            "anonymous_persons",
            "authority",
            "form_of_work",
            "locality",
            "outcome",
            "follow_up_on",
            "note",
            "case",
            "created_at",
            "updated_at",
            "record_key",
        ]
        table = Table(Contact, given)
        client_table = Table(Contact.clients.through, ["contact", "client"], with_id=False)
        topic_table = Table(Contact.topics.through, ["contact", "topic"], with_id=False)
        authorities = list(Authority.objects.filter(is_active=True).values_list("pk", "kind"))
        # The police and offices come up most often.
        authority_weights = [{"police": 5, "office": 3, "municipal_police": 2}.get(kind, 1) for _, kind in authorities]
        authority_cum = _cum(authority_weights)
        authority_ids = [str(pk) for pk, _ in authorities]
        topic_ids = [str(pk) for pk in Topic.objects.values_list("pk", flat=True)]
        forms = [q(f) for f in FORM_WEIGHTS]
        form_cum = _cum(list(FORM_WEIGHTS.values()))
        durations = ["15", "30", "45", "60", "90", "120", "180"]
        duration_cum = _cum([15, 30, 15, 20, 10, 7, 3])
        outcomes = [q(o) for o in OUTCOMES]
        note = q(encrypt_text("Poznámka asistenta (syntetická data)."))
        first_id = _next_ids(cursor, table.name)
        # The two link tables are streamed to a second and third COPY after the contacts.
        client_links, topic_links = Spool(), Spool()
        chunk = 100_000

        def lines() -> Iterator[str]:
            pk = first_id
            done = 0
            while done < self.n_contacts:
                k = min(chunk, self.n_contacts - done)
                orgs = self._pick_orgs(k)
                auths = rng.choices(authority_ids, cum_weights=authority_cum, k=k)
                form_list = rng.choices(forms, cum_weights=form_cum, k=k)
                duration_list = rng.choices(durations, cum_weights=duration_cum, k=k)
                for i in range(k):
                    plan = orgs[i]
                    ts = self.clock.moment()
                    occurred = Clock.working_hours(ts)
                    if occurred > self.now:
                        occurred -= datetime.timedelta(days=1)
                    stamp = occurred.isoformat()
                    r = rng.random()
                    case = ""
                    if plan.cases and r < 0.1:
                        case_id, client = rng.choice(plan.cases)
                        case = str(case_id)
                        chosen: Collection[Any] = [client]
                    elif r < 0.3 or not plan.clients:
                        chosen = []
                    else:
                        n = 1 if r < 0.8 else (2 if r < 0.95 else 3)
                        chosen = {rng.choice(plan.clients) for _ in range(n)}
                    anonymous = str(rng.randint(1, 4)) if not chosen else ("0" if rng.random() < 0.9 else "1")
                    for client in chosen:
                        client_links.append(f"{pk},{client}\n")
                    t = rng.random()
                    if t < 0.6:
                        topic_links.append(f"{pk},{topic_ids[int(t * 1000) % len(topic_ids)]}\n")
                        if t < 0.15:
                            topic_links.append(f"{pk},{topic_ids[(int(t * 1000) + 1) % len(topic_ids)]}\n")
                    locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.7 else ""
                    u = rng.random()
                    outcome = outcomes[int(u * 100) % len(outcomes)] if u < 0.3 else '""'
                    follow_up = (
                        (occurred.date() + datetime.timedelta(days=7 + int(u * 1000) % 24)).isoformat()
                        if (u > 0.92)
                        else ""
                    )
                    yield table.line(
                        [
                            str(pk),
                            str(plan.organisation.pk),
                            str(rng.choice(plan.assistants)),
                            stamp,
                            duration_list[i],
                            anonymous,
                            auths[i],
                            form_list[i],
                            str(locality),
                            outcome,
                            follow_up,
                            note if pk % ENCRYPTED_NOTE_EVERY == 0 else '""',
                            case,
                            stamp,
                            stamp,
                            self.record_key(),
                        ]
                    )
                    pk += 1
                done += k

        # The contacts first, then their links (the foreign keys need the contacts).
        self.result.contacts = copy_lines(cursor, table, lines())
        self.result.contact_clients = client_links.copy(cursor, client_table)
        topic_links.copy(cursor, topic_table)
