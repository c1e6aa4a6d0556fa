"""bot/nlu/lean.py: the lean classifiers load without Rasa's training step and predict exactly as Rasa's own; the lean
featurizers give typed text Rasa's features and payloads none."""
from __future__ import annotations

import time

import pytest
from rasa.core.agent import Agent
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.evaluate import holdout
from bot.nlu.lean import (
    LeanCountVectorsFeaturizer,
    LeanDIETClassifier,
    LeanLexicalSyntacticFeaturizer,
)
from tests import stack

pytestmark = pytest.mark.session_loop
LEAN_FEATURIZERS = (LeanLexicalSyntacticFeaturizer, LeanCountVectorsFeaturizer)


def summary(parsed: dict) -> tuple:
    response = (parsed.get("response_selector") or {}).get("faq", {}).get("response", {})
    return ([(r["name"], round(r["confidence"], 5)) for r in parsed["intent_ranking"]],
            [(e["entity"], e["value"]) for e in parsed["entities"]], response.get("intent_response_key"))


async def test_restored_models_predict_as_rasas_own_load(agent, monkeypatch):
    monkeypatch.setattr(LeanDIETClassifier, "_load_model_class", DIETClassifier.__dict__["_load_model_class"])
    started = time.monotonic()
    rasas = Agent.load(str(stack.MODEL))
    print(f"model loaded Rasa's way in {time.monotonic() - started:.0f} s")
    texts = [e.text for examples in holdout().values() for e in examples] + ["Noor", "06 12345678", "ja"]
    differ = [t for t in texts if summary(await agent.parse_message(t)) != summary(await rasas.parse_message(t))]
    assert differ == []


async def test_a_button_payload_still_gets_its_intent_and_entities(agent):
    parsed = await agent.parse_message('/inform{"role":"affected"}')
    assert parsed["intent"]["name"] == "inform" and parsed["intent"]["confidence"] == 1.0
    assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [("role", "affected")]


def _features(message: Message) -> list:
    return sorted((f.type, f.attribute, f.origin, f.features.toarray().tolist()) for f in message.features)


async def test_featurizers_skip_payloads_and_give_typed_text_rasas_features(agent):
    """The trained featurizers of the model: a payload gets no features (no classifier reads them), typed text the
    features Rasa's own classes give it."""
    components = [node._component for node in agent.processor.graph_runner._instantiated_nodes.values()]
    tokenizer = next(c for c in components if isinstance(c, WhitespaceTokenizer))
    featurizers = [c for c in components if type(c) in LEAN_FEATURIZERS]
    assert sorted(type(c).__name__ for c in featurizers) == [  # config.yml: two count-vector featurizers
        "LeanCountVectorsFeaturizer", "LeanCountVectorsFeaturizer", "LeanLexicalSyntacticFeaturizer"]
    for featurizer in featurizers:
        rasa_class = type(featurizer).__mro__[1]
        typed, payload, theirs = (Message({TEXT: t}) for t in ("moet ik betalen?", '/inform{"role":"affected"}',
                                                               "moet ik betalen?"))
        tokenizer.process([typed, payload, theirs])
        featurizer.process([typed, payload])
        rasa_class.process(featurizer, [theirs])
        assert payload.features == []
        assert _features(typed) and _features(typed) == _features(theirs)
