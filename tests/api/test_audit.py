"""The audit log: every view, change, export and erase of a registration says who, what and when; admins read it
through GET /api/audit; it holds no contact details. The retention purge leaves the same stub as an erasure."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from api.core.db import utcnow
from api.registrations.models import Registration
from api.registrations.service import purge_closed
from tests.api.helpers import assign, hand_off, new_registration, raw_rows, record, status


def audit(client, headers, **params) -> list[dict]:
    r = client.get("/api/audit", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_every_access_is_recorded_with_who_and_what(client, desk):
    (admin_user, admin), (intake_user, intake), (mediator, own) = desk["admin"], desk["intake"], desk["mediator"]
    rid = new_registration(client)
    started = utcnow() - timedelta(seconds=5)
    client.get(f"/api/registrations/{rid}", headers=intake)
    status(client, intake, rid, "in_review")
    assign(client, intake, rid, mediator.id)
    client.get(f"/api/registrations/{rid}", headers=own)
    client.post(f"/api/registrations/{rid}/notes", json={"text": "Teruggebeld."}, headers=own)
    assert client.get(f"/api/registrations/{rid}/history", headers=own).status_code == 200  # holds the notes
    client.get(f"/api/registrations/{rid}/export", headers=intake)
    client.delete(f"/api/registrations/{rid}", headers=admin)

    entries = list(reversed(audit(client, admin, registration_id=rid)))  # oldest first
    assert [(e["action"], e["actor_id"], e["actor_role"]) for e in entries] == [
        ("view", intake_user.id, "intake"), ("status", intake_user.id, "intake"),
        ("assign", intake_user.id, "intake"), ("view", mediator.id, "mediator"),
        ("note", mediator.id, "mediator"), ("history", mediator.id, "mediator"), ("export", intake_user.id, "intake"),
        ("erase", admin_user.id, "admin"),
    ]
    assert entries[1]["detail"] == "new->in_review"
    assert entries[2]["detail"] == f"mediator {mediator.id}; in_review->assigned"
    assert all(e["reference"] and e["at"] for e in entries)
    from datetime import datetime

    assert all(datetime.fromisoformat(e["at"]) >= started for e in entries)


def test_a_refused_view_changes_nothing_in_the_log(client, desk):
    admin, own = desk["admin"][1], desk["mediator"][1]
    rid = new_registration(client)
    assert client.get(f"/api/registrations/{rid}", headers=own).status_code == 403
    assert audit(client, admin, registration_id=rid) == []


def test_the_log_is_filtered_paged_and_newest_first(client, desk):
    admin, intake = desk["admin"][1], desk["intake"][1]
    first, second = new_registration(client), new_registration(client)
    for rid in (first, second, first):
        client.get(f"/api/registrations/{rid}", headers=intake)
    status(client, intake, second, "in_review")
    everything = client.get("/api/audit", headers=admin).json()
    assert everything["total"] == 4
    assert [e["registration_id"] for e in everything["items"]] == [second, first, second, first]
    assert [e["action"] for e in audit(client, admin, action="status")] == ["status"]
    page = client.get("/api/audit", params={"page": 2, "page_size": 3}, headers=admin).json()
    assert (len(page["items"]), page["total"]) == (1, 4)
    assert client.get("/api/audit", params={"action": "delete"}, headers=admin).status_code == 422


def test_the_log_holds_no_contact_details_or_note_text(client, desk, engine):
    admin, intake = desk["admin"][1], desk["intake"][1]
    body = record(email="geheim.adres@voorbeeld.nl", name="Geheime-Naam")
    rid = hand_off(client, body).json()["id"]
    client.get(f"/api/registrations/{rid}", headers=intake)
    client.post(f"/api/registrations/{rid}/notes", json={"text": "Vertrouwelijke-notitie"}, headers=intake)
    status(client, intake, rid, "declined", "Geheime-reden")
    client.get(f"/api/registrations/{rid}/export", headers=intake)
    client.delete(f"/api/registrations/{rid}", headers=admin)
    stored = repr(raw_rows(engine, "audit_log"))
    for value in ("geheim.adres", "Geheime-Naam", "612345678", "Vertrouwelijke", "Geheime-reden", "grens"):
        assert value not in stored


def test_retention_purge_erases_old_closed_registrations_only(client, db, desk):
    admin, intake = desk["admin"][1], desk["intake"][1]
    old_closed, old_declined, recent_closed, open_old = (new_registration(client) for _ in range(4))
    status(client, intake, old_declined, "declined", "Geen bemiddeling mogelijk.")
    now = utcnow()
    db.execute(update(Registration).where(Registration.id.in_((old_closed, old_declined)))
               .values(status="closed", closed_at=now - timedelta(days=31)))
    db.execute(update(Registration).where(Registration.id == recent_closed)
               .values(status="closed", closed_at=now - timedelta(days=29)))
    db.execute(update(Registration).where(Registration.id == open_old).values(created_at=now - timedelta(days=400)))
    db.commit()

    result = purge_closed(db, retention_days=30, now=now)
    assert (result.erased, result.closed_kept, result.not_closed) == (2, 1, 1)
    for rid in (old_closed, old_declined):
        assert client.get(f"/api/registrations/{rid}", headers=admin).status_code == 404
        stub = audit(client, admin, registration_id=rid, action="erase")
        assert [(e["actor_id"], e["actor_role"], e["detail"]) for e in stub] == [(None, "system", "retention")]
    for rid in (recent_closed, open_old):
        assert client.get(f"/api/registrations/{rid}", headers=admin).status_code == 200
    # Running it again erases nothing more.
    assert purge_closed(db, retention_days=30, now=now).erased == 0
