"""Property-based run of schemathesis against the live API, once per role:
no server error, and every response matches the OpenAPI schema."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from knox.models import AuthToken

from tests.factories import CaseFactory, ClientFactory, ConsentFactory, ContactFactory

ROLES = ["alice", "carol", "police_officer", "ministry_analyst", "administrator"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "schemathesis"


# The live server needs a transactional database; serialized rollback restores the reference
# data of the data migrations (regions, authorities, ...) that the flush between tests removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "who, debug",
    # Production settings and the demo's (`make run` serves with DEBUG on, where the database
    # layer also logs every query and its parameters), for every role.
    [(who, debug) for who in ROLES for debug in (False, True)],
)
def test_api_conforms_to_schema(live_server, request, settings, who, debug, alice, oscar):
    settings.DEBUG = debug
    # Records in and out of every role's scope, so list and detail answers are not all empty.
    own = ClientFactory(organisation=alice.organisation, created_by=alice)
    ConsentFactory(client=own, purpose="police_sharing", recorded_by=alice)
    ContactFactory(assistant=alice, clients=[own])
    CaseFactory(client=own, shared_with_police=True)
    ContactFactory(assistant=oscar, clients=[ClientFactory(organisation=oscar.organisation, created_by=oscar)])
    user = request.getfixturevalue(who)
    _instance, token = AuthToken.objects.create(user)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{live_server.url}/api/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        "not_a_server_error,response_schema_conformance,content_type_conformance",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"),
        "--seed",
        "2010",
        "--exclude-path",
        "/api/v1/auth/token/",  # signs in, throttled per address; covered by tests/test_api.py
        "--exclude-path",
        "/api/v1/auth/logout/",  # would end the token of the run; covered by tests/test_tokens.py
        "--exclude-path",
        "/api/v1/auth/logout-all/",
        "--report",
        "junit",
        "--report-junit-path",
        str(ARTIFACTS / f"{who}{'-debug' if debug else ''}.xml"),
        "--phases",
        "examples,fuzzing",
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
