"""`POST /webhooks/rest/crisis` of bot/channel.py on the real Rasa process with the trained model: the crisis
detector's band for a text (the question box asks it), from NLU alone, and the text never in Rasa's log."""
from __future__ import annotations

import httpx
import pytest

from bot.channel import crisis_verdict
from tests import stack

SUICIDE = "Ik wil niet meer leven, ik denk erover om er vanavond een eind aan te maken."
ORDINARY = "Hoe lang duurt een bemiddeling meestal?"


@pytest.fixture(scope="module")
def rasa(tmp_path_factory):
    if not stack.MODEL.exists():
        pytest.fail("no trained model: run `flock /tmp/intake-train.lock make train` first")
    # No action server: a parse never calls one.
    proc, url = stack.start_rasa(tmp_path_factory.mktemp("crisis-route"), f"http://127.0.0.1:{stack.free_port()}")
    yield proc, url
    proc.stop()


def crisis(url: str, body) -> httpx.Response:
    return httpx.post(f"{url}/webhooks/rest/crisis", json=body, headers=stack.BOT_SECRET_HEADERS, timeout=30)


def test_a_clear_suicide_message_is_sure_and_of_its_kind(rasa):
    proc, url = rasa
    r = crisis(url, {"text": SUICIDE})
    assert r.status_code == 200
    verdict = r.json()
    assert verdict["band"] == "sure" and "suicide" in verdict["kinds"]
    assert isinstance(verdict["acute"], bool)
    ordinary = crisis(url, {"text": ORDINARY}).json()
    assert ordinary == {"band": "none", "kinds": [], "acute": False}
    assert "niet meer leven" not in proc.log_text() and ORDINARY not in proc.log_text()


def test_a_body_without_text_is_refused(rasa):
    _proc, url = rasa
    for body in ({}, {"text": ""}, {"text": 3}, {"text": "x" * 4001}, ["tekst"]):
        r = crisis(url, body)
        assert r.status_code == 400, body
    # The channel's own routes are still there beside it.
    assert httpx.get(f"{url}/webhooks/rest/", headers=stack.BOT_SECRET_HEADERS, timeout=10).json() == {"status": "ok"}


@pytest.mark.parametrize("parsed, verdict", [
    ({"intent": {"name": "crisis"}, "entities": [{"entity": "crisis_type", "value": "suicide"},
                                                {"entity": "crisis_acute", "value": "yes"}]},
     {"band": "sure", "kinds": ["suicide"], "acute": True}),
    ({"intent": {"name": "crisis_check"}, "entities": [{"entity": "crisis_type", "value": "domestic_violence"},
                                                      {"entity": "crisis_prior", "value": "faq/cost"}]},
     {"band": "unsure", "kinds": ["domestic_violence"], "acute": False}),
    ({"intent": {"name": "faq"}, "entities": [{"entity": "crisis_type", "value": "suicide"}]},
     {"band": "none", "kinds": [], "acute": False}),
    ({"intent": None, "entities": None}, {"band": "none", "kinds": [], "acute": False}),
])
def test_the_verdict_is_read_from_the_parse(parsed, verdict):
    assert crisis_verdict(parsed) == verdict
