"""The hand-off endpoint: what the action server sees when it delivers a registration."""
from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from api.registrations.models import IdempotencyKey, Registration
from api.registrations.schemas import RegistrationIn
from api.registrations.service import create_registration
from tests.api.helpers import SERVICE_TOKEN, hand_off, record


def test_created_then_replayed_with_same_answer(client, db):
    body = record()
    key = str(uuid.uuid4())
    first = hand_off(client, body, key)
    assert first.status_code == 201
    assert first.json() == {"id": first.json()["id"], "reference": body["reference"], "status": "new"}
    again = hand_off(client, body, key)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert db.scalar(select(func.count()).select_from(Registration)) == 1


def test_same_key_with_different_data_is_refused(client, db):
    key = str(uuid.uuid4())
    body = record()
    assert hand_off(client, body, key).status_code == 201
    changed = hand_off(client, {**body, "region": "zeeland"}, key)
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()["detail"]
    assert db.scalar(select(Registration.region)) == "utrecht"


def test_equivalent_spelling_of_the_same_data_is_a_replay(client):
    key = str(uuid.uuid4())
    body = record(phone="06-12345678")
    first = hand_off(client, body, key)
    again = hand_off(client, {**body, "phone": "+31 6 1234 5678"}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_known_reference_with_a_new_key_is_a_conflict(client):
    body = record()
    assert hand_off(client, body).status_code == 201
    assert hand_off(client, {**body, "name": "Iemand anders"}).status_code == 409


def test_without_valid_service_token_401(client, db):
    assert hand_off(client, record(), token=None).status_code == 401
    assert hand_off(client, record(), token="wrong-token").status_code == 401
    # An unauthenticated caller learns nothing about the schema either.
    assert hand_off(client, {"phone": "x"}, token=None).status_code == 401
    assert db.scalar(select(func.count()).select_from(Registration)) == 0


def test_invalid_bodies_422_without_echoing_contact_values(client, db):
    cases = [
        record(phone="06-1234", email=...),
        record(phone=..., email="sanne@@voorbeeld"),
        record(phone=..., email=...),
        record(consent=False),
        record(on_behalf=True, client_consent=False),
        record(description="x" * 1001),
        record(name="n" * 101),
        record(referrer_organisation="o" * 201),
        record(region="atlantis"),
        record(reference="PH-0000-OOOO"),
        record(reference=...),
        record(consent_at="2026-11-23T20:15:00"),  # no time zone
        record(unexpected_field="x"),
    ]
    for body in cases:
        r = hand_off(client, body)
        assert r.status_code == 422, body
        assert r.json()["detail"], body
        for secret in ("06-1234", "sanne@@voorbeeld", "Sanne", "over mijn grens"):
            assert secret not in r.text
    assert db.scalar(select(func.count()).select_from(Registration)) == 0


def test_error_message_names_the_rule(client):
    r = hand_off(client, record(phone=..., email=...))
    assert "at least one of phone and email" in r.text
    r = hand_off(client, record(on_behalf=True, client_consent=False))
    assert "client_consent" in r.text
    r = hand_off(client, record(phone="06-1234", email=...))
    assert r.json()["errors"][0]["loc"] == ["body", "phone"]


def test_missing_idempotency_key_422(client):
    r = client.post("/api/internal/registrations", json=record(),
                    headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code == 422


def test_stored_values_are_normalised_and_cleaned(client, db):
    body = record(name=" San\x00ne\u200b ", email=" Sanne@Voorbeeld.NL ", phone="0031 6 1234 5678",
                  description="Regel een\r\nregel twee\x07", on_behalf=True, client_consent=True,
                  role="professional", referrer_organisation=" Slachtofferhulp  Utrecht ")
    r = hand_off(client, body)
    assert r.status_code == 201
    stored = db.get(Registration, r.json()["id"])
    assert (stored.name, stored.email, stored.phone) == ("Sanne", "Sanne@voorbeeld.nl", "+31612345678")
    assert stored.description == "Regel een\nregel twee"
    assert stored.referrer_organisation == "Slachtofferhulp Utrecht"
    assert stored.consent_at.isoformat() == "2026-11-23T20:15:00+00:00"


def test_unknown_is_the_default_answer(client, db):
    minimal = {"reference": record()["reference"], "source": "chat", "email": "a@voorbeeld.nl", "consent": True,
               "consent_at": "2026-11-23T21:00:00+01:00", "consent_version": "2026-11-v1"}
    r = hand_off(client, minimal)
    assert r.status_code == 201
    stored = db.get(Registration, r.json()["id"])
    assert (stored.role, stored.event_kind, stored.region, stored.call_time) == ("unknown",) * 4
    assert (stored.kind, stored.language, stored.status) == ("registration", "nl", "new")


def test_concurrent_identical_requests_store_one_row(engine, db):
    """Eight deliveries of one outbox item at the same moment: one registration, all get its id."""
    from api.core.db import make_session_factory

    data = RegistrationIn.model_validate(record())
    key = str(uuid.uuid4())
    barrier = threading.Barrier(8)
    results, errors = [], []
    factory = make_session_factory(engine)

    def deliver():
        with factory() as session:
            barrier.wait()
            try:
                result = create_registration(session, data, key)
                results.append((result.registration.id, result.created))
            except Exception as exc:  # surfaced below
                errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({rid for rid, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert db.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_web_form_path_generates_a_reference(db):
    data = RegistrationIn.model_validate(record(reference=..., source="webform"))
    result = create_registration(db, data)
    assert result.created
    assert result.registration.source == "webform"
    assert result.registration.reference.startswith("PH-")


def test_a_referrers_client_role_is_stored_and_defaults_to_unknown(client, db):
    """Who the client is in what happened (contract: client_role); every other registration has "unknown"."""
    r = hand_off(client, record(on_behalf=True, client_consent=True, role="professional", client_role="caused",
                                referrer_organisation="Reclassering"))
    assert r.status_code == 201
    assert db.get(Registration, r.json()["id"]).client_role == "caused"
    r = hand_off(client, record())  # a hand-off without the field (as an older action server sends it)
    assert db.get(Registration, r.json()["id"]).client_role == "unknown"
    r = hand_off(client, record(client_role="professional"))  # the referrer's own role is not a client's
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "client_role"]


def test_a_hand_off_stored_before_client_role_existed_is_still_a_replay(client, db):
    """A record sent without client_role and sent again after the upgrade (the outbox retries) is the same data."""
    key, body = str(uuid.uuid4()), record()
    first = hand_off(client, body, key)
    again = hand_off(client, {**body, "client_role": "unknown"}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert hand_off(client, {**body, "client_role": "witness"}, key).status_code == 422
