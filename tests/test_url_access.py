"""Every URL of the project, for every role and an anonymous visitor, against ONE table.

The URL names come from the URL resolver, so a new view cannot be forgotten: adding a URL
without a row in ACCESS fails `test_every_url_has_a_row`, naming the URL.

To add a row: `"app:name": Rule(allowed=..., obj=...)`.
- `allowed`: roles that may use the page; they get `ok` for an object of their own scope and
  `foreign` (404) for another organisation's object. Other signed-in roles get `denied` (403).
- `obj`: the kind of record in the URL, a key of OBJECTS below (add one for a new kind: a
  function that builds the URL arguments for an own-scope record and for one or more records
  out of scope). A record that does not exist answers like a foreign one to the allowed roles
  and like an existing one (403) to the others, so that nothing leaks whether an id exists.
- `get`: for a URL that takes only POST, what a GET by an allowed role answers (405).
- Anonymous visitors are sent to the sign-in page unless `anonymous` says otherwise.
- A URL signed in by a secret in the address rather than by a session (the calendar feed) is
  `_public(obj=...)`: its `obj` builds the owner's valid secret as the own-scope record and a
  wrong one as out of scope, so that every visitor, anonymous or signed in as any role, gets
  `ok` with the valid secret and 404 with a wrong one.
Whole namespaces with their own access tests (the admin, the API) are PREFIX_RULES.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Locality, Municipality, Region
from accounts.roles import Role
from attention.services import calendar_token_reset
from cases import services as case_services
from cases.attachments import PDF, CheckedFile
from cases.imports import CASES
from clients.import_jobs import job_request
from clients.importing import upload_store as import_upload
from clients.imports import CLIENTS
from contacts.imports import CONTACTS
from contacts.models import Topic
from management import services as management_services
from observations.models import PassedTo
from tests.factories import (
    CaseFactory,
    ClientFactory,
    ClientTransferFactory,
    ConsentFactory,
    ContactFactory,
    GroupActivityFactory,
    HearingFactory,
    ObservationFactory,
    OrganisationFactory,
    ReferralFactory,
    RefusedApplicantFactory,
    ServiceUseFactory,
    TaskFactory,
    UserFactory,
    a_locality,
    shared_case,
)
from tests.programme_helpers import programme_records
from tests.test_documents import pdf_render_done

A, C, P, M, ADM = Role.ASSISTANT, Role.COORDINATOR, Role.POLICE, Role.MINISTRY, Role.ADMIN
SIGNED_IN = frozenset({A, C, P, M, ADM})
CLIENT_WORK = frozenset({A, C})
MANAGE = frozenset({C, ADM})
ANONYMOUS = "anonymous"
_TODAY = timezone.localdate().isoformat()
SIGN_IN = 302  # anonymous visitors are redirected to the sign-in page


@dataclass(frozen=True)
class Rule:
    allowed: frozenset = SIGNED_IN
    ok: int = 200
    denied: int = 403
    anonymous: int = SIGN_IN
    obj: str | None = None
    foreign: int = 404
    method: str = "get"
    data: dict = field(default_factory=dict)
    get: int | None = None
    # Roles for whom every record is in scope (an administrator in the management area): a record
    # out of the other roles' scope answers them `ok`.
    sees_all: frozenset = frozenset()
    # The admin first sends anonymous visitors to its own sign-in URL, which forwards to ours.
    sign_in_url: str = "/accounts/login/"


def _public(ok: int = 200, **kwargs) -> Rule:
    return Rule(allowed=SIGNED_IN, ok=ok, anonymous=ok, **kwargs)


_DRAFT = {"note": "Rozepsaná poznámka"}

ACCESS: dict[str, Rule] = {
    "home": Rule(),
    "healthz": _public(),
    "set_language": _public(302, method="post", data={"language": "en"}),
    # Signing in, the second factor and passwords.
    "accounts:login": Rule(ok=302, anonymous=200),  # a signed-in user is sent on to the start page
    "accounts:logout": _public(302, method="post"),
    "accounts:otp_verify": Rule(ok=302),  # already verified: sent on
    "accounts:otp_setup": Rule(),
    "accounts:two_factor": Rule(),
    # Ending one's own sign-ins (fuller tests: tests/test_tokens.py); an unknown token is 404.
    "accounts:sign_out_everywhere": Rule(method="post", ok=302),
    "accounts:token_revoke": Rule(method="post", ok=404, data={"token": "00000000"}),
    "accounts:password_change": Rule(),
    # The warning before the inactivity sign-out: how long is left (not extending it), stay signed in.
    "accounts:session_left": Rule(),
    "accounts:session_keep_alive": Rule(method="post", get=405),
    "accounts:password_reset": _public(),
    "accounts:password_reset_done": _public(),
    "accounts:password_reset_confirm": _public(obj="reset_link"),  # an invalid link says so
    "accounts:password_reset_complete": _public(),
    "accounts:directory": Rule(allowed=frozenset({C, M, ADM})),
    # Client files.
    "clients:list": Rule(allowed=CLIENT_WORK),
    "clients:create": Rule(allowed=CLIENT_WORK),
    "clients:pick": Rule(allowed=CLIENT_WORK, method="post", data={"q": "Dv"}),
    "clients:detail": Rule(allowed=CLIENT_WORK, obj="client"),
    "clients:edit": Rule(allowed=CLIENT_WORK, obj="client"),
    # Drafts of the forms (fuller tests: tests/test_drafts.py): only of a record the form may edit.
    "clients:draft_new": Rule(allowed=CLIENT_WORK, method="post", get=405, data=_DRAFT),
    "clients:draft": Rule(allowed=CLIENT_WORK, obj="client", method="post", get=405, data=_DRAFT),
    "clients:consent_add": Rule(allowed=CLIENT_WORK, obj="client"),
    "clients:consent_withdraw": Rule(allowed=CLIENT_WORK, obj="consent"),
    "clients:service_use_add": Rule(allowed=CLIENT_WORK, obj="client"),
    "clients:service_use_end": Rule(allowed=CLIENT_WORK, obj="service_use"),
    # Merging two client files: coordinators of the organisation (tests/test_client_merge.py).
    "clients:merge_choose": Rule(allowed=frozenset({C}), obj="client"),
    "clients:merge_confirm": Rule(allowed=frozenset({C}), obj="client_pair"),
    # Importing clients from a file: coordinators, each upload only its uploader's (tests/test_client_import.py).
    "clients:import_start": Rule(allowed=frozenset({C})),
    "clients:import_template": Rule(allowed=frozenset({C})),
    "clients:import_check": Rule(allowed=frozenset({C}), obj="client_import"),
    "clients:import_rejected": Rule(allowed=frozenset({C}), obj="client_import"),
    # Importing contacts and cases the same way (tests/test_contact_import.py, tests/test_case_import.py);
    # an upload of one kind is not reached through another kind's URLs.
    "contacts:import_start": Rule(allowed=frozenset({C})),
    "contacts:import_template": Rule(allowed=frozenset({C})),
    "contacts:import_check": Rule(allowed=frozenset({C}), obj="contact_import"),
    "contacts:import_rejected": Rule(allowed=frozenset({C}), obj="contact_import"),
    "cases:import_start": Rule(allowed=frozenset({C})),
    "cases:import_template": Rule(allowed=frozenset({C})),
    "cases:import_check": Rule(allowed=frozenset({C}), obj="case_import"),
    "cases:import_rejected": Rule(allowed=frozenset({C}), obj="case_import"),
    # The background job of a long import: its requester's only, through its own kind's URL.
    "clients:import_job": Rule(allowed=frozenset({C}), obj="client_import_job"),
    "contacts:import_job": Rule(allowed=frozenset({C}), obj="contact_import_job"),
    "cases:import_job": Rule(allowed=frozenset({C}), obj="case_import_job"),
    "clients:refused_list": Rule(allowed=CLIENT_WORK),
    "clients:refused_create": Rule(allowed=CLIENT_WORK),
    "clients:refused_detail": Rule(allowed=CLIENT_WORK, obj="refused_applicant"),
    # Contacts with authorities.
    "contacts:list": Rule(allowed=CLIENT_WORK),
    "contacts:create": Rule(allowed=CLIENT_WORK),
    "contacts:detail": Rule(allowed=CLIENT_WORK, obj="contact"),
    "contacts:edit": Rule(allowed=CLIENT_WORK, obj="contact"),
    "contacts:draft_new": Rule(allowed=CLIENT_WORK, method="post", get=405, data=_DRAFT),
    "contacts:draft": Rule(allowed=CLIENT_WORK, obj="contact", method="post", get=405, data=_DRAFT),
    # Locality observations; the police see only those passed to the police of their region.
    "observations:list": Rule(allowed=CLIENT_WORK),
    "observations:create": Rule(allowed=CLIENT_WORK),
    "observations:detail": Rule(allowed=CLIENT_WORK, obj="observation"),
    "observations:edit": Rule(allowed=CLIENT_WORK, obj="observation"),
    "observations:police_list": Rule(allowed=frozenset({P})),
    "observations:police_detail": Rule(allowed=frozenset({P}), obj="police_observation"),
    # Group activities: the author or a coordinator edits, a coordinator deletes.
    "groupwork:list": Rule(allowed=CLIENT_WORK),
    "groupwork:create": Rule(allowed=CLIENT_WORK),
    "groupwork:detail": Rule(allowed=CLIENT_WORK, obj="group_activity"),
    "groupwork:edit": Rule(allowed=CLIENT_WORK, obj="group_activity"),
    "groupwork:delete": Rule(allowed=frozenset({C}), obj="group_activity"),
    # Victim-support cases. An empty post is refused with the form (400), never a crash; a GET is 405.
    "cases:list": Rule(allowed=CLIENT_WORK),
    "cases:my_tasks": Rule(allowed=CLIENT_WORK),
    "cases:create": Rule(allowed=CLIENT_WORK, obj="case_client"),
    "cases:detail": Rule(allowed=CLIENT_WORK, obj="case"),
    "cases:edit": Rule(allowed=CLIENT_WORK, obj="case"),
    "cases:draft_new": Rule(allowed=CLIENT_WORK, obj="case_client", method="post", get=405, data=_DRAFT),
    "cases:draft": Rule(allowed=CLIENT_WORK, obj="case", method="post", get=405, data=_DRAFT),
    "cases:transition": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    # The approval of a proposed closing: the coordinator only.
    "cases:closing_decide": Rule(allowed=frozenset({C}), obj="case", method="post", ok=400, get=405),
    "cases:rights": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    "cases:note_add": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    "cases:task_add": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    "cases:referral_add": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    "cases:attachment_add": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    "cases:task_toggle": Rule(allowed=CLIENT_WORK, obj="task", method="post", ok=302),
    # Hearings: added on the case page, edited and deleted (after a confirmation) on their own pages.
    "cases:hearing_add": Rule(allowed=CLIENT_WORK, obj="case", method="post", ok=400, get=405),
    "cases:hearing_edit": Rule(allowed=CLIENT_WORK, obj="hearing"),
    "cases:hearing_delete": Rule(allowed=CLIENT_WORK, obj="hearing"),
    "cases:referral_state": Rule(
        allowed=CLIENT_WORK, obj="referral", method="post", ok=302, data={"state": "sent", "on": _TODAY}
    ),
    # The police see shared attachments of shared cases; staff any attachment of their cases.
    "cases:attachment_download": Rule(allowed=frozenset({A, C, P}), obj="shared_attachment"),
    # The police liaison officer's review: a case not shared with the police is 404 like a foreign one.
    "police:case_list": Rule(allowed=frozenset({P})),
    "police:case_detail": Rule(allowed=frozenset({P}), obj="shared_case"),
    # Client transfers between organisations: coordinators only (fuller tests: tests/test_transfers.py).
    "transfers:list": Rule(allowed=frozenset({C})),
    "transfers:create": Rule(allowed=frozenset({C}), obj="case_client"),
    "transfers:detail": Rule(allowed=frozenset({C}), obj="transfer"),
    "transfers:accept": Rule(allowed=frozenset({C}), obj="incoming_transfer", method="post", ok=302, get=405),
    "transfers:reject": Rule(
        allowed=frozenset({C}),
        obj="incoming_transfer",
        method="post",
        ok=302,
        get=405,
        data={"reason": "Nemáme volnou kapacitu."},
    ),
    "transfers:cancel": Rule(allowed=frozenset({C}), obj="outgoing_transfer", method="post", ok=302, get=405),
    # Documents of the work (fuller tests: tests/test_documents.py): made from a case or client of
    # the organisation; an unknown kind of document is 404 like a foreign record.
    "documents:case_document": Rule(allowed=CLIENT_WORK, obj="case_document"),
    "documents:client_document": Rule(allowed=CLIENT_WORK, obj="client_document"),
    "documents:pdf_detail": Rule(allowed=CLIENT_WORK, obj="pdf_render"),
    "documents:pdf_progress": Rule(allowed=CLIENT_WORK, obj="pdf_render"),
    "documents:pdf_download": Rule(allowed=CLIENT_WORK, obj="pdf_render"),
    "documents:pdf_attach": Rule(allowed=CLIENT_WORK, obj="pdf_render", method="post", ok=302, get=405),
    "documents:field_list": Rule(allowed=CLIENT_WORK),
    # The organisation's own templates: its coordinators.
    "documents:template_list": Rule(allowed=frozenset({C})),
    "documents:template_download": Rule(allowed=frozenset({C}), obj="document_kind"),
    "documents:template_upload": Rule(allowed=frozenset({C}), obj="document_kind", method="post", ok=400, get=405),
    "documents:template_remove": Rule(allowed=frozenset({C}), obj="document_kind", method="post", ok=302, get=405),
    # Reports and dashboards; a job's own scope differs per role, so job pages are in PREFIX_RULES.
    "reports:list": Rule(allowed=frozenset({C, M})),
    "reports:dashboard": Rule(allowed=frozenset({A, C, P, M})),
    # Audit trail and data-subject requests (fuller tests: tests/test_audit*.py, tests/test_gdpr*.py).
    "audit:trail": Rule(allowed=frozenset({C, ADM})),
    "gdpr:access_export_json": Rule(allowed=frozenset({C}), obj="client"),
    "gdpr:access_export_pdf": Rule(allowed=frozenset({C}), obj="client"),
    "gdpr:client_erase": Rule(allowed=frozenset({C}), obj="client"),
    # The programme set-up of the own organisation: its coordinator only (the ministry and
    # administrators see the national overview in the directory and the admin instead).
    "programmes:service_list": Rule(allowed=frozenset({C})),
    "programmes:service_create": Rule(allowed=frozenset({C})),
    "programmes:service_detail": Rule(allowed=frozenset({C}), obj="service"),
    "programmes:service_edit": Rule(allowed=frozenset({C}), obj="service"),
    "programmes:activity_type_create": Rule(allowed=frozenset({C}), obj="service"),
    "programmes:activity_type_edit": Rule(allowed=frozenset({C}), obj="activity_type"),
    "programmes:activity_type_move": Rule(allowed=frozenset({C}), obj="activity_type", method="post", ok=302, get=405),
    "programmes:activity_type_delete": Rule(
        allowed=frozenset({C}), obj="activity_type", method="post", ok=302, get=405
    ),
    "programmes:project_list": Rule(allowed=frozenset({C})),
    "programmes:project_create": Rule(allowed=frozenset({C})),
    "programmes:project_edit": Rule(allowed=frozenset({C}), obj="project"),
    "programmes:deadline_list": Rule(allowed=frozenset({C})),
    "programmes:deadline_create": Rule(allowed=frozenset({C})),
    "programmes:deadline_edit": Rule(allowed=frozenset({C}), obj="deadline"),
    "programmes:deadline_submit": Rule(allowed=frozenset({C}), obj="deadline", method="post", ok=302, get=405),
    "programmes:funder_create": Rule(allowed=frozenset({C})),
    "programmes:assignment_list": Rule(allowed=frozenset({C})),
    "programmes:assignment_create": Rule(allowed=frozenset({C})),
    "programmes:assignment_edit": Rule(allowed=frozenset({C}), obj="assignment"),
    "programmes:assignment_delete": Rule(allowed=frozenset({C}), obj="assignment", method="post", ok=302, get=405),
    "programmes:work_summary": Rule(allowed=frozenset({C})),
    # Staff time: an assistant's own, the coordinator's organisation's (fuller: tests/test_programmes_staff_time.py).
    "programmes:staff_time_list": Rule(allowed=CLIENT_WORK),
    "programmes:staff_time_create": Rule(allowed=CLIENT_WORK),
    "programmes:staff_time_edit": Rule(allowed=CLIENT_WORK, obj="staff_time"),
    "programmes:staff_time_import": Rule(allowed=frozenset({C})),
    # What needs doing (fuller tests: tests/test_attention*.py): the menu's count, the user's own
    # settings, and the calendar feed signed in by the secret in its address (alice's here).
    "attention:count": Rule(allowed=frozenset({A, C, P})),
    "attention:settings": Rule(allowed=frozenset({A, C, P})),
    "attention:calendar_feed": _public(obj="calendar_token"),
    # The management area (fuller tests: tests/test_management_*.py): an administrator every
    # organisation and user, a coordinator the own organisation's; the reference lists the
    # administrator's. The invitation's link is signed in by the secret in its address.
    "management:index": Rule(allowed=MANAGE),
    "management:user_list": Rule(allowed=MANAGE),
    "management:user_create": Rule(allowed=MANAGE),
    "management:user_detail": Rule(allowed=MANAGE, obj="managed_user", sees_all=frozenset({ADM})),
    "management:user_edit": Rule(allowed=MANAGE, obj="managed_user", sees_all=frozenset({ADM})),
    "management:user_deactivate": Rule(
        allowed=MANAGE, obj="managed_user", sees_all=frozenset({ADM}), method="post", ok=302, get=405
    ),
    "management:user_reactivate": Rule(
        allowed=MANAGE, obj="managed_user", sees_all=frozenset({ADM}), method="post", ok=302, get=405
    ),
    "management:user_invite": Rule(
        allowed=MANAGE, obj="managed_user", sees_all=frozenset({ADM}), method="post", ok=302, get=405
    ),
    "management:invitation_accept": _public(obj="invitation"),
    "management:organisation_list": Rule(allowed=MANAGE),
    "management:organisation_create": Rule(allowed=frozenset({ADM})),
    "management:organisation_detail": Rule(allowed=MANAGE, obj="managed_organisation", sees_all=frozenset({ADM})),
    "management:organisation_edit": Rule(allowed=MANAGE, obj="managed_organisation", sees_all=frozenset({ADM})),
    "management:organisation_service_create": Rule(
        allowed=frozenset({ADM}), obj="managed_organisation", sees_all=frozenset({ADM})
    ),
    "management:reference_list": Rule(allowed=frozenset({ADM}), obj="reference_kind"),
    "management:reference_create": Rule(allowed=frozenset({ADM}), obj="reference_kind"),
    "management:reference_edit": Rule(allowed=frozenset({ADM}), obj="reference_item"),
    "management:reference_move": Rule(
        allowed=frozenset({ADM}), obj="reference_item", method="post", ok=302, get=405, data={"direction": "up"}
    ),
    "management:reference_toggle": Rule(allowed=frozenset({ADM}), obj="reference_item", method="post", ok=302, get=405),
    "management:reference_delete": Rule(allowed=frozenset({ADM}), obj="reference_item", method="post", ok=302, get=405),
    # Municipalities and localities: a shared list, an administrator's; a missing one is 404.
    "management:place_list": Rule(allowed=frozenset({ADM})),
    "management:municipality_create": Rule(allowed=frozenset({ADM})),
    "management:municipality_edit": Rule(allowed=frozenset({ADM}), obj="municipality"),
    "management:municipality_delete": Rule(
        allowed=frozenset({ADM}), obj="municipality", method="post", ok=302, get=405
    ),
    "management:locality_create": Rule(allowed=frozenset({ADM})),
    "management:locality_edit": Rule(allowed=frozenset({ADM}), obj="locality"),
    "management:locality_delete": Rule(allowed=frozenset({ADM}), obj="locality", method="post", ok=302, get=405),
}


@dataclass(frozen=True)
class PrefixRule:
    """A namespace with its own, fuller access tests; here one representative URL per role."""

    sample: str
    allowed: frozenset
    ok: int
    denied: int
    anonymous: int
    covered_by: str


PREFIX_RULES: dict[str, PrefixRule] = {
    # The admin's own sign-in page sends everyone to the application's (lockout, second factor).
    "admin:": PrefixRule("admin:index", frozenset({ADM}), 200, 302, 302, "tests/test_security_admin.py"),
    # The API answers 401 itself; its roles and scopes are tested in tests/test_api.py.
    "api:": PrefixRule("api:client-list", CLIENT_WORK, 200, 403, 401, "tests/test_api.py"),
    # Report jobs: own job 200, a foreign one 404, roles without reports 403.
    "reports:": PrefixRule(
        "reports:list", frozenset({C, M}), 200, 403, 302, "tests/test_reports_views.py, tests/test_reports_privacy.py"
    ),
}


# -- records in URLs: kind -> builder(world) -> (own-scope kwargs, foreign-scope kwargs) ---------


def _client_kwargs(world):
    return {"pk": world["own_client"].pk}, {"pk": world["foreign_client"].pk}


def _client_pair_kwargs(world):
    """Two files of the own organisation; either of them another organisation's is out of scope."""
    own, other, foreign = world["own_client"].pk, world["shared_case"].client.pk, world["foreign_client"].pk
    return {"pk": own, "other_pk": other}, [{"pk": own, "other_pk": foreign}, {"pk": foreign, "other_pk": other}]


