"""bot/rasa_patches/answer_schema.py: the action server's answers, checked against Rasa's schema compiled once, are
taken and refused exactly as Rasa's own check takes and refuses them, with Rasa's error."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches import answer_schema

TAKEN = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "timestamp": None, "name": "role", "value": "affected"},
                {"event": "slot", "name": "awaiting_text", "value": False},
                {"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}],
     "responses": [{"response": "utter_ask_role", "buttons": []}]},
    {"events": [{"event": "reset_slots"}, {"event": "restart", "timestamp": 1.5}]},
    {"events": [{"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "greet", "confidence": 1.0},
                                                                "entities": []}},
                {"event": "bot", "text": "Hallo", "data": {}}, {"event": "action", "name": "action_listen"},
                {"event": "followup", "name": "utter_welcome"}, {"event": "session_started", "metadata": None}]},
]
REFUSED = [
    [],
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "role", "value": "affected"}]},  # no event type
    {"events": [{"event": "slot", "name": 3, "value": "x"}]},  # a slot's name is a string
    {"events": [{"event": "slot", "name": "role"}]},  # and a slot has a value
    {"events": [{"event": "slot", "name": "role", "value": 1, "timestamp": "now"}]},
    {"events": {"event": "slot"}},
    {"responses": [{"text": "hi"}, "hi"]},
    # each event against its own kind only (bot/rasa_patches/answer_schema.py): what that kind refuses, and what names
    # no kind
    {"events": [{"event": "user", "text": 5}]},
    {"events": [{"event": "slot", "name": "role", "value": 1, "metadata": "x"}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"start": "0"}]}}]},
    {"events": [{"event": "action", "name": "action_listen"}, "slot"]},
    {"events": [{"event": ["slot"], "name": "role", "value": 1}]},
    {"events": [{"event": "Slot", "name": "role", "value": 1}]},
]


@pytest.fixture(scope="module")
def action():
    answer_schema.apply()
    answer_schema.apply()  # a second call changes nothing
    assert RemoteAction._validate_action_result is not answer_schema.rasa_original
    return RemoteAction("validate_intake_form", None)


@pytest.mark.parametrize("answer", TAKEN)
def test_taken_as_rasa_takes_it(action, answer):
    assert answer_schema.rasa_original(action, answer) is True
    assert action._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", REFUSED)
def test_refused_as_rasa_refuses_it(action, answer):
    with pytest.raises(ValidationError) as rasa_error:
        answer_schema.rasa_original(action, answer)
    with pytest.raises(ValidationError, match="Failed to validate Action server response") as ours:
        action._validate_action_result(answer)
    assert ours.value.message == rasa_error.value.message

