"""bot/rasa_patches/event_types.py: every event name finds the class Rasa's own search finds, unknown names get Rasa's
default or Rasa's error, and a conversation written the way the Redis store writes it reads back as the same events."""
from __future__ import annotations

import pytest
from rasa.core.tracker_store import RedisTrackerStore, TrackerStore
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches import event_types
from tests.intake_script import BUTTONS, asked


def test_every_event_name_finds_rasas_class(agent):
    assert Event.resolve_by_type is event_types.resolve_by_type  # as the served process and the agent have it
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "active_loop", "session_started"} <= names
    for _ in range(2):  # looked up, then kept
        for name in names:
            assert Event.resolve_by_type(name) is event_types.rasa_original(name)


def test_unknown_names_get_rasas_default_or_error():
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None  # Rasa's answer for an old event it skips
    for name in ("no_such_event", ["slot"]):
        with pytest.raises(ValueError, match="Unknown event name"):
            Event.resolve_by_type(name)
    assert "no_such_event" not in event_types._found


@pytest.mark.session_loop
async def test_a_conversation_reads_back_as_the_redis_store_wrote_it(chat, monkeypatch):
    await chat("/greet")
    await chat("/start_registration")
    for _ in range(6):
        await chat(BUTTONS[asked(chat.text)])
    tracker = await chat.agent.tracker_store.retrieve_full_tracker(chat.sender)
    stored = RedisTrackerStore.serialise_tracker(tracker)  # the JSON the Redis store keeps
    store = TrackerStore(chat.agent.domain)
    ours = store.deserialise_tracker(chat.sender, stored)
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(event_types.rasa_original))
    rasas = store.deserialise_tracker(chat.sender, stored)
    assert len(ours.events) == len(tracker.events) > 40
    assert list(ours.events) == list(rasas.events) == list(tracker.events)
    assert [type(e) for e in ours.events] == [type(e) for e in rasas.events]
    assert ours.current_slot_values() == rasas.current_slot_values()