def _client_import_kwargs(world):
    """The coordinator's own upload; another coordinator's of the same organisation and another
    organisation's are out of scope."""
    return {"pk": world["own_client_import"].pk}, [
        {"pk": world["colleague_client_import"].pk},
        {"pk": world["foreign_client_import"].pk},
    ]


def _contact_import_kwargs(world):
    """As _client_import_kwargs; the coordinator's own client import is of another kind."""
    return {"pk": world["own_contact_import"].pk}, [
        {"pk": world["colleague_contact_import"].pk},
        {"pk": world["foreign_contact_import"].pk},
        {"pk": world["own_client_import"].pk},
    ]


def _case_import_kwargs(world):
    return {"pk": world["own_case_import"].pk}, [
        {"pk": world["colleague_case_import"].pk},
        {"pk": world["foreign_case_import"].pk},
        {"pk": world["own_contact_import"].pk},
    ]


def _import_job_kwargs(kind: str, other_kind: str):
    def kwargs(world):
        return {"pk": world[f"own_{kind}_import_job"].pk}, [
            {"pk": world[f"colleague_{kind}_import_job"].pk},
            {"pk": world[f"foreign_{kind}_import_job"].pk},
            {"pk": world[f"own_{other_kind}_import_job"].pk},
        ]

    return kwargs


