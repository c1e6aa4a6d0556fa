"""The OpenAPI page in a real browser (development only): it renders the schema with no request leaving 127.0.0.1
and no CSP error."""
from __future__ import annotations

import pytest

from tests import stack
from tests.e2e.helpers import start_pages_backend


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    b = start_pages_backend(tmp_path_factory.mktemp("docs-backend"), f"http://127.0.0.1:{stack.free_port()}",
                            env={"INTAKE_ENV": "development"})
    yield b
    b.process.stop()


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
