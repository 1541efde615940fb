"""Every read that shows a person's data, on any route, writes ONE audit event naming the
records shown: a detail or a filled-in form one record, a page of a list (or of search
results) the ids of every record on it.

The routes come from the URL resolver (the pages' access table in tests/test_url_access.py,
the API's router), so a new URL fails `test_every_route_is_decided` until it is listed here
either as a read with the records it must name or as a route that shows no person data.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client as PageClient
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from attention.selectors import hearings as hearings_section
from audit.models import AuditAction, AuditEvent
from cases.models import Attachment, Case, ClientTransfer, Hearing
from cases.selectors import open_tasks_of, visible_cases, visible_transfers
from clients.models import Client, ClientImportUpload, Consent, ServiceUse
from clients.selectors import search_clients, visible_clients
from contacts.models import Contact
from contacts.selectors import visible_contacts
from documents.models import PdfRender
from groupwork.models import GroupActivity
from groupwork.selectors import visible_group_activities
from observations.models import Observation
from observations.selectors import visible_observations
from tests import test_url_access as access_table
from tests.test_url_access import ACCESS, OBJECTS, PREFIX_RULES, URL_NAMES, _request

world = access_table.world  # the access table's records in and out of every role's scope

A, C, P = Role.ASSISTANT, Role.COORDINATOR, Role.POLICE
CLIENT_WORK = frozenset({A, C})


@dataclass(frozen=True)
class Reads:
    """The route shows person-level data; each answer writes one `action` event about `model`."""

    action: str
    model: type[models.Model]
    # The records the event must name, for the user reading: one for a detail, all for a list.
    records: Callable[[dict, Any], list]
    # Who reads person data there; other roles allowed by the access table see none (the start
    # page of the police) or are refused. None: every role allowed in the access table.
    roles: frozenset | None = None
    # Parameters that make the route show a person (the contact form with a chosen client).
    params: Callable[[dict], dict] | None = None
    # Further list reads of the same answer, one event per record type (the start page lists
    # contacts, cases and consents); one whose records are empty for the user writes no event.
    also: tuple["Reads", ...] = ()

    def for_role(self, role) -> list["Reads"]:
        return [reads for reads in (self, *self.also) if reads.roles is None or role in reads.roles]


def _view(model: type[models.Model], key: str, **kwargs) -> Reads:
    return Reads(AuditAction.VIEW, model, lambda world, user: [world[key]], **kwargs)


def _list(model: type[models.Model], records: Callable[[dict, Any], list], **kwargs) -> Reads:
    return Reads(AuditAction.LIST, model, records, **kwargs)


def _hearing_cases(user) -> list:
    """The cases of the hearings on the user's start page (the next 14 days)."""
    section = hearings_section(user, timezone.localdate())
    return [hearing.case for hearing in section.rows] if section else []


def _own_or_shared_case(world, user):
    return [world["shared_case"] if user.role == P else world["own_case"]]


# -- the pages (every row of the access table) ------------------------------------------------