def _refused_applicant_kwargs(world):
    return {"pk": world["own_refused_applicant"].pk}, {"pk": world["foreign_refused_applicant"].pk}


def _consent_kwargs(world):
    own, foreign = world["own_consent"], world["foreign_consent"]
    return (
        {"pk": own.client_id, "consent_pk": own.pk},
        # Another organisation's consent, also through the own client's URL.
        [{"pk": foreign.client_id, "consent_pk": foreign.pk}, {"pk": own.client_id, "consent_pk": foreign.pk}],
    )


def _service_use_kwargs(world):
    own, foreign = world["own_service_use"], world["foreign_service_use"]
    return (
        {"pk": own.client_id, "use_pk": own.pk},
        # Another organisation's period, also through the own client's URL.
        [{"pk": foreign.client_id, "use_pk": foreign.pk}, {"pk": own.client_id, "use_pk": foreign.pk}],
    )


def _contact_kwargs(world):
    return {"pk": world["own_contact"].pk}, {"pk": world["foreign_contact"].pk}


def _case_kwargs(world):
    return {"pk": world["own_case"].pk}, {"pk": world["foreign_case"].pk}


def _case_client_kwargs(world):
    return {"client_pk": world["own_client"].pk}, {"client_pk": world["foreign_client"].pk}


