"""A typed "stop" wipes every answer, so it must be meant (bot/nlu/doubt.UnclearStop)."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.doubt import STOP_MIN, UnclearStop


def classified(text: str, confidence: float) -> str:
    stop = {"name": "stop", "confidence": confidence}
    message = Message(data={"text": text, "intent": stop, "intent_ranking": [stop], "entities": []})
    UnclearStop().process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize("text", ["Ilse-Vandermeulen", "Noor", "morgen"])
def test_an_unsure_stop_without_stop_words_is_not_understood(text):
    assert classified(text, STOP_MIN - 0.06) == "nlu_fallback"


@pytest.mark.parametrize("text", ["stop maar", "ik wil stoppen", "laat maar", "ik wil niet meer", "never mind"])
def test_stop_words_keep_the_stop_however_unsure_the_model(text):
    assert classified(text, 0.3) == "stop"


def test_a_sure_stop_stays_and_payloads_are_left_alone():
    assert classified("Kees", STOP_MIN) == "stop"
    assert classified("/stop", 0.0) == "stop"


@pytest.mark.session_loop
async def test_a_name_at_the_name_question_is_taken_as_the_name(chat):
    await chat("/start_registration")
    for _ in range(4):
        if "Hoe mogen we je noemen?" in chat.text:
            break
        await chat("/skip")
    assert "Hoe mogen we je noemen?" in chat.text
    await chat("Ilse-Vandermeulen")
    assert "Ik ben gestopt" not in chat.text
    assert (await chat.slots())["name"] == "Ilse-Vandermeulen"
