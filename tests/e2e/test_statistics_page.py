"""The Cijfers page in headless Chromium: charts and tables of closed registrations, small counts hidden, axe-core
finds nothing serious, no script runs, nothing leaves the machine, and it fits a phone screen."""
from __future__ import annotations

import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pyotp
from playwright.sync_api import expect

from tests import stack
from tests.api.helpers import record
from tests.e2e.helpers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ADMIN_TOTP,
    add_mediator,
    make_context,
    serious_axe_violations,
    sign_in,
)

TAKEN_ON = {"initiative": "affected", "contact_made": True, "contact_forms": ["conversation"]}


def _hand_off(base: str, **overrides) -> int:
    r = httpx.post(f"{base}/api/internal/registrations", json=record(**overrides), timeout=10,
                   headers={"Authorization": f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}",
                            "Idempotency-Key": str(uuid.uuid4())})
    r.raise_for_status()
    return r.json()["id"]


def _close(base: str, headers: dict, mediator_id: int, n: int, **overrides) -> None:
    """`n` registrations handed off and closed through the API (taken on, or declined as a duplicate)."""
    for i in range(n):
        rid = _hand_off(base, **overrides)
        if i % 4 == 3:
            body = {"status": "declined", "outcome": {"decline_category": "duplicate"}}
            assert httpx.post(f"{base}/api/registrations/{rid}/status", json=body, headers=headers).status_code == 200
            continue
        httpx.post(f"{base}/api/registrations/{rid}/assign", json={"mediator_id": mediator_id}, headers=headers)
        for step in ("contacted", "intake_planned"):
            httpx.post(f"{base}/api/registrations/{rid}/status", json={"status": step}, headers=headers)
        r = httpx.post(f"{base}/api/registrations/{rid}/status", headers=headers,
                       json={"status": "closed", "outcome": TAKEN_ON})
        assert r.status_code == 200, r.text


def test_the_figures_page_is_accessible_and_hides_small_counts(backend, ctx):
    page = ctx.new_page()
    script_errors: list[str] = []
    page.on("console", lambda msg: script_errors.append(msg.text) if msg.type == "error" else None)
    headers = {"Authorization": f"Bearer {backend.staff_token()}"}
    used = pyotp.TOTP(ADMIN_TOTP).now()
    while pyotp.TOTP(ADMIN_TOTP).now() == used:  # a TOTP code signs in once: wait for the next one
        time.sleep(1)
    sign_in(page, backend.url, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP)
    add_mediator(page, backend.url, "Utrecht")
    first = _hand_off(backend.url)
    mediator_id = httpx.get(f"{backend.url}/api/registrations/{first}/mediators", headers=headers).json()[0]["id"]
    _close(backend.url, headers, mediator_id, 16, region="utrecht")
    _close(backend.url, headers, mediator_id, 2, region="zeeland", language="en")
    counts = [("conversations", "nl", 40), ("conversations", "en", 2), ("faq", "cost", 12), ("intake", "started", 9),
              ("intake", "summary", 6), ("intake", "sent", 5)]
    r = httpx.post(f"{backend.url}/api/internal/chat-counts", timeout=10,
                   headers={"Authorization": f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}"},
                   json={"day": datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat(),
                         "counts": [{"metric": m, "key": k, "count": n} for m, k, n in counts]})
    assert r.status_code == 204

    page.get_by_role("link", name="Cijfers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cijfers")

    # All 18 came in this quarter, so the year's figures equal the quarter's: the number received is shown, the 2
    # from Zeeland are "<5", and Utrecht's 16 is hidden ("x") where 18 - 16 would give the 2 away.
    expect(page.locator(".big-figures")).to_contain_text("Afgesloten aanmeldingen: 18")
    province = page.get_by_role("table", name="Provincie: aantal en aandeel")
    expect(province.get_by_role("row", name="Zeeland")).to_contain_text("<5")
    expect(province.get_by_role("row", name="Utrecht")).to_contain_text("x")
    language = page.get_by_role("table", name="Taal: aantal en aandeel")
    expect(language.get_by_role("row", name="Engels")).to_contain_text("<5")
    expect(language.get_by_role("row", name="Nederlands")).to_contain_text("x")
    # The chat's figures below them, suppressed the same way.
    conversations = page.get_by_role("table", name="Gesprekken in de chat: aantal en aandeel")
    expect(conversations.get_by_role("row", name="Engels")).to_contain_text("<5")
    expect(page.get_by_role("table", name="Aanmelden in de chat: aantal en aandeel")
           .get_by_role("row", name="Verstuurd")).to_contain_text("5")
    assert page.locator("svg.chart").count() == 14 + 8
    assert page.locator("svg.chart[aria-hidden='true']").count() == 14 + 8
    assert serious_axe_violations(page, backend.url) == []

    # Another period through the form, then the downloads.
    page.get_by_label("Kwartaal").select_option(label="Kwartaal 1")
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("K1")
    assert serious_axe_violations(page, backend.url) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download als spreadsheet (.ods)").click()
    assert download.value.suggested_filename.endswith(".ods")
    assert script_errors == []
    assert all(url.startswith(backend.url) for url in ctx.requests)

    phone = make_context(ctx.context.browser, viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        phone.context.add_cookies(ctx.context.cookies(f"{backend.url}/staff"))
        small = phone.new_page()
        small.goto(f"{backend.url}/staff/cijfers")
        assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        phone.context.close()