def _shared_case_kwargs(world):
    # Neither a case the organisation did not share (own_case) nor another organisation's case.
    return {"pk": world["shared_case"].pk}, [{"pk": world["own_case"].pk}, {"pk": world["foreign_case"].pk}]


def _task_kwargs(world):
    return {"task_pk": world["own_task"].pk}, {"task_pk": world["foreign_task"].pk}


def _hearing_kwargs(world):
    return {"hearing_pk": world["own_hearing"].pk}, {"hearing_pk": world["foreign_hearing"].pk}


def _referral_kwargs(world):
    return {"referral_pk": world["own_referral"].pk}, {"referral_pk": world["foreign_referral"].pk}


def _shared_attachment_kwargs(world):
    return {"attachment_pk": world["shared_attachment"].pk}, {"attachment_pk": world["foreign_attachment"].pk}


def _observation_kwargs(world):
    return {"pk": world["own_observation"].pk}, {"pk": world["foreign_observation"].pk}


def _police_observation_kwargs(world):
    # Not one kept from the police (own_observation), nor one passed to the police of another region.
    return {"pk": world["police_observation"].pk}, [
        {"pk": world["own_observation"].pk},
        {"pk": world["other_region_observation"].pk},
    ]


def _service_kwargs(world):
    return {"pk": world["own_service"].pk}, {"pk": world["foreign_service"].pk}