PAGE_READS: dict[str, Reads] = {
    # The start page: the user's contacts, and what needs doing (attention/selectors.py): here the
    # cases of the user's tasks due soon, and for the police the shared cases awaiting feedback.
    "home": _list(
        Contact,
        lambda w, u: list(visible_contacts(u).filter(assistant=u)),
        roles=CLIENT_WORK,
        also=(
            _list(Case, lambda w, u: [task.case for task in open_tasks_of(u)] + _hearing_cases(u), roles=CLIENT_WORK),
            _list(
                Case, lambda w, u: list(visible_cases(u).filter(police_reviewed_at__isnull=True)), roles=frozenset({P})
            ),
        ),
    ),
    "clients:list": _list(Client, lambda w, u: list(visible_clients(u))),
    "clients:pick": _list(Client, lambda w, u: list(search_clients(u, "Dv")[:10])),
    "clients:detail": _view(Client, "own_client"),
    "clients:edit": _view(Client, "own_client"),
    "clients:consent_add": _view(Client, "own_client"),
    "clients:consent_withdraw": _view(Consent, "own_consent"),
    "clients:service_use_add": _view(Client, "own_client"),
    "clients:service_use_end": _view(ServiceUse, "own_service_use"),
    "clients:merge_choose": _view(Client, "own_client"),
    "clients:merge_confirm": _list(Client, lambda w, u: [w["own_client"], w["shared_case"].client]),
    # The check of an uploaded import names the recorded clients its rows resemble or update.
    "clients:import_check": _list(Client, lambda w, u: [w["own_client"]]),
    "clients:import_rejected": Reads(AuditAction.DOWNLOAD, ClientImportUpload, lambda w, u: [w["own_client_import"]]),
    "contacts:import_rejected": Reads(AuditAction.DOWNLOAD, ClientImportUpload, lambda w, u: [w["own_contact_import"]]),
    "cases:import_rejected": Reads(AuditAction.DOWNLOAD, ClientImportUpload, lambda w, u: [w["own_case_import"]]),
    "contacts:list": _list(Contact, lambda w, u: list(visible_contacts(u))),
    "contacts:detail": _view(Contact, "own_contact"),
    "contacts:edit": _view(Contact, "own_contact"),
    "contacts:create": _view(Client, "own_client", params=lambda w: {"client": w["own_client"].pk}),
    "observations:list": _list(Observation, lambda w, u: list(visible_observations(u))),
    "observations:detail": _view(Observation, "own_observation"),
    "observations:edit": _view(Observation, "own_observation"),
    "observations:police_list": _list(Observation, lambda w, u: list(visible_observations(u))),
    "observations:police_detail": _view(Observation, "police_observation"),
    "groupwork:list": _list(GroupActivity, lambda w, u: list(visible_group_activities(u))),
    "groupwork:detail": _view(GroupActivity, "own_group_activity"),
    "groupwork:edit": _view(GroupActivity, "own_group_activity"),
    "groupwork:delete": _view(GroupActivity, "own_group_activity"),
    "cases:list": _list(Case, lambda w, u: list(visible_cases(u))),
    "cases:my_tasks": _list(Case, lambda w, u: [task.case for task in open_tasks_of(u)]),
    "cases:create": _view(Client, "own_client"),
    "cases:detail": _view(Case, "own_case"),
    "cases:edit": _view(Case, "own_case"),
    # The form and the confirmation show the hearing, with its internal note.
    "cases:hearing_edit": _view(Hearing, "own_hearing"),
    "cases:hearing_delete": _view(Hearing, "own_hearing"),
    "cases:attachment_download": Reads(AuditAction.DOWNLOAD, Attachment, lambda w, u: [w["shared_attachment"]]),
    "police:case_list": _list(Case, lambda w, u: list(visible_cases(u))),
    "police:case_detail": _view(Case, "shared_case"),
    "gdpr:access_export_json": Reads(AuditAction.ACCESS_EXPORT, Client, lambda w, u: [w["own_client"]]),
    "gdpr:access_export_pdf": Reads(AuditAction.ACCESS_EXPORT, Client, lambda w, u: [w["own_client"]]),
    "gdpr:client_erase": _view(Client, "own_client"),
    # A transfer names the client by initials, year of birth and sex: a read of the transfer.
    "transfers:list": _list(ClientTransfer, lambda w, u: list(visible_transfers(u))),
    "transfers:create": _view(Client, "own_client"),
    "transfers:detail": _view(ClientTransfer, "incoming_transfer"),
    # Documents: the form names the case or client; the made document is a DOCUMENT event
    # (tests/test_documents.py), the PDF page names its file, its file is a download.
    "documents:case_document": _view(Case, "own_case"),
    "documents:client_document": _view(Client, "own_client"),
    "documents:pdf_detail": _view(PdfRender, "own_pdf_render"),
    "documents:pdf_download": Reads(AuditAction.DOWNLOAD, PdfRender, lambda w, u: [w["own_pdf_render"]]),
}

