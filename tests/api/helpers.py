"""Helpers shared by the backend tests: a valid hand-off body, a hand-off call, raw rows."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from fastapi.testclient import TestClient
from sqlalchemy import text

from api.registrations.service import generate_reference
from tests import stack

SERVICE_TOKEN = stack.TEST_ENV["INTAKE_SERVICE_TOKEN"]


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