def _activity_type_kwargs(world):
    own = world["own_service"].activity_types.get(name="Kontakt")
    return {"pk": own.pk}, {"pk": world["foreign_service"].activity_types.get(name="Kontakt").pk}


def _project_kwargs(world):
    return {"pk": world["own_project"].pk}, {"pk": world["foreign_project"].pk}


def _deadline_kwargs(world):
    return {"pk": world["own_deadline"].pk}, {"pk": world["foreign_deadline"].pk}


def _assignment_kwargs(world):
    return {"pk": world["own_assignment"].pk}, {"pk": world["foreign_assignment"].pk}


def _staff_time_kwargs(world):
    return {"pk": world["own_staff_time"].pk}, {"pk": world["foreign_staff_time"].pk}


def _group_activity_kwargs(world):
    return {"pk": world["own_group_activity"].pk}, {"pk": world["foreign_group_activity"].pk}


def _calendar_token_kwargs(world):
    # A wrong secret, and one of the same length and alphabet that nobody holds.
    return {"token": world["calendar_token"]}, [{"token": "wrong"}, {"token": "x" * len(world["calendar_token"])}]


def _transfer_kwargs(world):
    # Incoming and outgoing transfers are the coordinator's; one between two other organisations is not.
    return {"pk": world["incoming_transfer"].pk}, [{"pk": world["foreign_transfer"].pk}]


