"""Dead letters through the real app: the action server's report (service token, idempotent, no personal
data), the staff list (admin and intake only), the notice in the workspace inbox and its "afgehandeld" button
(admin only, CSRF, audited like the API's DELETE); the migration up and down."""
from __future__ import annotations

import uuid

import pytest

from tests.api.helpers import alembic, hand_off, raw_rows, record, report, signed_in, tables
from tests.api.pages import page_signed_in

NOTICE = "Deze aanmeldingen konden niet worden afgeleverd."
RESOLVED = "De niet-afgeleverde aanmelding is als afgehandeld gemarkeerd"


def resolve_path(dead_letter_id: int) -> str:
    return f"/staff/niet-afgeleverd/{dead_letter_id}/afgehandeld"


def bearer(client, db, role: str) -> dict[str, str]:
    return signed_in(client, db, role)[1]


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_report_needs_the_service_token(client, engine, token):
    assert report(client, token=token).status_code == 401
    assert raw_rows(engine, "dead_letters") == []


def test_staff_token_is_not_a_service_token(client, staff_headers, engine):
    r = client.post("/api/internal/dead-letters", headers=staff_headers,
                    json={"reference": "PH-ABCD-2345", "idempotency_key": "k", "reason": "rejected", "attempts": 1})
    assert r.status_code == 401 and raw_rows(engine, "dead_letters") == []


def test_report_is_idempotent_on_the_key_and_a_second_report_updates(client, engine):
    key = str(uuid.uuid4())
    first = report(client, idempotency_key=key, reason="failing", last_status=503, attempts=20)
    assert first.status_code == 201, first.text
    second = report(client, idempotency_key=key, reason="rejected", last_status=422, attempts=21)
    assert second.status_code == 200, second.text
    (row,) = raw_rows(engine, "dead_letters")
    assert (row["idempotency_key"], row["reason"], row["last_status"], row["attempts"]) == (key, "rejected", 422, 21)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["first_failed_at"] == first.json()["first_failed_at"]


@pytest.mark.parametrize("extra", [{"phone": "+31612345678"}, {"record": {"name": "Sanne"}}, {"reason": "other"},
                                   {"reference": "Sanne de Vries"}, {"attempts": -1}])
def test_report_refuses_anything_but_the_fields_it_needs(client, engine, extra):
    assert report(client, **extra).status_code == 422
    assert raw_rows(engine, "dead_letters") == []


def test_list_is_for_admin_and_intake_only(client, db):
    report(client, reference="PH-WXYZ-2345")
    assert client.get("/api/dead-letters").status_code == 401
    assert client.get("/api/dead-letters", headers=bearer(client, db, "mediator")).status_code == 403
    for role in ("admin", "intake"):
        r = client.get("/api/dead-letters", headers=bearer(client, db, role))
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 1 and r.json()["items"][0]["reference"] == "PH-WXYZ-2345"


def test_only_an_admin_removes_a_dead_letter(client, db, engine):
    dead_id = report(client).json()["id"]
    path = f"/api/dead-letters/{dead_id}"
    assert client.delete(path).status_code == 401
    for role in ("intake", "mediator"):
        assert client.delete(path, headers=bearer(client, db, role)).status_code == 403
    admin = bearer(client, db, "admin")
    assert client.delete(path, headers=admin).status_code == 204
    assert raw_rows(engine, "dead_letters") == []
    assert client.delete(path, headers=admin).status_code == 404
    (entry,) = client.get("/api/audit", params={"action": "dead_letter"}, headers=admin).json()["items"]
    assert (entry["reference"], entry["registration_id"], entry["actor_role"]) == ("PH-ABCD-2345", None, "admin")


def test_a_failing_hand_off_that_was_delivered_later_is_no_longer_listed(client, staff_headers):
    key, body = str(uuid.uuid4()), record()
    report(client, idempotency_key=key, reference=body["reference"], reason="failing", last_status=500, attempts=20)
    assert client.get("/api/dead-letters", headers=staff_headers).json()["total"] == 1
    assert hand_off(client, body, key=key).status_code == 201
    assert client.get("/api/dead-letters", headers=staff_headers).json()["total"] == 0