# Routes that show nobody's data, or only write (their refusal shows the form just posted).
_WRITE = "a write: answers a redirect or the refused form, the read before it is audited"
_REFERENCE_LIST = "a reference list: authorities, topics or crime types"
PAGE_NO_PERSON_DATA: dict[str, str] = {
    "healthz": "health of the services",
    "set_language": "a preference",
    "accounts:login": "the user's own account",
    "accounts:logout": "the user's own account",
    "accounts:otp_verify": "the user's own account",
    "accounts:otp_setup": "the user's own account",
    "accounts:two_factor": "the user's own account",
    "accounts:password_change": "the user's own account",
    "accounts:session_left": "the user's own session: how long it lasts",
    "accounts:session_keep_alive": "the user's own session: how long it lasts",
    "clients:draft_new": "keeps the user's own draft; answers when it was kept",
    "clients:draft": "keeps the user's own draft; answers when it was kept",
    "contacts:draft_new": "keeps the user's own draft; answers when it was kept",
    "contacts:draft": "keeps the user's own draft; answers when it was kept",
    "cases:draft_new": "keeps the user's own draft; answers when it was kept",
    "cases:draft": "keeps the user's own draft; answers when it was kept",
    "accounts:password_reset": "the user's own account",
    "accounts:password_reset_done": "the user's own account",
    "accounts:password_reset_confirm": "the user's own account",
    "accounts:password_reset_complete": "the user's own account",
    "accounts:sign_out_everywhere": _WRITE,
    "accounts:token_revoke": _WRITE,
    "accounts:directory": "the programme's staff directory (work contacts of assistants), no client",
    "clients:create": "an empty form",
    "clients:import_start": "an empty form",
    "clients:import_template": "the import's template: column headings and a made-up example row",
    "contacts:import_start": "an empty form",
    "contacts:import_template": "the import's template: column headings and a made-up example row",
    # The check of a contact import shows the file's own cells and counts, naming no recorded person.
    "contacts:import_check": "the uploaded file's rows and errors; no recorded person is named",
    "cases:import_start": "an empty form",
    "cases:import_template": "the import's template: column headings and a made-up example row",
    "cases:import_check": "the uploaded file's rows and errors; a recorded case is named only by its title",
    "clients:import_job": "a background import's progress and its rows' errors (cells of the uploaded file)",
    "contacts:import_job": "a background import's progress and its rows' errors (cells of the uploaded file)",
    "cases:import_job": "a background import's progress and its rows' errors (cells of the uploaded file)",
    "observations:create": "an empty form; an observation names no person",
    "groupwork:create": "an empty form",
    # Anonymous by design: no name, no contact, at most a year of birth, sex and locality, and a
    # note that must not identify anyone (its help text says so); counted, not kept as clients.
    "clients:refused_list": "refused applicants: anonymous records that name nobody",
    "clients:refused_create": "an empty form",
    "clients:refused_detail": "a refused applicant: an anonymous record that names nobody",
    "cases:transition": _WRITE,
    "cases:closing_decide": _WRITE,
    "cases:rights": _WRITE,
    "cases:note_add": _WRITE,
    "cases:task_add": _WRITE,
    "cases:referral_add": _WRITE,
    "cases:attachment_add": _WRITE,
    "cases:task_toggle": _WRITE,
    "cases:hearing_add": _WRITE,
    "cases:referral_state": _WRITE,
    "transfers:accept": _WRITE,
    "transfers:reject": _WRITE,
    "transfers:cancel": _WRITE,
    "documents:pdf_progress": "the state of a PDF being made; the page before it names the file",
    "documents:pdf_attach": _WRITE,
    "documents:field_list": "the fields a document template may use",
    "documents:template_list": "the organisation's document templates, no person",
    "documents:template_download": "a document template, no person",
    "documents:template_upload": _WRITE,
    "documents:template_remove": _WRITE,
    "reports:list": "report jobs: their type, period and state",
    "reports:dashboard": "counts, small cells suppressed",
    "reports:create": "an empty form",
    "reports:detail": "a report job: its type, period and state",
    "reports:progress": "a report job: its state",
    # The file of a person-level export is a download, audited like every other one.
    "reports:download": "audited as a download: tests/test_api_reports.py, tests/test_reports_views.py",
    "audit:trail": "records named by type and id only",
    # The programme set-up names no client; staff names appear as in the directory.
    "programmes:service_list": "the organisation's services, no person",
    "programmes:service_create": "an empty form",
    "programmes:service_detail": "a service and its activity types, no person",
    "programmes:service_edit": "a service, no person",
    "programmes:activity_type_create": "an empty form",
    "programmes:activity_type_edit": "an activity type, no person",
    "programmes:activity_type_move": _WRITE,
    "programmes:activity_type_delete": _WRITE,
    "programmes:project_list": "projects and funders, no person",
    "programmes:project_create": "an empty form",
    "programmes:project_edit": "a project, no person",
    "programmes:deadline_list": "reports due to funders and who marked them submitted, no client",
    "programmes:deadline_create": "an empty form",
    "programmes:deadline_edit": "a reporting deadline, no person",
    "programmes:deadline_submit": _WRITE,
    "programmes:funder_create": "an empty form",
    "programmes:assignment_list": "where the staff's work belongs, like the directory; no client",
    "programmes:assignment_create": "an empty form",
    "programmes:assignment_edit": "an assignment of a staff member, like the directory; no client",
    "programmes:assignment_delete": _WRITE,
    "programmes:staff_time_list": "working time of the staff, like the directory; no client",
    "programmes:staff_time_create": "an empty form",
    "programmes:staff_time_edit": "working time of a staff member; no client (a POST may delete it)",
    "programmes:staff_time_import": "an empty form; a checked file lists staff time, no client",
    "programmes:work_summary": "minutes of work per staff member and service, no client",
    # The management area: staff accounts and organisations, like the directory; never a client.
    "management:index": "links",
    "management:user_list": "staff accounts, like the directory; no client",
    "management:user_create": "an empty form",
    "management:user_detail": "a staff account, like the directory; no client",
    "management:user_edit": "a staff account, like the directory; no client",
    "management:user_deactivate": _WRITE,
    "management:user_reactivate": _WRITE,
    "management:user_invite": _WRITE,
    "management:invitation_accept": "the invited user's own account",
    "management:organisation_list": "organisations, no person",
    "management:organisation_create": "an empty form",
    "management:organisation_detail": "an organisation, its services, projects and staff; no client",
    "management:organisation_edit": "an organisation, no person",
    "management:organisation_service_create": "an empty form",
    "management:reference_list": _REFERENCE_LIST,
    "management:reference_create": "an empty form",
    "management:reference_edit": _REFERENCE_LIST,
    "management:reference_move": _WRITE,
    "management:reference_toggle": _WRITE,
    "management:reference_delete": _WRITE,
    "management:place_list": "municipalities and localities, no person",
    "management:municipality_create": "an empty form",
    "management:municipality_edit": "a municipality, no person",
    "management:municipality_delete": _WRITE,
    "management:locality_create": "an empty form",
    "management:locality_edit": "a locality, no person",
    "management:locality_delete": _WRITE,
    "attention:count": "a number of things to do",
    "attention:settings": "the user's own settings",
    # Dates, "follow-up"/"task" and case or contact numbers, never a name: tests/test_attention_calendar.py.
    "attention:calendar_feed": "dates and record numbers of the secret's owner, no name",
}

