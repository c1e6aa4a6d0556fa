"""Withdrawing in the same conversation, against the trained model, the real action server and (when its
environment is there) the real backend."""
from __future__ import annotations

import sqlite3

import pytest

from tests.bot.helpers import answer_until_summary, stored
from tests.intake_script import CODE, QUESTION

pytestmark = pytest.mark.session_loop


async def register(chat) -> str:
    """The short way through the intake (everything skipped but a phone number); returns the code."""
    await chat("/start_registration")
    await answer_until_summary(chat, {q: "/skip" for q in QUESTION} | {"phone": "0301234567",
                                                                        "voicemail_ok": "/dont_know"})
    await chat("/affirm")
    await chat("/affirm")
    return CODE.search(chat.text).group(0)


def withdrawals(backend, reference: str) -> list[str]:
    with sqlite3.connect(backend.outbox_path) as db:
        rows = db.execute("SELECT state FROM outbox WHERE reference = ? AND action = 'withdrawal'", (reference,))
        return [state for (state,) in rows]


async def test_register_then_withdraw_after_asking(chat, backend):
    reference = await register(chat)
    assert "intrekken" in chat.text and "Zeg het hier" in chat.text  # the done message says how
    await chat("ik wil mijn aanmelding intrekken")
    assert reference in chat.text and "intrekken?" in chat.text
    assert [b["title"] for b in chat.buttons] == ["Ja, trek in", "Nee, laat staan"]
    await chat(chat.payload("Ja, trek in"))
    if backend.up:
        assert f"Je aanmelding met code {reference} is ingetrokken" in chat.text
        assert "niet langer dan nodig" in chat.text and "wissen" in chat.text
        assert withdrawals(backend, reference) == ["delivered"]
        assert backend.registration(reference)["status"] == "withdrawn"
    else:  # the backend is not there: noted, sent after the hand-off once it is
        assert "We hebben vastgelegd dat je je aanmelding" in chat.text
        assert withdrawals(backend, reference) == ["pending"]
        assert stored(backend, reference)[0] == "pending"


async def test_no_keeps_the_registration(chat, backend):
    reference = await register(chat)
    await chat("trek mijn aanmelding maar in")
    assert "Ja, trek in" in [b["title"] for b in chat.buttons]
    await chat(chat.payload("Nee, laat staan"))
    assert "verandert er niets" in chat.text
    assert withdrawals(backend, reference) == []
    if backend.up:
        assert backend.registration(reference)["status"] == "new"


async def test_without_a_registration_in_this_conversation_phone_or_mail(chat, backend):
    await chat("/greet")
    await chat("trek mijn aanmelding in")
    assert "030 234 00 45" in chat.text and "info@perspectiefherstelbemiddeling.nl" in chat.text
    assert "Ja, trek in" not in [b["title"] for b in chat.buttons]
    # A code typed by the visitor is never withdrawn: anyone could type someone else's.
    await chat("/affirm")
    assert "030 234 00 45" in chat.text
    await chat("trek PH-ABCD-2345 in")
    assert "Ja, trek in" not in [b["title"] for b in chat.buttons]


async def test_in_english(chat, backend):
    reference = await register(chat)
    await chat('/switch_language{"language":"en"}')
    await chat("please withdraw my registration")
    assert reference in chat.text and [b["title"] for b in chat.buttons] == ["Yes, withdraw", "No, keep it"]
    await chat(chat.payload("Yes, withdraw"))
    expected = "has been withdrawn" if backend.up else "We have noted that you withdraw"
    assert expected in chat.text
