"""The summary before consent: every answer in words, in the visitor's language."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ValidateIntakeForm
from actions.summary import ActionAskChangeField, ActionAskSummaryOk, summary_text
from tests.actions.helpers import ANSWERED, make_tracker


def test_summary_lists_answers_in_words_not_codes():
    text = summary_text(ValidateIntakeForm(), make_tracker(ANSWERED))
    assert "- Jouw rol: Het overkwam mij" in text
    assert "- Waar: Op het werk" in text
    assert "- Telefoon: +31612345678" in text
    assert "- Jouw verhaal: niet ingevuld" in text
    assert "- Regio: Utrecht" in text
    for code in ("affected", "work", "unknown", "afternoon"):
        assert code not in text
    # Asked only without a phone number, and never at all: no line for them.
    for name in ("E-mail", "Mail sturen mag", "Wanneer:", "Vorm van contact"):
        assert name not in text


def test_summary_in_english():
    text = summary_text(ValidateIntakeForm(), make_tracker({**ANSWERED, "language": "en"}))
    assert "- Your role: It happened to me" in text and "- Best time to call: Afternoon" in text


def test_long_description_is_shortened_in_the_summary():
    text = summary_text(ValidateIntakeForm(), make_tracker({**ANSWERED, "description": "woord " * 100}))
    line = next(ln for ln in text.splitlines() if ln.startswith("- Jouw verhaal"))
    assert line.endswith("…") and len(line) < 120


@pytest.mark.asyncio
async def test_ask_actions_send_summary_and_one_button_per_field():
    dispatcher = CollectingDispatcher()
    await ActionAskSummaryOk().run(dispatcher, make_tracker(ANSWERED), {})
    assert dispatcher.messages[0]["response"] == "utter_summary"
    assert "Het overkwam mij" in dispatcher.messages[0]["summary"]

    dispatcher = CollectingDispatcher()
    await ActionAskChangeField().run(dispatcher, make_tracker(ANSWERED, form="callback_form"), {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ['/change_answer{"field":"phone"}', '/change_answer{"field":"voicemail_ok"}',
                        '/change_answer{"field":"call_time"}', '/change_answer{"field":"none"}']
