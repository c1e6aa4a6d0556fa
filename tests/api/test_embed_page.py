"""/chat/embed: the chat alone for another site's <iframe>, the one page INTAKE_FRAME_ANCESTORS opens up."""
from __future__ import annotations

import pytest

from api.core.config import get_settings

HOST = "https://www.sportclub.example"


@pytest.fixture
def embedding_client(env, monkeypatch, engine):
    monkeypatch.setenv("INTAKE_FRAME_ANCESTORS", HOST)
    get_settings.cache_clear()
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/chat/embed", "/en/chat/embed"])
def test_only_the_embed_page_may_be_framed_by_the_configured_site(embedding_client, path):
    r = embedding_client.get(path)
    assert r.status_code == 200
    assert f"frame-ancestors {HOST}" in r.headers["content-security-policy"]
    assert "x-frame-options" not in r.headers
    assert r.headers["cache-control"] == "no-store"
    for other in ("/", "/en", "/aanmelden", "/api/health", "/staff", "/static/embed.js"):
        headers = embedding_client.get(other, follow_redirects=False).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], other
        assert HOST not in headers["content-security-policy"], other
        assert headers["x-frame-options"] == "DENY", other


def test_by_default_nobody_may_frame_the_embed_page(client):
    r = client.get("/chat/embed")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize(("path", "lang", "texts"), [
    ("/chat/embed", "nl", ["Start de chat", "Snel weg", "113", "0800-0113", "112"]),
    ("/en/chat/embed", "en", ["Start the chat", "Leave quickly", "113", "0800-0113", "112"]),
])
def test_the_embed_page_holds_the_widget_quick_exit_and_helpline_note_only(client, path, lang, texts):
    html = client.get(path).text
    assert f'<html lang="{lang}">' in html
    assert html.count("<script") == 1 and 'src="/static/widget.js"' in html and f'data-lang="{lang}"' in html
    for text in texts:
        assert text in html, text
    # Nothing that would navigate the frame: no site navigation, no form; the quick exit leaves the whole tab.
    assert "<form" not in html and "<nav" not in html and 'href="/aanmelden"' not in html
    assert 'target="_top"' in html


def test_the_loader_is_served(client):
    r = client.get("/static/embed.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "/chat/embed" in r.text and "allow-top-navigation-by-user-activation" in r.text
