"""Classifier answers too unsure to act on become "not understood" (intent `nlu_fallback`)."""
from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.lean import typed
from bot.nlu.untrained import Untrained

FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"


def not_understood(message: Message, confidence: float) -> None:
    """Make `nlu_fallback` the message's intent, on top of its ranking, as Rasa's FallbackClassifier does."""
    fallback = {"name": FALLBACK_INTENT, "confidence": confidence}
    ranking = [fallback] + [r for r in message.get(INTENT_RANKING_KEY, []) or [] if r.get("name") != FALLBACK_INTENT]
    message.set(INTENT, fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnsureFaqFallback(Untrained):
    """A typed `faq` message whose best answer is below `min_answer_confidence` (config.yml) is not understood:
    a confident answer to another question misleads a person who will not ask twice; "I don't know" does not.

    Placed after the ResponseSelector and the FallbackClassifier, before the CrisisDetector (which has the last word).
    """

    def __init__(self, min_answer_confidence: float = 0.12) -> None:
        self.min_answer_confidence = min_answer_confidence

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_answer_confidence": 0.12}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> UnsureFaqFallback:
        return cls(config["min_answer_confidence"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in typed(messages):  # a payload's intent is Rasa's RegexMessageHandler's to set
            if (message.get(INTENT) or {}).get("name") != FAQ_INTENT:
                continue
            answer = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(FAQ_INTENT, {})
            confidence = answer.get(RESPONSE_SELECTOR_PREDICTION_KEY, {}).get("confidence", 0.0)
            if confidence < self.min_answer_confidence:
                not_understood(message, confidence)
        return messages


# "Stop" ends the whole conversation and wipes every answer, also in the middle of a free-text question: it has to be
# meant. A name like "Ilse-Vandermeulen" came out stop 0.84. A typed stop counts when the words say so or the model
# is this sure; otherwise it is "not understood" (inside a form: the answer to the open question).
STOP_MIN = 0.9
_STOP_WORDS = re.compile(r"\b(?:stop\w*|ophouden|hou op|houd op|kap|kappen|annuleer\w*|afbreken|laat maar|vergeet het|"
                         r"niet meer|niet verder|genoeg|cancel|quit|never ?mind|forget it|anymore|enough|end this)\b")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnclearStop(Untrained):
    """A typed `stop` without a stop word and below STOP_MIN is not understood. Before the CrisisDetector, which
    still sees "ik wil niet meer" as a stop that may be despair."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in typed(messages):
            intent = message.get(INTENT) or {}
            if intent.get("name") != "stop" or intent.get("confidence", 0.0) >= STOP_MIN:
                continue
            if not _STOP_WORDS.search((message.get(TEXT) or "").lower()):
                not_understood(message, intent.get("confidence", 0.0))
        return messages
