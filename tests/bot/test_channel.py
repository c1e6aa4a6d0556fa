"""The REST channel's payload check (bot/channel.py) against the trained model's domain: every button the bot can
show still reaches Rasa as a payload, and anything else starting with "/" is what the visitor typed. The whole
channel, with Rasa's log, is tested end to end in tests/e2e/test_chat_to_backend.py."""
from __future__ import annotations

import pytest

from actions.summary import FIELD_NAMES
from bot.channel import as_rasa_input


def domain_payloads(domain) -> set[str]:
    # The domain escapes braces in responses ("{{"); the visitor's browser receives, and sends back, single ones.
    return {button["payload"].replace("{{", "{").replace("}}", "}")
            for variations in domain.responses.values() for response in variations
            for button in response.get("buttons", [])}


def test_every_button_of_the_bot_is_a_payload(agent):
    payloads = domain_payloads(agent.domain)
    payloads |= {f'/change_answer{{"field":"{field}"}}' for field in [*FIELD_NAMES, "none"]}  # actions/summary.py
    assert len(payloads) > 60
    changed = {p: as_rasa_input(p, agent.domain) for p in payloads if as_rasa_input(p, agent.domain) != p}
    assert not changed, f"buttons that would reach Rasa as typed text: {changed}"


@pytest.mark.parametrize("typed, text", [
    ("/ik ben Noor 0612345678", "ik ben Noor 0612345678"),
    ("//Noor", "Noor"),
    ("/noor", "noor"),  # not an intent of the domain
    ('/inform{"role":"Noor"}', 'inform{"role":"Noor"}'),  # not a value a button sends
    ('/inform{"naam":"noor"}', 'inform{"naam":"noor"}'),  # not an entity of the domain
    ('/inform{"role":"affected"} ik ben Noor', 'inform{"role":"affected"} ik ben Noor'),
    ("/stop@0.1", "stop@0.1"),
    ("/", ""),
    ("Noor / 06 12345678", "Noor / 06 12345678"),
])
def test_anything_else_with_a_slash_is_typed_text(agent, typed, text):
    assert as_rasa_input(typed, agent.domain) == text


def test_without_a_domain_nothing_is_a_payload():
    assert as_rasa_input("/greet", None) == "greet"
