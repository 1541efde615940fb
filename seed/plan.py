"""What the bulk seeder plans per organisation (the ids its generators share) and what it reports."""

from dataclasses import dataclass, field

from accounts.models import Organisation, Region


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
