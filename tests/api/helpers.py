"""Helpers shared by the backend tests: a valid hand-off body and its call, staff accounts signed in through the
API, the status workflow's calls, dead-letter reports, raw rows, the command line and Alembic, a mail inbox."""
from __future__ import annotations

import itertools
import os
import subprocess
import uuid
from datetime import datetime, timezone
from email import message_from_bytes, policy

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from api.registrations.service import generate_reference
from api.staff.models import StaffUser
from api.staff.service import create_user
from tests import stack

SERVICE_TOKEN = stack.TEST_ENV["INTAKE_SERVICE_TOKEN"]
PASSWORD = "a long staff password 42"
DESK = "aanmeldpunt@example.org"
PUBLIC_URL = "https://intake.example.org"
_numbers = itertools.count()


def record(**overrides) -> dict:
    """A valid hand-off body as the action server sends it; an override of `...` leaves the field out."""
    body = {
        "reference": generate_reference(), "kind": "registration", "source": "chat", "role": "affected",
        "on_behalf": False, "client_consent": False, "event_kind": "sexual_boundary", "setting": "sport_club",
        "when_happened": "over_5_years", "other_party_known": "yes", "procedures": "none",
        "contact_form": "letters", "description": "Mijn trainer ging jaren geleden over mijn grens.",
        "name": "Sanne", "phone": "06-12345678", "voicemail_ok": "no", "call_time": "evening",
        "region": "utrecht", "language": "nl", "consent": True,
        "consent_at": datetime(2026, 11, 23, 20, 15, tzinfo=timezone.utc).isoformat(),
        "consent_version": "2026-11-v1",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def hand_off(client: TestClient, body: dict, key: str | None = None, token: str | None = SERVICE_TOKEN):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/internal/registrations", json=body, headers=headers)


def raw_rows(engine, table: str) -> list[dict]:
    """Rows as the database holds them, bypassing the ORM's decryption."""
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table}"))]


def new_registration(client: TestClient, **overrides) -> int:
    r = hand_off(client, record(**overrides))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def account(db, role: str, region: str | None = None, enrolled: bool = True) -> tuple[StaffUser, str | None]:
    """A new staff account of `role` (enrolled in TOTP unless said otherwise); returns (user, TOTP secret)."""
    secret = pyotp.random_base32() if enrolled else None
    user = create_user(db, f"{role}{next(_numbers)}@example.org", PASSWORD, role, totp_secret=secret, region=region)
    return user, secret


def signed_in(client: TestClient, db, role: str, region: str | None = None) -> tuple[StaffUser, dict[str, str]]:
    """A new enrolled account of `role`, signed in through the API; returns (user, headers)."""
    user, secret = account(db, role, region)
    r = client.post("/api/auth/token", data={"username": user.email, "password": PASSWORD,
                                              "otp": pyotp.TOTP(secret).now()})
    assert r.status_code == 200, r.text
    return user, {"Authorization": f"Bearer {r.json()['access_token']}"}


# The outcome closing needs (workflow.check_outcome); `status` sends it for "closed" and "declined" by default.
TAKEN_ON = {"initiative": "caused", "contact_made": True, "contact_forms": ["letters", "conversation"]}
DECLINED = {"decline_category": "out_of_scope"}


def status(client: TestClient, headers, rid, to, reason=None, outcome=...):
    if outcome is ...:
        outcome = {"closed": TAKEN_ON, "declined": DECLINED}.get(to)
    body = {"status": to} | ({"reason": reason} if reason is not None else {}) | (
        {"outcome": outcome} if outcome is not None else {})
    return client.post(f"/api/registrations/{rid}/status", json=body, headers=headers)


def assign(client: TestClient, headers, rid, mediator_id):
    return client.post(f"/api/registrations/{rid}/assign", json={"mediator_id": mediator_id}, headers=headers)


def report(client: TestClient, token: str | None = SERVICE_TOKEN, **overrides):
    """The action server's report of a dead letter."""
    body = {"reference": "PH-ABCD-2345", "idempotency_key": str(uuid.uuid4()), "reason": "rejected",
            "last_status": 422, "attempts": 1, **overrides}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/internal/dead-letters", json=body, headers=headers)


def cli(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m api.cli` in a process of its own."""
    return subprocess.run([str(stack.API_BIN / "python"), "-m", "api.cli", *args], cwd=stack.ROOT,
                          env={**os.environ, **(env or {})}, input=stdin, capture_output=True, text=True, timeout=60)


def alembic(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **stack.TEST_ENV, "DATABASE_URL": url}
    env.pop("PYTHONPATH")  # the ini file finds the package on its own
    return subprocess.run([str(stack.API_BIN / "alembic"), "-c", "api/alembic.ini", *args], cwd=stack.ROOT,
                          env=env, capture_output=True, text=True)


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address: str):
        return [m for rcpt, m in self.messages if address in rcpt]