def _incoming_transfer_kwargs(world):
    # Only the receiver decides: neither a foreign transfer nor the organisation's own outgoing one.
    return {"pk": world["incoming_transfer"].pk}, [
        {"pk": world["foreign_transfer"].pk},
        {"pk": world["outgoing_transfer"].pk},
    ]


def _outgoing_transfer_kwargs(world):
    # Only the sender withdraws: neither a foreign transfer nor an incoming one.
    return {"pk": world["outgoing_transfer"].pk}, [
        {"pk": world["foreign_transfer"].pk},
        {"pk": world["incoming_transfer"].pk},
    ]


def _case_document_kwargs(world):
    own = {"pk": world["own_case"].pk, "kind": "criminal_complaint"}
    return own, [{"pk": world["foreign_case"].pk, "kind": "criminal_complaint"}, {**own, "kind": "no_such_kind"}]


def _client_document_kwargs(world):
    # A kind made from a case only is not made from a client page.
    own = {"pk": world["own_client"].pk, "kind": "power_of_attorney"}
    return own, [
        {"pk": world["foreign_client"].pk, "kind": "power_of_attorney"},
        {**own, "kind": "criminal_complaint"},
        {**own, "kind": "no_such_kind"},
    ]


def _pdf_render_kwargs(world):
    return {"pk": world["own_pdf_render"].pk}, {"pk": world["foreign_pdf_render"].pk}


def _document_kind_kwargs(world):
    return {"kind": "power_of_attorney"}, {"kind": "no_such_kind"}


def _reset_link_kwargs(world):
    link = {"uidb64": "MQ", "token": "set-password"}
    return link, link


def _managed_user_kwargs(world):
    # Another organisation's user is out of a coordinator's scope (never of an administrator's).
    return {"pk": world["users"][A].pk}, {"pk": world["foreign_user"].pk}


def _managed_organisation_kwargs(world):
    return {"pk": world["users"][A].organisation_id}, {"pk": world["foreign_user"].organisation_id}


def _invitation_kwargs(world):
    return {"token": world["invitation_token"]}, [{"token": "wrong"}]


def _reference_kind_kwargs(world):
    return {"kind": "topics"}, [{"kind": "clients"}]


def _municipality_kwargs(world):
    return {"pk": world["place"].municipality_id}, [{"pk": MISSING_ID}]


def _locality_kwargs(world):
    return {"pk": world["place"].pk}, [{"pk": MISSING_ID}]


def _reference_item_kwargs(world):
    # An item through another list's address, and a list that does not exist.
    topic = world["reference_topic"].pk
    return {"kind": "topics", "pk": topic}, [
        {"kind": "crime_types", "pk": MISSING_ID},
        {"kind": "clients", "pk": topic},
    ]


OBJECTS: dict[str, Callable[[dict], tuple[dict, dict | list[dict]]]] = {
    "client": _client_kwargs,
    "client_pair": _client_pair_kwargs,
    "client_import": _client_import_kwargs,
    "contact_import": _contact_import_kwargs,
    "case_import": _case_import_kwargs,
    "client_import_job": _import_job_kwargs("client", "contact"),
    "contact_import_job": _import_job_kwargs("contact", "case"),
    "case_import_job": _import_job_kwargs("case", "client"),
    "consent": _consent_kwargs,
    "service_use": _service_use_kwargs,
    "refused_applicant": _refused_applicant_kwargs,
    "contact": _contact_kwargs,
    "case": _case_kwargs,
    "case_client": _case_client_kwargs,
    "shared_case": _shared_case_kwargs,
    "task": _task_kwargs,
    "hearing": _hearing_kwargs,
    "referral": _referral_kwargs,
    "shared_attachment": _shared_attachment_kwargs,
    "reset_link": _reset_link_kwargs,
    "case_document": _case_document_kwargs,
    "client_document": _client_document_kwargs,
    "pdf_render": _pdf_render_kwargs,
    "document_kind": _document_kind_kwargs,
    "calendar_token": _calendar_token_kwargs,
    "observation": _observation_kwargs,
    "police_observation": _police_observation_kwargs,
    "service": _service_kwargs,
    "activity_type": _activity_type_kwargs,
    "project": _project_kwargs,
    "deadline": _deadline_kwargs,
    "assignment": _assignment_kwargs,
    "staff_time": _staff_time_kwargs,
    "group_activity": _group_activity_kwargs,
    "transfer": _transfer_kwargs,
    "incoming_transfer": _incoming_transfer_kwargs,
    "outgoing_transfer": _outgoing_transfer_kwargs,
    "managed_user": _managed_user_kwargs,
    "managed_organisation": _managed_organisation_kwargs,
    "invitation": _invitation_kwargs,
    "reference_kind": _reference_kind_kwargs,
    "reference_item": _reference_item_kwargs,
    "municipality": _municipality_kwargs,
    "locality": _locality_kwargs,
}


