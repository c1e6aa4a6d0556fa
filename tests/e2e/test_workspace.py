"""The staff workspace in headless Chromium: sign in with TOTP, find a registration, assign it to a mediator of the
region and close it.

Two sources of the registration: one made through the chat on the whole stack (Rasa and the action server, slow,
needs the trained model), and one handed off through the API on the backend alone (fast; also checks the pages
with axe-core, keyboard-only sign-in and a phone-sized screen)."""
from __future__ import annotations

import re
import uuid

import httpx
import pyotp
from playwright.sync_api import Page, expect

from tests import stack
from tests.e2e.helpers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ADMIN_TOTP,
    MEDIATOR_PASSWORD,
    add_mediator,
    make_context,
    serious_axe_violations,
    sign_in,
)
from tests.intake_script import BUTTONS, CODE, asked


def find(page: Page, base_url: str, reference: str) -> None:
    page.goto(f"{base_url}/staff")
    page.get_by_label("Referentiecode").fill(reference[-4:])
    page.get_by_role("button", name="Toon").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def assign_and_close(page: Page, mediator_email: str) -> None:
    mediator = page.get_by_label("Toewijzen aan bemiddelaar")
    suggested = mediator.locator("option", has_text="(regio past)")
    expect(suggested).to_have_count(1)
    expect(suggested).to_contain_text(mediator_email)
    mediator.select_option(value=suggested.get_attribute("value"))
    page.get_by_role("button", name="Toewijzen").click()
    expect(page.get_by_role("status")).to_have_text("De aanmelding is toegewezen.")
    for step in ("Contact gehad", "Intake gepland"):
        page.get_by_label(step, exact=True).check()
        page.get_by_role("button", name="Status opslaan").click()
        expect(page.get_by_role("status")).to_have_text("De status is gewijzigd.")
    # Closing records the outcome with buttons: who took the initiative, whether contact came about, its form.
    closing = page.get_by_role("form", name="Afsluiten")
    closing.get_by_label("Degene die het (mogelijk) veroorzaakte").check()
    closing.get_by_label("Ja, er was contact").check()
    closing.get_by_label("Briefwisseling").check()
    closing.get_by_role("button", name="Afsluiten").click()
    expect(page.get_by_role("status")).to_have_text("De status is gewijzigd.")
    expect(page.locator(".meta .status")).to_have_text("Afgesloten")
    expect(page.locator("main")).to_contain_text("Briefwisseling")
    history = page.locator(".history")
    expect(history).to_contain_text(f"Toegewezen aan {mediator_email}")
    expect(history).to_contain_text("Intake gepland → Afgesloten")


def register_through_chat(full_stack, sender: str) -> str:
    """Walk the chat intake with the shared test answers (name Noor, region Utrecht); returns the reference."""
    full_stack.chat(sender, "/greet")
    text = "\n".join(r.get("text", "") for r in full_stack.chat(sender, "/start_registration"))
    for _ in range(25):
        if CODE.search(text):
            return CODE.search(text).group(0)
        question = asked(text)
        assert question, f"unexpected reply: {text!r}"
        answer = "/affirm" if question in ("summary", "consent") else BUTTONS[question]
        text = "\n".join(r.get("text", "") for r in full_stack.chat(sender, answer))
    raise AssertionError("the intake never ended with a reference code")


def test_desk_closes_a_registration_made_through_the_chat(full_stack, browser, sender):
    """Source: the chat (POST /api/chat → Rasa → action server → hand-off)."""
    reference = register_through_chat(full_stack, sender)
    context = make_context(browser)
    try:
        page = context.new_page()
        base = full_stack.backend_url
        sign_in(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP)
        mediator_email = add_mediator(page, base, "Utrecht")  # the chat script answers region Utrecht
        find(page, base, reference)
        expect(page.locator("main")).to_contain_text("Noor")
        expect(page.locator("main")).to_contain_text("+31612345678")
        assign_and_close(page, mediator_email)
    finally:
        context.context.close()


