"""Two-stage fallback, out of scope."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.session_loop


async def test_first_suggestions_then_a_phone_number(chat):
    await chat("qwrtzp vlkmn xxj")
    assert "begreep ik niet" in chat.text and "liever geen antwoord dat niet klopt" in chat.text
    assert "Zeg het gerust anders" in chat.text and "030 234 00 45" in chat.text
    assert "/explore" in [b["payload"] for b in chat.buttons] and "/ask_human" in [b["payload"] for b in chat.buttons]
    await chat("zzkrv plomp qqq")
    assert "030 234 00 45" in chat.text and "werkdagen" in chat.text


async def test_out_of_scope_says_what_the_bot_can_do(chat):
    await chat("kun je een tafel voor me reserveren in een restaurant")
    assert "Daar kan ik je helaas niet mee helpen" in chat.text
    assert "herstelbemiddeling" in chat.text
