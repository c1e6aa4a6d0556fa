"""bot/rasa_patches/graph_runner.py: the trained model's graphs, run node after node, give what Dask's runner gives: the
same parse of typed and clicked messages, and the same next action at every step of a real conversation."""
from __future__ import annotations

import pytest
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches import graph_runner
from tests.bot.helpers import answer_until_summary
from tests.intake_script import BUTTONS

MESSAGES = ["hoi", "kost het geld?", "ik wil me aanmelden", "qwrtzp vlkmn xxj", "ik wil niet meer leven",
            "is this something for me?", "06 12345678", "Sam", "/affirm", '/inform{"role":"affected"}', "/explore"]


def test_the_served_runner_is_ours(agent):
    assert DaskGraphRunner.run is graph_runner.run  # else the comparisons below compare Dask with itself


@pytest.mark.session_loop
async def test_messages_parse_as_with_dask(agent, monkeypatch):
    ours = [await agent.parse_message(text) for text in MESSAGES]
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner.rasa_original)
    rasas = [await agent.parse_message(text) for text in MESSAGES]
    assert ours == rasas
    # Typed and clicked, questions, crisis and form answers (keyboard mash reads as a form answer: outside a form the
    # bot says it did not understand, tests/bot/test_fallback.py).
    assert {p["intent"]["name"] for p in ours} >= {"greet", "faq", "crisis", "affirm", "inform"}


@pytest.mark.session_loop
async def test_every_step_of_an_intake_predicts_as_with_dask(chat, monkeypatch):
    await chat("/greet")
    await chat("/start_registration")
    # a question inside the form at the phone question: FAQ answer, then the form again
    await answer_until_summary(chat, BUTTONS, {"phone": ["kost het geld?"]})
    processor = chat.agent.processor
    events = list((await chat.agent.tracker_store.retrieve_full_tracker(chat.sender)).events)
    # every point where Rasa predicted: after each message and after each action but a listen
    ends = [i + 1 for i, e in enumerate(events)
            if isinstance(e, UserUttered) or (isinstance(e, ActionExecuted) and e.action_name != "action_listen")]
    trackers = [DialogueStateTracker.from_events(chat.sender, events[:end], processor.domain.slots) for end in ends]
    ours = [processor._predict_next_with_tracker(t) for t in trackers]
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner.rasa_original)
    rasas = [processor._predict_next_with_tracker(t) for t in trackers]
    assert len(ours) > 20 and {p.policy_name for p in ours} >= {"RulePolicy"}
    assert [(p.policy_name, p.probabilities, p.events, p.is_end_to_end_prediction) for p in ours] == \
        [(p.policy_name, p.probabilities, p.events, p.is_end_to_end_prediction) for p in rasas]