def test_inbox_shows_the_notice_to_admin_and_intake_but_not_to_mediators(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    assert NOTICE not in desk.get("/staff").text  # nothing stuck: no notice
    report(client, reference="PH-WXYZ-2345", reason="rejected", last_status=422)
    report(client, reference="PH-MNPQ-6789", reason="failing", last_status=503, attempts=20)
    for role in ("intake", "admin"):
        desk, _ = page_signed_in(client, db, role)
        page = desk.get("/staff")
        assert page.status_code == 200
        assert NOTICE in page.text and 'role="alert"' in page.text and 'id="dead-letters-title"' in page.text
        assert "PH-WXYZ-2345" in page.text and "PH-MNPQ-6789" in page.text
        assert "<script" not in page.text and "style=" not in page.text  # the strict CSP holds
    mediator, _ = page_signed_in(client, db, "mediator")
    page = mediator.get("/staff")
    assert page.status_code == 200 and NOTICE not in page.text and "PH-WXYZ-2345" not in page.text


def test_admin_marks_a_dead_letter_resolved_in_the_inbox(client, db, engine):
    dead_id = report(client, reference="PH-WXYZ-2345").json()["id"]
    keep_id = report(client, reference="PH-MNPQ-6789").json()["id"]
    admin, admin_user = page_signed_in(client, db, "admin")
    page = admin.get("/staff").text
    assert f'<form method="post" action="{resolve_path(dead_id)}"' in page
    # A real button whose name says which item it clears.
    assert 'Markeer als afgehandeld<span class="visually-hidden"> (PH-WXYZ-2345)</span></button>' in page
    r = admin.post(resolve_path(dead_id), follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/staff?melding=dead_letter_resolved")
    inbox = admin.get(r.headers["location"]).text
    assert RESOLVED in inbox and "PH-WXYZ-2345" not in inbox and "PH-MNPQ-6789" in inbox
    assert [row["id"] for row in raw_rows(engine, "dead_letters")] == [keep_id]
    (entry,) = [e for e in raw_rows(engine, "audit_log") if e["action"] == "dead_letter"]
    assert (entry["actor_id"], entry["reference"], entry["registration_id"]) == (admin_user.id, "PH-WXYZ-2345", None)
    log_page = admin.get("/staff/beheer/audit").text
    assert "Niet afgeleverd: afgehandeld" in log_page and "PH-WXYZ-2345" in log_page and admin_user.email in log_page
    gone = admin.post(resolve_path(dead_id))
    assert gone.status_code == 404 and "Deze melding bestaat niet (meer)." in gone.text


def test_only_an_admin_marks_a_dead_letter_resolved(client, db, engine):
    dead_id = report(client).json()["id"]
    assert client.post(resolve_path(dead_id), follow_redirects=False).headers["location"] == "/staff/aanmelden"
    for role in ("intake", "mediator"):
        desk, _ = page_signed_in(client, db, role)
        assert "Markeer als afgehandeld" not in desk.get("/staff").text
        r = desk.post(resolve_path(dead_id))
        assert r.status_code == 403 and "Alleen een beheerder" in r.text, role
    assert len(raw_rows(engine, "dead_letters")) == 1 and raw_rows(engine, "audit_log") == []


def test_marking_resolved_needs_the_csrf_token(client, db, engine):
    dead_id = report(client).json()["id"]
    admin, _ = page_signed_in(client, db, "admin")
    admin.get("/staff")
    assert admin.post(resolve_path(dead_id), csrf=False).status_code == 403
    assert admin.post(resolve_path(dead_id), {"csrf_token": "1.abc"}, csrf=False).status_code == 403
    assert len(raw_rows(engine, "dead_letters")) == 1 and raw_rows(engine, "audit_log") == []


def test_migration_0003_up_and_down(fresh_db):
    url = fresh_db.new()
    assert alembic(url, "upgrade", "0002").returncode == 0
    assert "dead_letters" not in tables(url)
    assert alembic(url, "upgrade", "head").returncode == 0
    assert "dead_letters" in tables(url)
    down = alembic(url, "downgrade", "0002")
    assert down.returncode == 0, down.stderr
    assert "dead_letters" not in tables(url) and "registrations" in tables(url)
    assert alembic(url, "upgrade", "head").returncode == 0
