"""Switching language by request or by writing English; every answer of ours has an English variation."""
from __future__ import annotations

import pytest
import yaml

from bot.evaluate import DOMAIN

OURS = ("faq.yml", "safety.yml", "explore.yml", "fallback.yml", "language.yml")


@pytest.mark.session_loop
async def test_switch_to_english_and_back(chat):
    await chat("in English please")
    assert "we will go on in English" in chat.text
    assert (await chat.slots())["language"] == "en"
    await chat("is it confidential?")
    assert "stays between you" in chat.text
    await chat("kan het weer in het Nederlands")
    assert "verder in het Nederlands" in chat.text
    await chat("is het vertrouwelijk")
    assert "blijft tussen jou" in chat.text


@pytest.mark.session_loop
async def test_writing_english_is_enough(chat):
    await chat("what happens after I register?")
    assert (await chat.slots())["language"] == "en"
    assert "mediator from your region" in chat.text


@pytest.mark.session_loop
async def test_a_short_message_does_not_flip_the_language(chat):
    await chat("/switch_language{\"language\":\"en\"}")
    await chat("ok")
    assert (await chat.slots())["language"] == "en"


def test_every_response_of_ours_has_an_english_variation():
    for name in OURS:
        for response, variations in yaml.safe_load((DOMAIN / name).read_text())["responses"].items():
            english = [v for v in variations if v.get("condition") == [
                {"type": "slot", "name": "language", "value": "en"}]]
            assert english, f"{response} in {name} has no English variation"