def _hand_off(base_url: str, **overrides) -> str:
    from tests import stack
    from tests.api.helpers import record

    body = record(**overrides)
    r = httpx.post(f"{base_url}/api/internal/registrations", json=body, timeout=10,
                   headers={"Authorization": f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}",
                            "Idempotency-Key": str(uuid.uuid4())})
    r.raise_for_status()
    return r.json()["reference"]


def _report_dead_letter(base_url: str, reference: str) -> None:
    r = httpx.post(f"{base_url}/api/internal/dead-letters", timeout=10,
                   json={"reference": reference, "idempotency_key": str(uuid.uuid4()), "reason": "rejected",
                         "last_status": 422, "attempts": 1},
                   headers={"Authorization": f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}"})
    r.raise_for_status()


def test_desk_closes_a_handed_off_registration_accessibly(backend, ctx):
    """Source: the hand-off API (the backend alone), so this runs without Rasa."""
    reference = _hand_off(backend.url, region="limburg", kind="callback", voicemail_ok="no")
    _report_dead_letter(backend.url, "PH-WXYZ-2345")  # the inbox's notice and its button are checked with axe too
    page = ctx.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)

    # Sign in with the keyboard only.
    page.goto(f"{backend.url}/staff/aanmelden")
    assert serious_axe_violations(page, backend.url) == []
    page.get_by_label("E-mailadres").focus()
    page.keyboard.type(ADMIN_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.type(pyotp.TOTP(ADMIN_TOTP).now())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")

    row = page.locator("tr", has_text=reference)
    expect(row.locator(".marker--callback")).to_have_text("Terugbellen")
    expect(row.locator(".marker--nomessage")).to_have_text("Geen bericht inspreken")
    assert serious_axe_violations(page, backend.url) == []
    page.get_by_role("button", name="Markeer als afgehandeld (PH-WXYZ-2345)", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("als afgehandeld gemarkeerd")
    expect(page.locator("main")).not_to_contain_text("PH-WXYZ-2345")

    mediator_email = add_mediator(page, backend.url, "Limburg")
    find(page, backend.url, reference)
    assert serious_axe_violations(page, backend.url) == []
    assign_and_close(page, mediator_email)
    for path in ("/staff/beheer/gebruikers", "/staff/beheer/audit"):
        page.goto(backend.url + path)
        assert serious_axe_violations(page, backend.url) == [], path
    assert csp_errors == []
    assert all(url.startswith(backend.url) for url in ctx.requests)

    # The new mediator signs in with the first password the admin chose, must replace it and enrol, and then sees
    # the registration.
    page.get_by_role("button", name="Afmelden", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Je bent afgemeld.")
    page.get_by_label("E-mailadres").fill(mediator_email)
    page.get_by_label("Wachtwoord", exact=True).fill(MEDIATOR_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{backend.url}/staff/wachtwoord")
    assert serious_axe_violations(page, backend.url) == []
    page.get_by_label("Huidig wachtwoord").fill(MEDIATOR_PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("mijn eigen zin voor het bemiddelen")
    page.get_by_label("Nieuw wachtwoord nog een keer").fill("mijn eigen zin voor het bemiddelen")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page).to_have_url(f"{backend.url}/staff/tweestaps")
    expect(page.locator(".qr svg")).to_be_visible()
    assert serious_axe_violations(page, backend.url) == []
    page.get_by_label("Code uit de app").fill(pyotp.TOTP(page.locator("#secret").inner_text()).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("list", name="Herstelcodes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Naar de inbox").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator("tr", has_text=reference).locator(".status")).to_have_text("Afgesloten")

    # On a phone the inbox fits the screen: no sideways scrolling of the page.
    phone = make_context(ctx.context.browser, viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        phone.context.add_cookies(ctx.context.cookies(f"{backend.url}/staff"))
        small = phone.new_page()
        small.goto(f"{backend.url}/staff")
        expect(small.get_by_role("heading", level=1)).to_have_text("Inbox")
        assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        expect(small.get_by_role("link", name=re.compile(reference))).to_be_visible()
    finally:
        phone.context.close()
