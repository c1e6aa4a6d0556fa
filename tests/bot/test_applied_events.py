"""bot/rasa_patches/applied_events.py: the applied events a tracker carries forward are, after every event, the very
events Rasa's own `applied_events()` gives, for real conversations of the trained bot and for the rare events they
lack."""
from __future__ import annotations

from collections import deque

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.applied_events import applied_events, rasa_original
from tests.bot.helpers import answer_until_summary
from tests.intake_script import BUTTONS


def assert_same(tracker: DialogueStateTracker) -> None:
    ours, rasas = applied_events(tracker), rasa_original(tracker)
    assert [id(e) for e in ours] == [id(e) for e in rasas], [str(e) for e in ours]


def replay(events, max_event_history=None) -> DialogueStateTracker:
    """A tracker that gets `events` one by one, compared with Rasa's after each (so each call carries forward)."""
    tracker = DialogueStateTracker("applied-events", [], max_event_history)
    for event in events:
        tracker.update(event)
        assert_same(tracker)
    return tracker


@pytest.mark.session_loop
async def test_real_conversations_match_rasa_after_every_event(chat):
    await chat("/greet")
    await chat("/start_registration")
    # the whole intake by buttons, with detours at the phone question: a question inside the form (answered, then the
    # form again) and something not understood (a fallback, then the form again)
    await answer_until_summary(chat, BUTTONS, {"phone": ["kost het geld?", "asdkjh qwe"]})
    tracker = await chat.agent.tracker_store.retrieve_full_tracker(chat.sender)
    events = list(tracker.events)
    assert {ActiveLoop, SessionStarted} <= {type(e) for e in events}
    assert sum(getattr(e, "action_name", None) == "intake_form" for e in events) > 10 and len(events) > 100
    replay(events)


def test_reverts_restarts_and_sessions_match_rasa():
    replay([
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("hoi", {"name": "greet"}), ActionExecuted("utter_welcome"), ActionExecuted("action_listen"),
        UserUttered("jjj", {"name": "nlu_fallback"}), UserUtteranceReverted(), ActionExecuted("action_listen"),
        UserUttered("ja", {"name": "affirm"}), ActionExecuted("utter_ok"), ActionReverted(),
        ActionExecuted("action_listen"), Restarted(), ActionExecuted("action_listen"),
        UserUttered("hallo", {"name": "greet"}), ActionExecuted("utter_welcome"),
    ])


def test_a_loop_name_seen_late_changes_earlier_events_as_in_rasa():
    """`intake_form` runs twice before anything says it is a loop: the ActiveLoop event changes how the second
    run counts, so the carried events must be computed again."""
    events = [ActionExecuted("action_listen"), UserUttered("a", {"name": "inform"}), ActionExecuted("intake_form"),
              ActionExecuted("action_listen"), UserUttered("b", {"name": "inform"}), ActionExecuted("intake_form"),
              ActiveLoop("intake_form"), SlotSet("requested_slot", "role"), ActionExecuted("action_listen")]
    tracker = replay(events)
    # The second run and the turn before it no longer count: 6 of 9 events, where the first 6 all counted before.
    assert len(applied_events(tracker)) == 6


def test_another_event_list_and_a_capped_history_match_rasa():
    listen, hoi, welcome = ActionExecuted("action_listen"), UserUttered("hoi", {"name": "greet"}), \
        ActionExecuted("utter_welcome")
    tracker = replay([listen, hoi, welcome])
    # Another list in place of the tracker's own, with the same third event and another one before it.
    tracker.events = deque([listen, Restarted(), welcome, ActionExecuted("action_listen")])
    assert_same(tracker)
    applied_events(tracker).clear()  # what a caller does with its list does not change the tracker's
    assert_same(tracker)
    replay([ActionExecuted(f"utter_{n}") for n in range(9)], max_event_history=4)
