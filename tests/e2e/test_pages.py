"""The sign-up page in a real browser: content, own-origin only, security headers, quick exit, accessibility."""
from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.helpers import EXIT_URL, serious_axe_violations


def _only_loopback(requests: list[str], base_url: str) -> list[str]:
    return [url for url in requests if not url.startswith(base_url + "/")]


@pytest.mark.parametrize("path, texts", [
    ("/", ["Is er iets ingrijpends gebeurd?", "030 234 00 45", "Direct hulp nodig?", "112", "0800-0113"]),
    ("/en", ["Did something drastic happen?", "030 234 00 45", "Need help right now?", "112", "0800-0113"]),
])
def test_sign_up_page_loads_everything_from_our_own_origin(backend, ctx, path, texts):
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(backend.url + path)
    body = page.inner_text("body")
    for text in texts:
        assert text in body
    assert page.get_attribute("html", "lang") == ("en" if path == "/en" else "nl")
    form_link = page.locator("main a[href$='aanmelden']")
    assert form_link.count() == 1
    assert page.locator("a[href='tel:+31302340045']").first.is_visible()
    # Opening the chat makes the first request to /api/chat; everything still stays on our origin.
    page.get_by_role("button", name=re.compile("Start (de|the) chat")).click()
    page.locator(".phw-msg--info").first.wait_for()
    assert ctx.requests, "the browser made no requests at all?"
    assert _only_loopback(ctx.requests, backend.url) == []
    assert any(url.endswith("/api/chat") for url in ctx.requests)
    assert errors == []


def test_pages_send_strict_security_headers(backend):
    for path in ("/", "/en", "/aanmelden"):
        r = httpx.get(backend.url + path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in r.headers["permissions-policy"]
        assert r.headers["cache-control"] == "no-store"
    script = httpx.get(backend.url + "/static/widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.headers["x-content-type-options"] == "nosniff"


def test_quick_exit_endpoint_clears_site_data_and_redirects(backend):
    r = httpx.get(backend.url + "/snel-weg", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].rstrip("/") == EXIT_URL.rstrip("/")
    assert r.headers["clear-site-data"] == '"cache", "cookies", "storage"'


def _leave(page, how: str) -> None:
    if how == "page button":
        page.get_by_role("link", name="Snel weg").click()
    elif how == "widget button":
        page.get_by_role("button", name="Start de chat").click()
        page.locator(".phw-panel .phw-exit").click()
    elif how == "escape x3":
        page.get_by_role("button", name="Start de chat").click()
        page.locator("#phw-input").fill("iets wat niemand mag zien")
        for _ in range(3):
            page.keyboard.press("Escape")


@pytest.mark.parametrize("path, how", [
    ("/", "page button"), ("/", "widget button"), ("/", "escape x3"), ("/aanmelden", "page button"),
])
def test_quick_exit_leaves_no_way_back_and_nothing_stored(backend, ctx, path, how):
    page = ctx.new_page()
    page.goto(EXIT_URL + "?before")  # where the visitor was before our page
    page.goto(backend.url + path)
    if path == "/aanmelden":
        assert ctx.context.cookies(backend.url), "the form sets its CSRF cookie"
    _leave(page, how)
    page.wait_for_url(f"{EXIT_URL}**")
    assert "?before" not in page.url
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(backend.url), "Back returned to our page"
    stored = ctx.storage(page, backend.url)
    assert stored == {"localStorage": 0, "sessionStorage": 0, "cookies": []}


@pytest.mark.parametrize("path", ["/", "/en", "/aanmelden", "/en/aanmelden"])
def test_pages_have_no_serious_accessibility_violations(backend, ctx, path):
    page = ctx.new_page()
    page.goto(backend.url + path)
    assert serious_axe_violations(page, backend.url) == []


def test_open_widget_has_no_serious_accessibility_violations(backend, ctx):
    page = ctx.new_page()
    page.goto(backend.url + "/")
    page.get_by_role("button", name="Start de chat").click()
    page.locator(".phw-msg--info").first.wait_for()  # Rasa is down here: the fallback message is on screen
    page.get_by_role("button", name="Met een mens praten").click()
    assert serious_axe_violations(page, backend.url) == []


def test_form_errors_have_no_serious_accessibility_violations(backend, ctx):
    page = ctx.new_page()
    page.goto(backend.url + "/aanmelden")
    page.fill("#email", "niet-goed")
    page.get_by_role("button", name="Verstuur").click()
    page.locator(".error-summary").wait_for()
    assert serious_axe_violations(page, backend.url) == []
