"""Which band a message falls in (bot/nlu/crisis.py): the decision rule, and messages on the trained model."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis import CrisisDetector
from tests import stack


def configured() -> dict:
    """The detector's settings as config.yml gives them to Rasa."""
    import yaml

    pipeline = yaml.safe_load((stack.ROOT / "config.yml").read_text())["pipeline"]
    step = next(s for s in pipeline if s["name"] == "bot.nlu.crisis.CrisisDetector")
    return {**CrisisDetector.get_default_config(), **{k: v for k, v in step.items() if k != "name"}}


class FixedScores:
    """Stands in for the classifier, so that the rule around it is tested at exact probabilities."""

    def __init__(self, p: float, kind: str = "danger") -> None:
        self.p, self.kind = p, kind

    def probabilities(self, texts, embedded=None):
        return [(self.p, self.kind) for _ in texts]


def decided(text: str, p: float, kind: str = "danger", intent: str = "faq") -> Message:
    detector = CrisisDetector(configured(), None, None, FixedScores(p, kind))
    faq = {"faq": {"response": {"intent_response_key": "faq/cost", "confidence": 0.8}}}
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "intent_ranking": [{"name": intent, "confidence": 0.9}], "entities": [],
                            "response_selector": faq})
    detector.process([message])
    return message


def entities(message: Message) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in message.get("entities"):
        found.setdefault(e["entity"], []).append(e["value"])
    return found


def test_sure_unsure_and_none_follow_the_configured_bands():
    config = configured()
    sure, unsure = config["sure"], config["unsure"]
    assert decided("wat kost het", sure).get("intent") == {"name": "crisis", "confidence": 1.0}
    assert decided("wat kost het", sure - 0.01).get("intent")["name"] == "crisis_check"
    assert decided("wat kost het", unsure).get("intent")["name"] == "crisis_check"
    assert decided("wat kost het", unsure - 0.01).get("intent")["name"] == "faq"


def test_unsure_keeps_the_likely_kind_and_what_the_message_would_have_been():
    message = decided("wat kost het", 0.5, kind="suicide")
    assert entities(message) == {"crisis_type": ["suicide"], "crisis_prior": ["faq/cost"]}
    other = decided("hallo", 0.5, intent="greet")
    assert entities(other)["crisis_prior"] == ["greet"]


def test_a_lexicon_match_is_at_least_unsure_and_sure_once_the_classifier_agrees_a_little():
    confirm = configured()["lexicon_confirm"]
    assert decided("ik wil niet meer leven", 0.0).get("intent")["name"] == "crisis_check"
    sure = decided("ik wil niet meer leven", confirm)
    assert sure.get("intent")["name"] == "crisis" and entities(sure)["crisis_type"] == ["suicide"]


def test_acute_words_add_112_to_a_sure_answer():
    assert entities(decided("ik heb net alle pillen genomen", 0.95, "suicide"))["crisis_acute"] == ["yes"]
    assert "crisis_acute" not in entities(decided("ik denk aan zelfmoord", 0.95, "suicide"))


def test_harm_expected_tonight_adds_112_to_the_helpline_of_its_kind():
    child = decided("mijn stiefvader komt vannacht weer naar mijn kamer en ik ben bang", 0.95, "domestic_violence")
    assert entities(child)["crisis_acute"] == ["yes"]
    tonight = decided("he said he will hurt my mum tonight", 0.95, "domestic_violence")
    assert entities(tonight)["crisis_acute"] == ["yes"]
    # A habit is not within hours: the kind's helpline, without 112.
    habit = decided("mijn vader slaat ons elke dag weer", 0.95, "domestic_violence")
    assert "crisis_acute" not in entities(habit)


def test_button_payloads_are_left_alone():
    message = decided('/inform{"role":"affected"}', 0.99)
    assert message.get("intent")["name"] == "faq"


# --- the trained model, on examples people outside the project wrote ------------------------------------------------
async def parsed(agent, text: str) -> tuple[str, set[str]]:
    result = await agent.parse_message(text)
    return result["intent"]["name"], {e["value"] for e in result["entities"] if e["entity"] == "crisis_type"}


@pytest.mark.session_loop
@pytest.mark.parametrize("text, kind", [
    ("ik kras mijn armen open", "suicide"),
    ("I want to disappear for good", "suicide"),
    ("hij staat beneden met een hamer", "danger"),
    ("mijn vader zit aan mijn zusje", "domestic_violence"),
])
async def test_crisis_in_own_words_is_recognised_with_the_right_helpline(agent, text, kind):
    intent, kinds = await parsed(agent, text)
    assert intent in ("crisis", "crisis_check") and kind in kinds


@pytest.mark.session_loop
@pytest.mark.parametrize("text", ["ik ben bang voor mijn ex, ik wil hem niet zien", "this is killing me",
                                  "help, ik snap het niet"])
async def test_ordinary_worries_are_not_a_sure_alarm(agent, text):
    intent, _ = await parsed(agent, text)
    assert intent != "crisis"


def test_ik_wil_niet_meer_is_asked_about_however_sure_the_classifier_is():
    for p in (0.0, 0.5, 0.99):
        message = decided("ik wil niet meer", p, kind="suicide", intent="stop")
        assert message.get("intent")["name"] == "crisis_check"
        assert entities(message) == {"crisis_type": ["suicide"], "crisis_prior": ["stop"]}
