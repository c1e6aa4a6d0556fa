"""The OpenAPI page in a real browser: it renders the schema with no request leaving 127.0.0.1 and no CSP error."""
from __future__ import annotations

from tests.e2e.conftest_pages import backend, browser, ctx  # noqa: F401  (fixtures)


def test_docs_page_renders_the_schema_from_our_own_origin(backend, ctx):
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(backend.url + "/docs")
    page.locator(".opblock-summary-path[data-path='/api/chat']").first.wait_for(timeout=20_000)
    assert "Perspectief intake backend" in page.inner_text("body")
    assert any(url.endswith("/api/openapi.json") for url in ctx.requests)
    assert [url for url in ctx.requests if not url.startswith(backend.url + "/")] == []
    assert problems == []