# -- the URL resolver ---------------------------------------------------------------------------


def _all_url_names(resolver=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """Every URL name (with namespace) and its route; unnamed patterns by their route."""
    resolver = resolver or get_resolver()
    found: dict[str, str] = {}
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(_all_url_names(entry, inner, route))
        elif isinstance(entry, URLPattern):
            found[f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {route}>"] = route
    return found


def _prefix_rule(name: str) -> PrefixRule | None:
    return next((rule for prefix, rule in PREFIX_RULES.items() if name.startswith(prefix)), None)


URL_NAMES = _all_url_names()


def test_every_url_has_a_row():
    missing = sorted(name for name in URL_NAMES if name not in ACCESS and _prefix_rule(name) is None)
    assert not missing, "URL names without a row in ACCESS (tests/test_url_access.py); add who may open them:\n" + (
        "\n".join(f"  {name}  (/{URL_NAMES[name]})" for name in missing)
    )


def test_no_row_for_a_url_that_does_not_exist():
    stale = sorted(set(ACCESS) - set(URL_NAMES))
    assert not stale, f"Rows in ACCESS for URL names that no longer exist: {stale}"


# -- the walk -------------------------------------------------------------------------------------


def _pdf_attachment(case, *, shared: bool):
    checked = CheckedFile(b"%PDF-1.4 test", PDF, "zprava.pdf")
    return case_services.attachment_add(case=case, by=case.assistant, checked=checked, shared_with_police=shared)


@pytest.fixture
def world(alice, carol, oscar, police_officer, ministry_analyst, administrator, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    own_client = ClientFactory(organisation=alice.organisation, created_by=alice, last_name="Dvořák")
    foreign_client = ClientFactory(organisation=oscar.organisation, created_by=oscar, last_name="Dvořáček")
    own_case, foreign_case = CaseFactory(client=own_client), CaseFactory(client=foreign_client)
    shared = shared_case(client=ClientFactory(organisation=alice.organisation, created_by=alice))
    cases = {
        "shared_case": shared,
        "own_task": TaskFactory(case=own_case),
        "foreign_task": TaskFactory(case=foreign_case),
        "own_referral": ReferralFactory(case=own_case),
        "foreign_referral": ReferralFactory(case=foreign_case),
        # In the next 14 days: the start page lists it (tests/test_audit_reads.py's "home").
        "own_hearing": HearingFactory(case=own_case),
        "foreign_hearing": HearingFactory(case=foreign_case),
        "shared_attachment": _pdf_attachment(shared, shared=True),
        "foreign_attachment": _pdf_attachment(foreign_case, shared=False),
        "own_pdf_render": pdf_render_done(by=alice, case=own_case),
        "foreign_pdf_render": pdf_render_done(by=oscar, case=foreign_case),
    }
    return {
        **cases,
        "users": {A: alice, C: carol, P: police_officer, M: ministry_analyst, ADM: administrator},
        "own_client": own_client,
        "foreign_client": foreign_client,
        "own_consent": ConsentFactory(client=own_client, recorded_by=alice),
        "foreign_consent": ConsentFactory(client=foreign_client, recorded_by=oscar),
        "own_service_use": ServiceUseFactory(client=own_client, recorded_by=alice),
        "foreign_service_use": ServiceUseFactory(client=foreign_client, recorded_by=oscar),
        "own_contact": ContactFactory(assistant=alice, clients=[own_client]),
        "foreign_contact": ContactFactory(assistant=oscar, clients=[foreign_client]),
        "own_case": own_case,
        "foreign_case": foreign_case,
        "own_observation": ObservationFactory(assistant=alice),
        "foreign_observation": ObservationFactory(assistant=oscar),
        # Passed to the police by another organisation, in the officer's region (Brno, CZ064).
        "police_observation": ObservationFactory(assistant=oscar, passed_to=PassedTo.POLICE),
        "other_region_observation": ObservationFactory(
            assistant=alice, passed_to=PassedTo.POLICE, locality=a_locality("Praha")
        ),
        "own_group_activity": GroupActivityFactory(author=alice, participants=[own_client]),
        "foreign_group_activity": GroupActivityFactory(author=oscar, participants=[foreign_client]),
        "own_refused_applicant": RefusedApplicantFactory(recorded_by=alice),
        "foreign_refused_applicant": RefusedApplicantFactory(recorded_by=oscar),
        **programme_records(alice, oscar),
        "calendar_token": calendar_token_reset(user=alice),
        **_transfers(alice, oscar),
        **_client_imports(carol, oscar, own_client),
        **_management(administrator, oscar),
    }


def _management(administrator, oscar) -> dict:
    """A user invited (the link's secret), another organisation's user, a topic of the list."""
    invited = UserFactory(organisation=oscar.organisation, email="pozvany@example.cz")
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    _invitation, token = management_services._invitation_new(actor=administrator, user=invited)
    return {
        "foreign_user": oscar,
        "invitation_token": token,
        "reference_topic": Topic.objects.create(name="Téma z tabulky přístupů"),
        "place": Locality.objects.create(
            municipality=Municipality.objects.create(
                region=Region.objects.earliest("pk"), name="Obec z tabulky přístupů"
            ),
            name="Lokalita z tabulky přístupů",
        ),
    }


def _client_imports(carol, oscar, own_client) -> dict:
    """Uploaded client imports; the coordinator's names the own client (a possible duplicate)."""
    row = f"jméno;příjmení\n{own_client.first_name};{own_client.last_name}\n".encode()
    colleague = UserFactory(organisation=carol.organisation, role=Role.COORDINATOR)
    contact_row = "datum;trvání (min);asistent;klienti\n1.11.2026;30;alice;1\n".encode()
    uploads: dict[str, object] = {}
    case_row = "klient;název;trestné činy\n1;Lichva;§218\n".encode()
    kinds = (("client", CLIENTS, row), ("contact", CONTACTS, contact_row), ("case", CASES, case_row))
    for name, importer, data in kinds:
        for who, user in (("own", carol), ("colleague", colleague), ("foreign", oscar)):
            upload, _large = import_upload(by=user, importer=importer, file_name="soubor.csv", data=data)
            uploads[f"{who}_{name}_import"] = upload
            uploads[f"{who}_{name}_import_job"] = job_request(importer=importer, upload=upload, phase="check")
    return uploads


def _transfers(alice, oscar) -> dict:
    """A transfer to Alice's organisation, one from it, and one between two other organisations."""
    third = OrganisationFactory()
    return {
        "incoming_transfer": ClientTransferFactory(
            client=ClientFactory(organisation=oscar.organisation, created_by=oscar), to_organisation=alice.organisation
        ),
        "outgoing_transfer": ClientTransferFactory(
            client=ClientFactory(organisation=alice.organisation, created_by=alice), to_organisation=oscar.organisation
        ),
        "foreign_transfer": ClientTransferFactory(
            client=ClientFactory(organisation=oscar.organisation, created_by=oscar), to_organisation=third
        ),
    }


def _request(client, rule, url):
    call = client.post if rule.method == "post" else client.get
    return call(url, rule.data)


MISSING_ID = 987_654_321


def _missing(kwargs: dict) -> dict:
    """The same URL with every record id replaced by one that does not exist."""
    return {key: MISSING_ID if isinstance(value, int) else value for key, value in kwargs.items()}


def _check(client_factory, world, name: str, rule: Rule) -> list[str]:
    problems = []
    own_kwargs, foreign = OBJECTS[rule.obj](world) if rule.obj else ({}, [])
    out_of_scope = [kwargs for kwargs in (foreign if isinstance(foreign, list) else [foreign]) if kwargs != own_kwargs]
    own_url = reverse(name, kwargs=own_kwargs)
    missing_url = reverse(name, kwargs=_missing(own_kwargs)) if _missing(own_kwargs) != own_kwargs else None

    def expect(who: str, url: str, wanted: int, response) -> None:
        if response.status_code != wanted:
            problems.append(f"{name} {rule.method.upper()} {url} as {who}: {response.status_code}, expected {wanted}")
        elif wanted == SIGN_IN and who == ANONYMOUS and rule.anonymous == SIGN_IN and rule.ok != SIGN_IN:
            if not response["Location"].startswith(rule.sign_in_url):
                problems.append(f"{name} as {who}: redirected to {response['Location']}, not to sign-in")

    expect(ANONYMOUS, own_url, rule.anonymous, _request(client_factory(), rule, own_url))
    for role, user in world["users"].items():
        client = client_factory()
        client.force_login(user)
        if role in rule.allowed:
            expect(role, own_url, rule.ok, _request(client, rule, own_url))
            for kwargs in out_of_scope:
                foreign_url = reverse(name, kwargs=kwargs)
                wanted = rule.ok if role in rule.sees_all else rule.foreign
                expect(f"{role} (foreign record)", foreign_url, wanted, _request(client, rule, foreign_url))
            if missing_url:
                expect(f"{role} (missing record)", missing_url, rule.foreign, _request(client, rule, missing_url))
            if rule.get is not None:
                expect(f"{role} (GET)", own_url, rule.get, client.get(own_url))
        else:
            expect(role, own_url, rule.denied, _request(client, rule, own_url))
            if missing_url:
                expect(f"{role} (missing record)", missing_url, rule.denied, _request(client, rule, missing_url))
    return problems


@pytest.mark.parametrize("name", sorted(name for name in ACCESS if name in URL_NAMES))
def test_access_table(name, world):
    from django.test import Client

    problems = _check(Client, world, name, ACCESS[name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("prefix", sorted(PREFIX_RULES))
def test_namespace_sample(prefix, world):
    from django.test import Client

    sample = PREFIX_RULES[prefix]
    rule = Rule(
        allowed=sample.allowed,
        ok=sample.ok,
        denied=sample.denied,
        anonymous=sample.anonymous,
        sign_in_url="/admin/login/" if prefix == "admin:" else "/accounts/login/",
    )
    problems = _check(Client, world, sample.sample, rule)
    assert not problems, "\n".join(problems) + f"\n(fuller tests: {sample.covered_by})"
