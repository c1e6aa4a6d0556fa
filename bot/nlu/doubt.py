"""Classifier answers too unsure to act on become "not understood" (intent `nlu_fallback`)."""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.lean import typed
from bot.nlu.untrained import Untrained

FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"
# DIET may call keyboard mash a question ("qwrtzp vlkmn xxj": faq 0.94), and the ResponseSelector then picks an
# answer it is not sure of at all. With 33 answers, the held-out questions got 0.17 and more for their answer and
# mash 0.04-0.08 (model of 2026-12-02; tests/bot/test_fallback.py sends mash): below this, no answer beats a random one.
FAQ_ANSWER_MIN = 0.12


def not_understood(message: Message, confidence: float) -> None:
    """Make `nlu_fallback` the message's intent, on top of its ranking, as Rasa's FallbackClassifier does."""
    fallback = {"name": FALLBACK_INTENT, "confidence": confidence}
    ranking = [fallback] + [r for r in message.get(INTENT_RANKING_KEY, []) or [] if r.get("name") != FALLBACK_INTENT]
    message.set(INTENT, fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnsureFaqFallback(Untrained):
    """A typed `faq` message whose best answer is below FAQ_ANSWER_MIN is not understood.

    Placed after the ResponseSelector and the FallbackClassifier, before the CrisisDetector (which has the last word).
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in typed(messages):  # a payload's intent is Rasa's RegexMessageHandler's to set
            if (message.get(INTENT) or {}).get("name") != FAQ_INTENT:
                continue
            answer = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(FAQ_INTENT, {})
            confidence = answer.get(RESPONSE_SELECTOR_PREDICTION_KEY, {}).get("confidence", 0.0)
            if confidence < FAQ_ANSWER_MIN:
                not_understood(message, confidence)
        return messages