# Namespaces decided as a whole.
PREFIX_NO_PERSON_DATA = {"admin:": "accounts, organisations and reference data; no client data in the admin"}


# -- the API (every route of its router) -----------------------------------------------------

API_READS: dict[str, Reads] = {
    "api:client-list": _list(Client, lambda w, u: list(visible_clients(u)), roles=CLIENT_WORK),
    "api:client-detail": _view(Client, "own_client", roles=CLIENT_WORK),
    "api:contact-list": _list(Contact, lambda w, u: list(visible_contacts(u)), roles=CLIENT_WORK),
    "api:contact-detail": _view(Contact, "own_contact", roles=CLIENT_WORK),
    "api:groupactivity-list": _list(GroupActivity, lambda w, u: list(visible_group_activities(u)), roles=CLIENT_WORK),
    "api:groupactivity-detail": _view(GroupActivity, "own_group_activity", roles=CLIENT_WORK),
    "api:case-list": _list(Case, lambda w, u: list(visible_cases(u)), roles=frozenset({A, C, P})),
    "api:case-detail": Reads(AuditAction.VIEW, Case, _own_or_shared_case, roles=frozenset({A, C, P})),
    "api:case-timeline": Reads(AuditAction.VIEW, Case, _own_or_shared_case, roles=frozenset({A, C, P})),
    "api:transfer-list": _list(ClientTransfer, lambda w, u: list(visible_transfers(u)), roles=frozenset({C})),
    "api:transfer-detail": _view(ClientTransfer, "incoming_transfer", roles=frozenset({C})),
}
_REFERENCE = "reference data"
API_NO_PERSON_DATA: dict[str, str] = {
    "api:api-root": "links to the endpoints",
    "api:schema": "the API's description",
    "api:docs": "the API's description",
    "api:token": "signs in; the token issue is audited (test_a_token_issue_is_audited)",
    "api:logout": "signs out; audited as a sign-out",
    "api:logout-all": "signs out everywhere; audited as a sign-out",
    "api:national-statistics": "aggregates, small cells suppressed; audited as an export",
    "api:reportjob-list": "report jobs: their type, period and state",
    "api:reportjob-detail": "a report job: its type, period and state",
    "api:reportjob-download": "audited as a download: tests/test_api_reports.py",
    "api:region-list": _REFERENCE,
    "api:region-detail": _REFERENCE,
    "api:district-list": _REFERENCE,
    "api:district-detail": _REFERENCE,
    "api:locality-list": _REFERENCE,
    "api:locality-detail": _REFERENCE,
    "api:authority-list": _REFERENCE,
    "api:authority-detail": _REFERENCE,
    "api:topic-list": _REFERENCE,
    "api:topic-detail": _REFERENCE,
    "api:crimetype-list": _REFERENCE,
    "api:crimetype-detail": _REFERENCE,
    # Writes; each is audited as a transfer event (tests/test_api_transfers.py).
    "api:transfer-accept": "a write: answers the decided transfer's summary",
    "api:transfer-reject": "a write: answers the decided transfer's summary",
    "api:transfer-cancel": "a write: answers the withdrawn transfer's summary",
}


