"""The tracker store of bot/endpoints.yml (bot/tracker_store.py), with the trained model: a conversation keeps its
state from turn to turn, and is forgotten 60 idle minutes after its last turn. Every conversation test also runs on
this store (conftest.py)."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from rasa.shared.core.events import SlotSet

from bot.tracker_store import ExpiringInMemoryTrackerStore
from tests.bot.helpers import Chat, endpoints_tracker_store
from tests.clock import Clock


def test_endpoints_configure_the_expiring_store():
    store = endpoints_tracker_store()
    assert type(store) is ExpiringInMemoryTrackerStore and store.record_exp == 3600


@pytest.fixture
def clocked_chat(agent):
    """A chat on the trained model whose store runs on a clock the test moves; the shared store is put back."""
    clock = Clock()
    store = ExpiringInMemoryTrackerStore(agent.domain, clock=clock)
    fail_safe = agent.processor.tracker_store  # Rasa wraps the store in its FailSafeTrackerStore
    shared, fail_safe._tracker_store = fail_safe._tracker_store, store
    yield Chat(agent), clock, store
    fail_safe._tracker_store = shared


@pytest.mark.session_loop
async def test_a_conversation_is_forgotten_an_hour_after_its_last_turn(clocked_chat):
    chat, clock, store = clocked_chat
    await chat("/start_registration")
    await chat('/inform{"role":"affected"}')
    assert "Wat is er gebeurd?" in chat.text
    clock.now += 3599  # 59:59 later the form goes on where it was
    await chat('/inform{"event_kind":"traffic"}')
    assert "in je eigen woorden" in chat.text
    assert (await chat.slots())["event_kind"] == "traffic"

    clock.now += 3600
    assert chat.sender not in await store.keys()
    assert await store.retrieve(chat.sender) is None
    await chat("hoi")  # a new conversation: nothing of the old one is left
    slots = await chat.slots()
    assert slots["role"] is None and slots["event_kind"] is None and slots["requested_slot"] is None


@pytest.mark.session_loop
async def test_idle_conversations_go_and_busy_ones_stay(clocked_chat):
    chat, clock, store = clocked_chat
    other = Chat(chat.agent)
    await chat("hoi")
    clock.now += 1800
    await other("hoi")
    clock.now += 1800
    assert await store.keys() == [other.sender]


@pytest.mark.session_loop
async def test_a_turn_that_is_not_saved_changes_nothing(clocked_chat):
    chat, _clock, store = clocked_chat
    await chat("/start_registration")
    tracker = await store.retrieve(chat.sender)
    tracker.update(SlotSet("role", "caused"))
    assert (await store.retrieve(chat.sender)).get_slot("role") is None
    assert await store.retrieve(str(uuid.uuid4())) is None


@pytest.mark.session_loop
async def test_a_quiet_store_forgets_on_its_own(agent):
    """No other turn comes: the timer alone forgets the conversation when it is due (real clock, short expiry)."""
    store = ExpiringInMemoryTrackerStore(agent.domain, record_exp=0.3)
    first, second = store.init_tracker(str(uuid.uuid4())), store.init_tracker(str(uuid.uuid4()))
    await store.save(first)
    await asyncio.sleep(0.15)
    await store.save(second)
    await asyncio.sleep(0.25)  # first is due, second not yet
    assert list(store._saved) == [second.sender_id]
    await asyncio.sleep(0.2)
    assert not store._saved and store._timer is None
