"""A whole registration through the widget against the full stack: backend, Rasa, action server.

Needs the trained model (`make train`); uses the `full_stack` fixture of tests/e2e/conftest.py.
The visitor answers by what is asked: typed text where the bot asks for text, else a button.
"""
from __future__ import annotations

import re
import time

import httpx

from tests.intake_script import CODE, asked

# Typed answers where the bot asks for text; elsewhere the visitor clicks a button.
TYPED = {"description": "Op het gala werd ik steeds aangeraakt.", "name": "Sam", "phone": "06 12345678",
         "email": "sam@example.org"}
# Buttons a visitor would pick, most wanted first.
PREFERRED = [r"ja, ik geef toestemming", r"^klopt", r"^ja\b", r"maakt niet uit", r"het overkwam mij"]


def _wait_for_bot(page) -> None:
    page.wait_for_function("() => document.querySelector('.phw-typing').hidden")


def _answer(page, last_bot: str) -> None:
    question = asked(last_bot)
    if question in TYPED:
        page.locator("#phw-input").fill(TYPED[question])
        page.keyboard.press("Enter")
        return
    buttons = page.locator(".phw-replies .phw-reply")
    titles = [title.strip() for title in buttons.all_inner_texts()]
    assert titles, f"no buttons and no known text question: {last_bot!r}"
    for pattern in PREFERRED:
        for index, title in enumerate(titles):
            if re.search(pattern, title, re.I):
                buttons.nth(index).click()
                return
    buttons.first.click()


def test_whole_registration_by_clicking_and_typing(full_stack, ctx):
    page = ctx.new_page()
    page.goto(full_stack.backend_url + "/")
    page.get_by_role("button", name="Start de chat").click()
    _wait_for_bot(page)
    register = page.get_by_role("button", name="Ik wil me aanmelden")
    assert register.count() == 1, f"no register button in the welcome: {page.locator('.phw-log').inner_text()}"
    register.click()

    reference = None
    for _turn in range(30):
        _wait_for_bot(page)
        bot_texts = page.locator(".phw-msg--bot").all_inner_texts()
        found = CODE.search(" ".join(bot_texts))
        if found:
            reference = found.group(0)
            break
        assert not page.locator(".phw-msg--info").count(), page.locator(".phw-msg--info").all_inner_texts()
        _answer(page, bot_texts[-1] if bot_texts else "")
    assert reference, f"no reference code after 30 turns: {page.locator('.phw-log').inner_text()}"

    headers = {"Authorization": f"Bearer {full_stack.staff_token()}"}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        items = httpx.get(f"{full_stack.backend_url}/api/registrations", headers=headers, timeout=10).json()["items"]
        match = [item for item in items if item["reference"] == reference]
        if match:
            break
        time.sleep(0.5)
    assert match, "the registration did not reach the backend"
    detail = httpx.get(f"{full_stack.backend_url}/api/registrations/{match[0]['id']}", headers=headers,
                       timeout=10).json()
    assert (detail["kind"], detail["source"], detail["role"]) == ("registration", "chat", "affected")
    # A number was given, so no e-mail address was asked.
    assert (detail["name"], detail["phone"], detail["email"]) == ("Sam", "+31612345678", None)
    assert detail["description"] == TYPED["description"]
    assert ctx.storage(page, full_stack.backend_url) == {"localStorage": 0, "sessionStorage": 0, "cookies": []}