def test_every_route_is_decided():
    decided = {*PAGE_READS, *PAGE_NO_PERSON_DATA, *API_READS, *API_NO_PERSON_DATA}
    undecided = sorted(
        name
        for name in URL_NAMES
        if name not in decided and not any(name.startswith(prefix) for prefix in PREFIX_NO_PERSON_DATA)
    )
    assert not undecided, (
        "Routes without a decision in tests/test_audit_reads.py: does the answer show a person's data "
        "(then it must write one audit event naming it) or not?\n" + "\n".join(f"  {name}" for name in undecided)
    )
    both = ({*PAGE_READS, *API_READS}) & ({*PAGE_NO_PERSON_DATA, *API_NO_PERSON_DATA})
    assert not both
    assert not decided - set(URL_NAMES), f"decisions for routes that no longer exist: {decided - set(URL_NAMES)}"
    # The access table and this file know the same pages (the namespaces covered elsewhere aside).
    assert set(ACCESS) <= {*PAGE_READS, *PAGE_NO_PERSON_DATA}
    assert set(PREFIX_RULES) >= {"api:", "reports:", "admin:"}


def _new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=before).select_related("content_type").order_by("pk"))


def _problems(name: str, reads: Reads, who, user, response, events: list[AuditEvent], world) -> list[str]:
    where = f"{name} as {who}"
    if response.status_code != 200:
        return [f"{where}: answered {response.status_code}"]
    further = [extra for extra in reads.also if extra.roles is None or who in extra.roles]
    further = [extra for extra in further if extra.records(world, user)]
    if len(events) != 1 + len(further):
        return [f"{where}: {len(events)} audit events ({[e.action for e in events]}), expected {1 + len(further)}"]
    problems = []
    for extra, event in zip(further, events[1:], strict=True):
        problems += _event_problems(where, extra, user, event, world)
    return problems + _event_problems(where, reads, user, events[0], world)


def _event_problems(where: str, reads: Reads, user, event: AuditEvent, world) -> list[str]:
    expected = reads.records(world, user)
    problems = []
    if event.action != reads.action or event.actor_id != user.pk:
        problems.append(f"{where}: event {event.action} by {event.actor_id}, expected {reads.action} by {user.pk}")
    if event.content_type != ContentType.objects.get_for_model(reads.model):
        problems.append(f"{where}: names a {event.content_type}, expected {reads.model._meta.model_name}")
    if reads.action == AuditAction.LIST:
        if sorted(event.object_ids) != sorted({obj.pk for obj in expected}):
            problems.append(f"{where}: names {event.object_ids}, showed {sorted(obj.pk for obj in expected)}")
    elif event.object_id != str(expected[0].pk):
        problems.append(f"{where}: names #{event.object_id}, expected #{expected[0].pk}")
    return problems


