"""The OpenAPI schema documents the public interface; the docs page and its assets come from our origin."""
from __future__ import annotations


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
