"""The OpenAPI schema documents the public interface; the docs page and its assets come from our origin.
In development both are open; elsewhere the page is gone and the schema is for signed-in admins only."""
from __future__ import annotations

import pyotp
import pytest
from fastapi.testclient import TestClient

from api.core.config import get_settings
from api.staff.service import create_user


@pytest.fixture
def client(engine, monkeypatch):
    from api.main import create_app

    monkeypatch.setenv("INTAKE_ENV", "development")
    get_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client


def _bearer(client, db, role: str) -> dict[str, str]:
    secret = pyotp.random_base32()
    create_user(db, f"{role}@example.org", "a long staff password 42", role, totp_secret=secret)
    r = client.post("/api/auth/token", data={"username": f"{role}@example.org", "password": "a long staff password 42",
                                              "otp": pyotp.TOTP(secret).now()})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.mark.parametrize("mode", ["test", "production"])
def test_outside_development_the_page_is_gone_and_the_schema_is_for_admins(engine, db, monkeypatch, mode):
    from api.main import create_app

    monkeypatch.setenv("INTAKE_ENV", mode)
    get_settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 404
        assert client.get("/api/openapi.json").status_code == 401
        assert client.get("/api/openapi.json", headers=_bearer(client, db, "intake")).status_code == 403
        r = client.get("/api/openapi.json", headers=_bearer(client, db, "admin"))
        assert r.status_code == 200 and "/api/chat" in r.json()["paths"]


def test_schema_lists_the_public_endpoints(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ("/api/chat", "/api/internal/registrations", "/api/auth/token", "/api/registrations"):
        assert path in paths, path
    assert "post" in paths["/api/chat"]
    # Pages are HTML for people, not API: they stay out of the schema.
    assert "/aanmelden" not in paths and "/docs" not in paths


def test_docs_page_uses_only_local_files_under_the_strict_policy(client):
    r = client.get("/docs")
    assert r.status_code == 200
    html = r.text
    assert "http://" not in html and "https://" not in html and "<script>" not in html
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "init.js"):
        assert f"/docs/assets/{asset}" in html
        served = client.get(f"/docs/assets/{asset}")
        assert served.status_code == 200 and served.content
    assert "validatorUrl: null" in client.get("/docs/assets/init.js").text


def test_only_the_listed_assets_are_served(client):
    for name in ("index.html", "swagger-initializer.js", "..%2Frouter.py", "swagger-ui.js.map"):
        assert client.get(f"/docs/assets/{name}").status_code == 404


def _operations(paths: dict):
    for path, item in paths.items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_error_has_the_one_error_body(client):
    spec = client.get("/api/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors"}
    for label, operation in _operations(spec["paths"]):
        statuses = set(operation["responses"])
        assert statuses, label
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (label, status)
        # Every route but the health check and the sign-in needs a token, so says 401; a route with a body says
        # what an unreadable, oversized or invalid one gets.
        if label not in ("GET /api/health", "POST /api/chat"):
            assert "401" in statuses, label
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= statuses, label


def test_ids_and_uuids_have_their_format_and_bounds(client):
    from api.core.ids import MAX_ID

    spec = client.get("/api/openapi.json").json()
    for label, operation in _operations(spec["paths"]):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"].get("anyOf", [parameter["schema"]])[0]
            if parameter["name"].endswith("_id"):
                assert (schema["type"], schema["minimum"], schema["maximum"]) == ("integer", 1, MAX_ID), label
            if parameter["name"] == "idempotency-key":
                assert schema["format"] == "uuid", label
    chat = spec["components"]["schemas"]["ChatIn"]["properties"]
    assert chat["sender"]["format"] == "uuid" and chat["sender"]["pattern"].startswith("^[0-9a-fA-F]{8}-")
    assert chat["message"]["maxLength"] == 2000 and chat["message"]["minLength"] == 1
    assignment = spec["components"]["schemas"]["Assignment"]["properties"]["mediator_id"]
    assert (assignment["minimum"], assignment["maximum"]) == (1, MAX_ID)


def test_closed_fields_are_described_with_the_contracts_lists():
    """The record's closed fields take their values from contract/registration.yml, in the description too."""
    from pydantic.json_schema import models_json_schema

    from api.registrations.schemas import HandOffIn, Outcome
    from contract import CHOICES, UNKNOWN

    _, described = models_json_schema([(HandOffIn, "validation"), (Outcome, "validation")])
    fields = described["$defs"]["HandOffIn"]["properties"]
    for field, values in CHOICES.items():
        assert fields[field]["enum"] == list(values), field
    used = described["$defs"]["Outcome"]["properties"]["contact_forms"]["items"]["enum"]
    assert used == sorted(set(CHOICES["contact_form"]) - {UNKNOWN})