@pytest.mark.parametrize("name", sorted(PAGE_READS))
def test_a_page_showing_a_person_writes_one_audit_event(name, world):
    reads, rule = PAGE_READS[name], ACCESS[name]
    own_kwargs, _foreign = OBJECTS[rule.obj](world) if rule.obj else ({}, None)
    url = reverse(name, kwargs=own_kwargs)
    problems = []
    for role, user in world["users"].items():
        if role not in rule.allowed:
            continue
        browser = PageClient()
        browser.force_login(user)
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if reads.params:
            response = browser.get(url, reads.params(world))
        else:
            response = _request(browser, rule, url)
        events = _new_events(before)
        wanted = reads.for_role(role)
        if wanted:  # the first read that applies to the role is recorded first, then the others
            first, *further = wanted
            problems += _problems(name, replace(first, also=tuple(further)), role, user, response, events, world)
        elif any(e.action in (AuditAction.VIEW, AuditAction.LIST) for e in events):
            problems.append(f"{name} as {role}: shows no person, yet recorded a read")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(API_READS))
def test_an_api_read_of_a_person_writes_one_audit_event(name, world):
    reads = API_READS[name]
    assert reads.roles is not None  # every API route names its readers
    problems = []
    for role in sorted(reads.roles):
        user = world["users"][role]
        record = reads.records(world, user)[0] if reads.action == AuditAction.VIEW else None
        url = reverse(name, kwargs={"pk": record.pk} if record is not None else {})
        api = APIClient()
        api.force_authenticate(user)
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = api.get(url)
        problems += _problems(name, reads, role, user, response, _new_events(before), world)
        if reads.action == AuditAction.LIST and response.status_code == 200:
            shown = sorted(row["id"] for row in response.json()["results"])
            named = sorted(_new_events(before)[0].object_ids) if _new_events(before) else []
            if shown != named:
                problems.append(f"{name} as {role}: the answer shows {shown}, the event names {named}")
    assert not problems, "\n".join(problems)


def test_one_event_per_list_page_naming_that_page_only(alice):
    from common.pagination import PAGE_SIZE
    from tests.factories import ClientFactory

    clients = [ClientFactory(organisation=alice.organisation, created_by=alice) for _ in range(PAGE_SIZE + 2)]
    browser = PageClient()
    browser.force_login(alice)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first = browser.get(reverse("clients:list")).context["rows"]
    second = browser.get(reverse("clients:list"), {"page": 2}).context["rows"]
    events = _new_events(before)
    assert [e.object_ids for e in events] == [[c.pk for c in first], [c.pk for c in second]]
    assert sorted([*events[0].object_ids, *events[1].object_ids]) == sorted(c.pk for c in clients)
    assert all(e.record_organisation_id == alice.organisation_id and e.path == "/clients/" for e in events)


def test_a_client_search_is_one_event_without_the_name_typed(alice):
    from tests.factories import ClientFactory

    found = ClientFactory(organisation=alice.organisation, created_by=alice, last_name="Kováčová")
    ClientFactory(organisation=alice.organisation, created_by=alice, last_name="Novotná")
    browser = PageClient()
    browser.force_login(alice)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert browser.post(reverse("clients:list"), {"q": "kovac"}).status_code == 200
    (event,) = _new_events(before)
    assert event.action == AuditAction.LIST and event.object_ids == [found.pk]
    assert "kov" not in str(event.__dict__).lower()


def test_a_token_issue_is_audited(alice, settings):
    settings.LIAISON_REQUIRE_2FA = False
    api = APIClient()
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = api.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200
    (event,) = _new_events(before)
    assert event.action == AuditAction.TOKEN_ISSUED and event.actor_id == alice.pk and event.username == "alice"
    assert event.actor_organisation_id == alice.organisation_id and event.path == "/api/v1/auth/token/"
    # A refused attempt issues nothing (the failed sign-in itself comes from the auth signal).
    api.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert not AuditEvent.objects.filter(pk__gt=event.pk, action=AuditAction.TOKEN_ISSUED).exists()


def test_the_audit_trail_names_the_records_of_a_list_read(alice, carol):
    from tests.factories import ClientFactory

    shown = ClientFactory(organisation=alice.organisation, created_by=alice)
    browser = PageClient()
    browser.force_login(alice)
    browser.get(reverse("clients:list"))
    browser.force_login(carol)
    body = browser.get(reverse("audit:trail"), {"action": AuditAction.LIST}).content.decode()
    assert "Zobrazení seznamu" in body and f"#{shown.pk}" in body
