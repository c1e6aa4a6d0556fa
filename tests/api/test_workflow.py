"""The staff API for working registrations: who may do what, the status workflow, assignment, notes, history,
export and erasure. Every role is a real account signed in with password and TOTP."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.registrations.models import IdempotencyKey, Registration, RegistrationEvent
from api.staff.service import create_user
from tests.api.helpers import PASSWORD, assign, new_registration, raw_rows, status

# --- who may do what ------------------------------------------------------------------------------

WORK_ENDPOINTS = [
    ("get", "/api/registrations", None), ("get", "/api/registrations/counts", None),
    ("get", "/api/registrations/{rid}", None), ("get", "/api/registrations/{rid}/history", None),
    ("get", "/api/registrations/{rid}/mediators", None), ("get", "/api/registrations/{rid}/export", None),
    ("post", "/api/registrations/{rid}/status", {"status": "in_review"}),
    ("post", "/api/registrations/{rid}/assign", {"mediator_id": 1}),
    ("post", "/api/registrations/{rid}/notes", {"text": "x"}), ("delete", "/api/registrations/{rid}", None),
    ("get", "/api/audit", None),
]


@pytest.mark.parametrize("method,path,body", WORK_ENDPOINTS)
def test_no_token_is_401(client, method, path, body):
    rid = new_registration(client)
    kwargs = {"json": body} if body is not None else {}
    r = client.request(method, path.format(rid=rid), **kwargs)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_account_without_totp_must_enrol_first(client, db):
    create_user(db, "nieuw@example.org", PASSWORD, "intake")
    r = client.post("/api/auth/token", data={"username": "nieuw@example.org", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    refused = client.get("/api/registrations", headers=headers)
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]


def test_mediator_sees_only_what_is_assigned_to_them(client, desk):
    (_, intake), (mediator, own), (other, _) = desk["intake"], desk["mediator"], desk["other_mediator"]
    mine, theirs, unassigned = new_registration(client), new_registration(client), new_registration(client)
    assert assign(client, intake, mine, mediator.id).status_code == 200
    assert assign(client, intake, theirs, other.id).status_code == 200

    listing = client.get("/api/registrations", headers=own).json()
    assert [i["id"] for i in listing["items"]] == [mine] and listing["total"] == 1
    assert client.get("/api/registrations/counts", headers=own).json()["total"] == 1
    assert client.get(f"/api/registrations/{mine}", headers=own).status_code == 200
    for rid in (theirs, unassigned):
        for path in ("", "/history"):
            r = client.get(f"/api/registrations/{rid}{path}", headers=own)
            assert r.status_code == 403, path
        assert status(client, own, rid, "in_review").status_code == 403
        assert client.post(f"/api/registrations/{rid}/notes", json={"text": "x"}, headers=own).status_code == 403
    # Intake staff see everything.
    assert client.get("/api/registrations", headers=intake).json()["total"] == 3


def test_mediator_may_not_assign_export_or_erase(client, desk):
    (_, intake), (mediator, own) = desk["intake"], desk["mediator"]
    rid = new_registration(client)
    assign(client, intake, rid, mediator.id)
    assert assign(client, own, rid, mediator.id).status_code == 403
    assert client.get(f"/api/registrations/{rid}/mediators", headers=own).status_code == 403
    assert client.get(f"/api/registrations/{rid}/export", headers=own).status_code == 403
    assert client.delete(f"/api/registrations/{rid}", headers=own).status_code == 403
    assert client.get("/api/audit", headers=own).status_code == 403


def test_only_admin_erases_and_reads_the_audit_log(client, desk):
    (_, intake), (_, admin) = desk["intake"], desk["admin"]
    rid = new_registration(client)
    assert client.delete(f"/api/registrations/{rid}", headers=intake).status_code == 403
    assert client.get("/api/audit", headers=intake).status_code == 403
    assert client.get("/api/audit", headers=admin).status_code == 200
    assert client.delete(f"/api/registrations/{rid}", headers=admin).status_code == 204


# --- the status workflow --------------------------------------------------------------------------

def test_the_whole_way_from_new_to_closed(client, desk):
    (_, intake), (mediator, own) = desk["intake"], desk["mediator"]
    rid = new_registration(client)
    assert status(client, intake, rid, "in_review").json()["status"] == "in_review"
    assigned = assign(client, intake, rid, mediator.id).json()
    assert (assigned["status"], assigned["assigned_to_id"]) == ("assigned", mediator.id)
    # From here the mediator works it.
    assert status(client, own, rid, "contacted").json()["status"] == "contacted"
    assert status(client, own, rid, "intake_planned").json()["status"] == "intake_planned"
    closed = status(client, own, rid, "closed").json()
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    steps = [(e["kind"], e["from_status"], e["to_status"])
             for e in client.get(f"/api/registrations/{rid}/history", headers=intake).json()]
    assert steps == [("status", "new", "in_review"), ("assign", "in_review", "assigned"),
                     ("status", "assigned", "contacted"), ("status", "contacted", "intake_planned"),
                     ("status", "intake_planned", "closed")]
    # A closed registration stays closed.
    assert status(client, intake, rid, "in_review").status_code == 409
    assert assign(client, intake, rid, mediator.id).status_code == 409


@pytest.mark.parametrize("to", ["contacted", "intake_planned", "closed", "assigned", "new"])
def test_steps_cannot_be_skipped(client, desk, to):
    rid = new_registration(client)
    r = status(client, desk["intake"][1], rid, to)
    assert r.status_code == 409
    assert client.get(f"/api/registrations/{rid}", headers=desk["intake"][1]).json()["status"] == "new"


def test_declining_needs_a_reason_from_the_list_and_keeps_staff_words_encrypted(client, desk, engine):
    intake = desk["intake"][1]
    rid = new_registration(client)
    assert status(client, intake, rid, "declined", outcome=None).status_code == 409
    assert status(client, intake, rid, "declined", "Buiten ons werkgebied", outcome={}).status_code == 409
    assert status(client, intake, rid, "declined", outcome={"decline_category": "vervelend"}).status_code == 422
    assert status(client, intake, rid, "declined", "   ").status_code == 422  # blank words are refused
    declined = status(client, intake, rid, "declined", "Valt buiten ons werkgebied.").json()
    assert declined["status"] == "declined" and declined["decline_reason"] == "Valt buiten ons werkgebied."
    assert declined["outcome"] == {"initiative": None, "contact_made": None, "contact_forms": [],
                                   "decline_category": "out_of_scope"}
    assert declined["closed_at"] is not None
    row = next(r for r in raw_rows(engine, "registrations") if r["id"] == rid)
    assert "werkgebied" not in row["decline_reason"]
    event = client.get(f"/api/registrations/{rid}/history", headers=intake).json()[-1]
    assert (event["to_status"], event["text"]) == ("declined", "Valt buiten ons werkgebied.")


def test_unknown_status_is_422(client, desk):
    rid = new_registration(client)
    assert status(client, desk["intake"][1], rid, "gesloten").status_code == 422


def test_handing_back_for_review_unassigns(client, desk):
    (_, intake), (mediator, own) = desk["intake"], desk["mediator"]
    rid = new_registration(client)
    assign(client, intake, rid, mediator.id)
    back = status(client, own, rid, "in_review").json()
    assert (back["status"], back["assigned_to_id"]) == ("in_review", None)
    assert client.get(f"/api/registrations/{rid}", headers=own).status_code == 403


# --- assignment ------------------------------------------------------------------------------------

def test_mediators_of_the_region_are_suggested_first(client, desk):
    (_, intake), (utrecht, _), (limburg, _) = desk["intake"], desk["mediator"], desk["other_mediator"]
    in_limburg = new_registration(client, region="limburg")
    suggestions = client.get(f"/api/registrations/{in_limburg}/mediators", headers=intake).json()
    assert [(s["id"], s["suggested"]) for s in suggestions] == [(limburg.id, True), (utrecht.id, False)]
    assert suggestions[0]["region"] == "limburg"


def test_only_active_mediators_can_be_assigned(client, db, desk):
    (admin, _), (intake_user, intake) = desk["admin"], desk["intake"]
    mediator = desk["mediator"][0]
    rid = new_registration(client)
    assert assign(client, intake, rid, intake_user.id).status_code == 409
    assert assign(client, intake, rid, 999_999).status_code == 409
    from api.staff.service import update_user

    update_user(db, admin, db.get(type(mediator), mediator.id), active=False)
    assert assign(client, intake, rid, mediator.id).status_code == 409
    ids = [s["id"] for s in client.get(f"/api/registrations/{rid}/mediators", headers=intake).json()]
    assert mediator.id not in ids


def test_reassigning_moves_the_registration(client, desk):
    (_, intake), (first, first_h), (second, second_h) = desk["intake"], desk["mediator"], desk["other_mediator"]
    rid = new_registration(client)
    assign(client, intake, rid, first.id)
    status(client, first_h, rid, "contacted")
    moved = assign(client, intake, rid, second.id).json()
    assert (moved["assigned_to_id"], moved["status"]) == (second.id, "contacted")
    assert client.get(f"/api/registrations/{rid}", headers=first_h).status_code == 403
    assert client.get(f"/api/registrations/{rid}", headers=second_h).status_code == 200


# --- notes and history -----------------------------------------------------------------------------

def test_notes_are_kept_encrypted_in_the_history(client, desk, engine):
    (intake_user, intake), (mediator, own) = desk["intake"], desk["mediator"]
    rid = new_registration(client)
    r = client.post(f"/api/registrations/{rid}/notes", json={"text": "Belt liever na 19 uur terug."}, headers=intake)
    assert r.status_code == 201
    assert (r.json()["kind"], r.json()["actor_id"]) == ("note", intake_user.id)
    assign(client, intake, rid, mediator.id)
    assert client.post(f"/api/registrations/{rid}/notes", json={"text": "Gebeld, voicemail."},
                       headers=own).status_code == 201
    notes = [e["text"] for e in client.get(f"/api/registrations/{rid}/history", headers=own).json()
             if e["kind"] == "note"]
    assert notes == ["Belt liever na 19 uur terug.", "Gebeld, voicemail."]
    stored = " ".join(str(r["text"]) for r in raw_rows(engine, "registration_events"))
    assert "voicemail" not in stored and "19 uur" not in stored


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_long_notes_are_refused(client, desk, text):
    rid = new_registration(client)
    r = client.post(f"/api/registrations/{rid}/notes", json={"text": text}, headers=desk["intake"][1])
    assert r.status_code == 422


# --- filters and counts ----------------------------------------------------------------------------

def test_inbox_filters_and_counts(client, desk):
    intake = desk["intake"][1]
    callback = new_registration(client, kind="callback", region="limburg", event_kind="violence")
    plain = new_registration(client)
    status(client, intake, plain, "in_review")
    reference = client.get(f"/api/registrations/{callback}", headers=intake).json()["reference"]

    def ids(**params):
        return [i["id"] for i in client.get("/api/registrations", params=params, headers=intake).json()["items"]]

    assert ids(status="in_review") == [plain]
    assert ids(kind="callback") == [callback]
    assert ids(region="limburg") == [callback]
    assert ids(event_kind="violence") == [callback]
    assert ids(reference=reference[-4:].lower()) == [callback]
    assert ids(min_age_days=1) == [] and set(ids(max_age_days=0)) == {callback, plain}
    counts = client.get("/api/registrations/counts", headers=intake).json()
    assert counts["total"] == 2 and counts["counts"]["new"] == 1 and counts["counts"]["in_review"] == 1
    assert client.get("/api/registrations", params={"status": "open"}, headers=intake).status_code == 422


# --- export and erasure ----------------------------------------------------------------------------

def test_export_is_everything_about_one_registration(client, desk):
    intake = desk["intake"][1]
    rid = new_registration(client, email="sanne@voorbeeld.nl")
    client.post(f"/api/registrations/{rid}/notes", json={"text": "Eerste notitie."}, headers=intake)
    r = client.get(f"/api/registrations/{rid}/export", headers=intake)
    assert r.status_code == 200
    body = r.json()
    assert body["registration"]["id"] == rid and body["registration"]["email"] == "sanne@voorbeeld.nl"
    assert body["registration"]["phone"] == "+31612345678"
    assert [e["text"] for e in body["history"]] == ["Eerste notitie."]
    assert f'{body["registration"]["reference"]}.json' in r.headers["Content-Disposition"]


def test_erasure_removes_personal_data_and_keeps_an_audit_stub(client, db, desk, engine):
    admin_user, admin = desk["admin"]
    rid = new_registration(client)
    reference = client.get(f"/api/registrations/{rid}", headers=admin).json()["reference"]
    client.post(f"/api/registrations/{rid}/notes", json={"text": "Notitie."}, headers=admin)
    assert client.delete(f"/api/registrations/{rid}", headers=admin).status_code == 204

    assert client.get(f"/api/registrations/{rid}", headers=admin).status_code == 404
    assert client.delete(f"/api/registrations/{rid}", headers=admin).status_code == 404
    db.expire_all()
    assert db.get(Registration, rid) is None
    assert db.scalars(select(RegistrationEvent).where(RegistrationEvent.registration_id == rid)).all() == []
    assert db.scalars(select(IdempotencyKey).where(IdempotencyKey.registration_id == rid)).all() == []
    stub = client.get("/api/audit", params={"registration_id": rid, "action": "erase"}, headers=admin).json()
    assert stub["total"] == 1
    entry = stub["items"][0]
    assert (entry["actor_id"], entry["actor_role"], entry["reference"], entry["detail"]) == \
        (admin_user.id, "admin", reference, "request")


# --- the reminder of untouched registrations ------------------------------------------------------

def test_reminder_counts_working_days_only():
    from datetime import datetime, timezone

    from api.registrations.service import reminder_cutoff

    monday = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    assert reminder_cutoff(monday) == datetime(2026, 11, 19, 10, 0, tzinfo=timezone.utc)  # Thursday
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    assert reminder_cutoff(wednesday) == datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)  # Monday


def test_new_registrations_untouched_for_two_working_days_are_marked(client, db, desk):
    from datetime import timedelta

    from sqlalchemy import update

    from api.core.db import utcnow

    intake = desk["intake"][1]
    old_new, old_in_review, fresh = new_registration(client), new_registration(client), new_registration(client)
    status(client, intake, old_in_review, "in_review")
    db.execute(update(Registration).where(Registration.id.in_((old_new, old_in_review)))
               .values(created_at=utcnow() - timedelta(days=5)))
    db.commit()
    items = {i["id"]: i["untouched"] for i in client.get("/api/registrations", headers=intake).json()["items"]}
    assert items == {old_new: True, old_in_review: False, fresh: False}
    assert client.get("/api/registrations/counts", headers=intake).json()["untouched"] == 1
    only = client.get("/api/registrations", params={"untouched": "true"}, headers=intake).json()
    assert [i["id"] for i in only["items"]] == [old_new]
