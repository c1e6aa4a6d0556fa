"""A whole call-back request through the widget against the full stack: backend, Rasa, action server.

Needs the trained model (`make train`) and the action server; uses the lead's `full_stack` fixture.
The bot's wording may change, so the visitor here answers by what is asked (a name, a number, buttons).
"""
from __future__ import annotations

import re
import time

import httpx
import pytest

from tests import stack
from tests.e2e.conftest_pages import browser, ctx  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not stack.MODEL.exists(), reason="no trained model: run `make train`")

REFERENCE = re.compile(r"PH-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}")
# Buttons a visitor who wants a call-back would pick, most wanted first.
PREFERRED = [r"ja, ik geef toestemming", r"^klopt", r"^ja\b", r"maakt niet uit", r"avond"]


def _wait_for_bot(page) -> None:
    page.wait_for_function("() => document.querySelector('.phw-typing').hidden")


def _answer(page, last_bot: str) -> None:
    buttons = page.locator(".phw-replies .phw-reply")
    titles = [title.strip() for title in buttons.all_inner_texts()]
    if re.search(r"noemen|call you", last_bot, re.I):
        page.locator("#phw-input").fill("Sam")
        page.keyboard.press("Enter")
        return
    if re.search(r"nummer|number", last_bot, re.I) and not titles:
        page.locator("#phw-input").fill("06 12345678")
        page.keyboard.press("Enter")
        return
    for pattern in PREFERRED:
        for index, title in enumerate(titles):
            if re.search(pattern, title, re.I):
                buttons.nth(index).click()
                return
    if titles:
        buttons.first.click()
    else:
        page.locator("#phw-input").fill("weet ik niet")
        page.keyboard.press("Enter")


def test_call_back_request_by_buttons_and_typing(full_stack, ctx):
    page = ctx.new_page()
    page.goto(full_stack.backend_url + "/")
    page.get_by_role("button", name="Start de chat").click()
    _wait_for_bot(page)
    call_me = page.get_by_role("button", name="Bel mij terug")
    assert call_me.count() == 1, f"no call-back button in the welcome: {page.locator('.phw-log').inner_text()}"
    call_me.click()

    reference = None
    for _turn in range(20):
        _wait_for_bot(page)
        bot_texts = page.locator(".phw-msg--bot").all_inner_texts()
        found = REFERENCE.search(" ".join(bot_texts))
        if found:
            reference = found.group(0)
            break
        assert not page.locator(".phw-msg--info").count(), page.locator(".phw-msg--info").all_inner_texts()
        _answer(page, bot_texts[-1] if bot_texts else "")
    assert reference, f"no reference code after 20 turns: {page.locator('.phw-log').inner_text()}"

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
    assert (detail["kind"], detail["source"], detail["phone"]) == ("callback", "chat", "+31612345678")
    assert ctx.storage(page, full_stack.backend_url) == {"localStorage": 0, "sessionStorage": 0, "cookies": []}
