"""/api/openapi.json tells the truth: schemathesis with every check over every operation under /api, with a token
(an admin's; the service token for /api/internal/*), without one (the documented 401 comes back), and statefully
(what one operation returns feeds the next), in-process on the app the `client` fixture started."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from api.core import security
from api.core.db import Base, utcnow
from api.staff.models import StaffSession, StaffUser
from api.staff.service import create_user
from tests.api.helpers import SERVICE_TOKEN, hand_off, record

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
PUBLIC = {"/api/health", "/api/chat", "/api/auth/token"}  # answer without a token
FUZZ = settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
POSITIVE_OK = ["2xx", "3xx", "401", "403", "404", "409", "429"]  # schemathesis's default, but 5xx
# Where the description cannot say everything the API checks, that check learns the one answer it may see.
CONFIG = SchemathesisConfig.from_str(f"""
# The stateful run follows the links the description declares (an inferred one would take an audit entry's null
# registration_id for an id).
[phases.stateful]
inference.algorithms = []

[[operations]]
include-name = "POST /api/chat"
# No Rasa runs here: the chat's documented 503.
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]

[[operations]]
include-name = "POST /api/internal/registrations"
# A phone number that exists, phone or e-mail, the client's consent with on_behalf: rules beyond JSON Schema.
checks.positive_data_acceptance.expected-statuses = {POSITIVE_OK + ["422"]}

[[operations]]
include-name = "POST /api/internal/chat-counts"
# The day is at most tomorrow: a bound that moves.
checks.positive_data_acceptance.expected-statuses = {POSITIVE_OK + ["422"]}
""")


def _token(db, user) -> str:
    """A fresh staff session straight in the database (a sign-in spends the TOTP code of these 30 seconds)."""
    token = security.new_session_token()
    now = utcnow()
    db.add(StaffSession(token_sha256=security.token_digest(token), user_id=user.id, created_at=now,
                        last_seen_at=now, expires_at=now + timedelta(hours=1)))
    db.commit()
    return token


@pytest.fixture
def api(client, db):
    """The app's schema, an admin, and a registration to find."""
    admin = create_user(db, "admin@example.org", "a long staff password 42", "admin",
                        totp_secret=pyotp.random_base32())
    assert hand_off(client, record()).status_code == 201
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app, config=CONFIG,
                                            headers={"Authorization": f"Bearer {_token(db, admin)}"})
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20 and all(op.path.startswith("/api/") for op in operations)
    return schema, operations, admin


def _credentials(db, admin, path: str) -> dict[str, str]:
    if path.startswith("/api/internal/"):
        return {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    return {"Authorization": f"Bearer {_token(db, admin)}"}  # its own, since sign-out ends it


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str] | None) -> None:
    """Every check on `max_examples` cases; without `headers`, no token at all, and the documented 401."""

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        if headers is None:
            case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        response = case.call_and_validate(headers=headers, checks=ALL_CHECKS)
        if headers is None and case.path not in PUBLIC:
            assert response.status_code == 401, (case.operation.label, response.status_code)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_answers_as_described(api, db, mode):
    _schema, operations, admin = api
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not list(operation.iter_parameters()) and not list(operation.body):
            continue  # nothing to get wrong
        _fuzz(operation, mode, _credentials(db, admin, operation.path))


def test_without_a_token_the_documented_401(api):
    _schema, operations, _admin = api
    for operation in operations:
        _fuzz(operation, GenerationMode.POSITIVE, None)


def test_stateful_links(api, db):
    schema, _operations, _admin = api
    headers: dict[str, dict[str, str]] = {}
    admin: list[StaffUser] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self):
            # Each scenario starts from empty tables, so a replay meets the state it met the first time.
            with db.bind.begin() as conn:
                for table in reversed(Base.metadata.sorted_tables):
                    conn.execute(table.delete())
            db.expire_all()
            admin[:] = [create_user(db, "admin@example.org", "a long staff password 42", "admin",
                                    totp_secret=pyotp.random_base32())]
            headers.update(staff=_credentials(db, admin[0], "/api/"),
                           service=_credentials(db, admin[0], "/api/internal/"))

        def get_call_kwargs(self, case):
            return {"headers": headers["service" if case.path.startswith("/api/internal/") else "staff"]}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=ALL_CHECKS, transport_kwargs=kwargs)

        def after_call(self, response, case):
            if case.path == "/api/auth/sign-out":  # a new session for the steps after it
                headers["staff"] = _credentials(db, admin[0], "/api/")

    # The declared links are its transitions: a hand-off's registration is read, and a dead letter removed.
    assert {"POST_api_internal_registrations___201_read__GET_api_registrations_registration_id_",
            "POST_api_internal_dead_letters___201_remove__DELETE_api_dead_letters_dead_letter_id_"} <= set(dir(Machine))
    Machine.run(settings=settings(max_examples=10, stateful_step_count=6, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck)))
