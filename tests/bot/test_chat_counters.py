"""The chat's counters (bot/chat_counters.py) on a real conversation with the trained model: the event broker of
bot/endpoints.yml, as Rasa loads it, counts what happened and keeps nothing of what was said; the counts reach the
backend when it answers and wait while it does not."""
from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import datetime

import pytest
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from api.statistics.chat_keys import FAQ_TOPICS, METRICS
from bot.chat_counters import CRISIS, DUTCH, ChatCounters
from tests import stack
from tests.bot.helpers import Chat, answer_until_summary
from tests.intake_script import BUTTONS, CODE

NAME, PHONE = "Marieke Telvrouw", "06 47123958"
EXPECTED = Counter({("conversations", "nl"): 1, ("faq", "cost"): 1, ("crisis", "suicide"): 1, ("explore", "started"): 1,
                    ("not_understood", "first"): 1, ("intake", "started"): 1, ("intake", "summary"): 1,
                    ("intake", "sent"): 1})


def test_every_name_the_bot_can_count_is_one_the_backend_accepts():
    faq = yaml.safe_load((stack.ROOT / "bot" / "domain" / "faq.yml").read_text())["responses"]
    assert {name.removeprefix("utter_faq/") for name in faq} == {key for key, _ in FAQ_TOPICS}
    assert set(CRISIS) | {"check"} == {key for key, _ in METRICS["crisis"]}
    safety = yaml.safe_load((stack.ROOT / "bot" / "domain" / "safety.yml").read_text())["responses"]
    assert {f"utter_crisis_{kind}" for kind in CRISIS} | {"utter_ask_crisis_answer"} <= set(safety)


async def endpoints_broker() -> ChatCounters:
    """The broker bot/endpoints.yml names, made by Rasa's own factory."""
    config = yaml.safe_load((stack.ROOT / "bot" / "endpoints.yml").read_text())["event_broker"]
    broker = await EventBroker.create(EndpointConfig.from_dict(config))
    assert isinstance(broker, ChatCounters)  # Rasa would quietly run without one if the class did not load
    return broker


@pytest.fixture
def environment(monkeypatch):
    monkeypatch.setenv("INTAKE_SERVICE_TOKEN", stack.TEST_ENV["INTAKE_SERVICE_TOKEN"])
    monkeypatch.setenv("INTAKE_BACKEND_URL", f"http://127.0.0.1:{stack.free_port()}")  # nobody there yet


@pytest.mark.session_loop
async def test_a_conversation_is_counted_without_its_words(agent, environment, backend, stack_dir, caplog):
    counters = await endpoints_broker()
    stores = [agent.processor.tracker_store]
    while hasattr(stores[-1], "_tracker_store"):  # Rasa's wrappers (fail-safe, awaitable) around bot/endpoints.yml's
        stores.append(stores[-1]._tracker_store)
    for store in stores:  # on the shared agent for this test only
        store.event_broker = counters
    try:
        await _conversation_counted(agent, counters, backend, stack_dir)
    finally:
        for store in stores:
            store.event_broker = None
        if counters._task is not None:
            counters._task.cancel()
    # bot/endpoints.yml's own store kept the conversation (Rasa's wrapper would fall back to another, and log it).
    assert [r.getMessage() for r in caplog.records if r.name == "rasa.core.tracker_store"] == []


async def _conversation_counted(agent, counters, backend, stack_dir):
    chat = Chat(agent)
    await chat("/greet")
    await chat("wat kost het")
    await chat('/crisis{"crisis_type":"suicide"}')
    assert "113" in chat.text
    await chat("/explore")
    await chat('/explore{"explore_role":"affected"}')  # an answer, not a new start
    await chat("qwrtzp vlkmn xxj")
    assert "begreep ik niet" in chat.text
    await chat("/start_registration")
    summary = await answer_until_summary(chat, BUTTONS | {"name": NAME, "phone": PHONE})
    assert NAME in summary
    await chat(chat.payload("Klopt"))
    await chat(chat.payload("Ja, ik geef toestemming"))
    assert CODE.search(chat.text)

    today = datetime.now(DUTCH).date()
    assert counters.counts == {today: EXPECTED}
    kept = repr(counters.counts) + repr(vars(counters.reader))
    for secret in (NAME, "Marieke", "47123958", chat.sender):
        assert secret not in kept

    # The backend was not there: the counts stay for the next flush.
    await counters.flush()
    assert sum(counters.counts[today].values()) == 8
    if not backend.up:
        return
    counters.backend_url = backend.url
    await counters.close()
    assert counters.counts == {}
    with sqlite3.connect(stack_dir / "intake.sqlite3") as db:
        rows = db.execute("SELECT day, metric, key, count FROM chat_counts").fetchall()
    assert {(m, k): n for d, m, k, n in rows if d == today.isoformat()} == dict(EXPECTED)
