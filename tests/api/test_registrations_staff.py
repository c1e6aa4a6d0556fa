"""Staff views of registrations: token required, newest first, pages, decrypted detail."""
from __future__ import annotations

from tests.api.helpers import SERVICE_TOKEN, hand_off, record


def test_list_and_detail_need_a_staff_token(client):
    rid = hand_off(client, record()).json()["id"]
    for path in ("/api/registrations", f"/api/registrations/{rid}"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer not-a-session"}).status_code == 401
        # The service token is for the hand-off only.
        service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        assert client.get(path, headers=service).status_code == 401


def test_newest_first_in_pages(client, staff_headers):
    references = [hand_off(client, record()).json()["reference"] for _ in range(5)]
    newest_first = list(reversed(references))
    seen = []
    for page in (1, 2, 3):
        r = client.get("/api/registrations", params={"page": page, "page_size": 2}, headers=staff_headers)
        assert r.status_code == 200
        body = r.json()
        assert (body["total"], body["page"], body["page_size"]) == (5, page, 2)
        seen += [item["reference"] for item in body["items"]]
    assert seen == newest_first
    beyond = client.get("/api/registrations", params={"page": 4, "page_size": 2}, headers=staff_headers)
    assert beyond.json()["items"] == []


def test_list_rows_leave_out_contact_details(client, staff_headers):
    hand_off(client, record())
    item = client.get("/api/registrations", headers=staff_headers).json()["items"][0]
    assert not {"phone", "email", "name", "description"} & set(item)
    assert item["status"] == "new"


def test_page_size_bounds(client, staff_headers):
    for params in ({"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "een"}):
        assert client.get("/api/registrations", params=params, headers=staff_headers).status_code == 422


def test_detail_has_decrypted_contact_details(client, staff_headers):
    body = record(email="Sanne@Voorbeeld.nl")
    rid = hand_off(client, body).json()["id"]
    r = client.get(f"/api/registrations/{rid}", headers=staff_headers)
    assert r.status_code == 200
    detail = r.json()
    assert (detail["phone"], detail["email"], detail["name"]) == ("+31612345678", "Sanne@voorbeeld.nl", "Sanne")
    assert detail["description"] == body["description"]
    assert detail["reference"] == body["reference"]
    assert detail["consent_version"] == "2026-11-v1"


def test_missing_registration_404(client, staff_headers):
    assert client.get("/api/registrations/999999", headers=staff_headers).status_code == 404
    assert client.get("/api/registrations/abc", headers=staff_headers).status_code == 422
