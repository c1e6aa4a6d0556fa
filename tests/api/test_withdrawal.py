"""The registrant's withdrawal (POST /api/internal/registrations/{reference}/withdrawal): what the action server
sees, what the history and audit log keep, and what staff see."""
from __future__ import annotations

import logging

from sqlalchemy import select

from api.audit.models import AuditEntry
from api.registrations.models import Registration
from api.statistics.models import CourseCount
from tests.api.helpers import SERVICE_TOKEN, assign, hand_off, record, status
from tests.api.pages import page_signed_in

PATH = "/api/internal/registrations/{}/withdrawal"


def withdraw(client, reference: str, token: str | None = SERVICE_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(PATH.format(reference), headers=headers)


def handed_off(client, **overrides) -> tuple[int, str]:
    r = hand_off(client, record(**overrides))
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["reference"]


def test_withdrawn_with_history_and_audit_as_the_registrant_in_the_chat(client, db, desk, caplog):
    rid, reference = handed_off(client)
    with caplog.at_level(logging.DEBUG):
        r = withdraw(client, reference)
    assert r.status_code == 200
    assert r.json() == {"reference": reference, "status": "withdrawn"}
    registration = db.get(Registration, rid)
    db.refresh(registration)
    assert registration.status == "withdrawn" and registration.closed_at is not None
    assert registration.outcome is None  # no outcome: staff did not close it

    _, headers = desk["intake"]
    (event,) = client.get(f"/api/registrations/{rid}/history", headers=headers).json()
    assert (event["kind"], event["actor_id"], event["from_status"], event["to_status"], event["text"]) == (
        "withdrawal", None, "new", "withdrawn", None)
    (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "withdraw")).all()
    assert (entry.registration_id, entry.reference, entry.actor_id, entry.actor_role) == (rid, reference, None,
                                                                                          "system")
    assert entry.detail == "registrant via chat; new->withdrawn"
    # Never a contact detail in a log line.
    for secret in ("Sanne", "12345678", "trainer"):
        assert secret not in caplog.text


def test_withdrawing_again_is_fine_and_changes_nothing(client, db, desk):
    rid, reference = handed_off(client)
    first, again = withdraw(client, reference), withdraw(client, reference)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    _, headers = desk["intake"]
    assert len(client.get(f"/api/registrations/{rid}/history", headers=headers).json()) == 1
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "withdraw")).all()) == 1


def test_unknown_reference_404_and_a_malformed_one_422(client):
    assert withdraw(client, "PH-ABCD-2345").status_code == 404
    assert withdraw(client, "PH-abcd-2345").status_code == 422
    assert withdraw(client, "nonsense").status_code == 422


def test_without_valid_service_token_401_and_nothing_changes(client, db):
    rid, reference = handed_off(client)
    assert withdraw(client, reference, token=None).status_code == 401
    assert withdraw(client, reference, token="wrong-token").status_code == 401
    assert db.get(Registration, rid).status == "new"


def test_closed_or_declined_registrations_cannot_be_withdrawn(client, db, desk):
    _, headers = desk["intake"]
    for final in ("declined", "closed"):
        rid, reference = handed_off(client)
        if final == "closed":  # new -> in review -> assigned -> contacted -> closed
            assert status(client, headers, rid, "in_review").status_code == 200
            assert assign(client, headers, rid, desk["mediator"][0].id).status_code == 200
            assert status(client, headers, rid, "contacted").status_code == 200
        assert status(client, headers, rid, final).status_code == 200
        r = withdraw(client, reference)
        assert r.status_code == 409, final
        assert db.get(Registration, rid).status == final


def test_an_assigned_registration_can_be_withdrawn_and_its_mediator_still_sees_it(client, db, desk):
    _, headers = desk["intake"]
    mediator, mediator_headers = desk["mediator"]
    rid, reference = handed_off(client)
    assert assign(client, headers, rid, mediator.id).status_code == 200
    assert withdraw(client, reference).status_code == 200
    seen = client.get(f"/api/registrations/{rid}", headers=mediator_headers).json()
    assert seen["status"] == "withdrawn" and seen["outcome"] is None


def test_staff_cannot_withdraw_nor_move_a_withdrawn_registration(client, desk):
    _, headers = desk["intake"]
    rid, reference = handed_off(client)
    assert status(client, headers, rid, "withdrawn").status_code == 409
    assert withdraw(client, reference).status_code == 200
    for to in ("in_review", "declined", "closed"):
        assert status(client, headers, rid, to).status_code == 409, to
    outcome = {"initiative": "caused", "contact_made": False, "contact_forms": []}
    assert client.put(f"/api/registrations/{rid}/outcome", json=outcome, headers=headers).status_code == 409


def test_counted_by_status_and_in_the_statistics(client, db, desk):
    _, headers = desk["intake"]
    _, reference = handed_off(client)
    handed_off(client)
    withdraw(client, reference)
    counts = client.get("/api/registrations/counts", headers=headers).json()
    assert counts["counts"]["withdrawn"] == 1 and counts["counts"]["new"] == 1 and counts["total"] == 2
    listed = client.get("/api/registrations", params={"status": "withdrawn"}, headers=headers).json()
    assert [item["reference"] for item in listed["items"]] == [reference]
    assert [row.outcome for row in db.scalars(select(CourseCount))] == ["withdrawn"]


def test_staff_see_ingetrokken_door_aanmelder_in_the_inbox_and_on_the_page(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    rid, reference = handed_off(client)
    withdraw(client, reference)
    inbox = desk.get("/staff").text
    assert "Ingetrokken door aanmelder" in inbox
    only = desk.get("/staff", params={"status": "withdrawn"}).text
    assert reference in only
    page = desk.get(f"/staff/aanmeldingen/{rid}").text
    assert page.count("Ingetrokken door aanmelder") >= 2  # the status, and the history line
    assert "de aanmelder, in de chat" in page


def test_erased_after_the_retention_period_like_a_closed_one_and_counted_once(client, db):
    from datetime import timedelta

    from api.core.db import utcnow
    from api.registrations.service import purge_closed

    rid, reference = handed_off(client)
    withdraw(client, reference)
    assert purge_closed(db, retention_days=30).erased == 0
    result = purge_closed(db, retention_days=30, now=utcnow() + timedelta(days=31))
    assert result.erased == 1 and db.get(Registration, rid) is None
    assert [(row.outcome, row.count) for row in db.scalars(select(CourseCount))] == [("withdrawn", 1)]
