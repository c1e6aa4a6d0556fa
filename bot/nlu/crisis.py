"""The safety net: a crisis lexicon that overrides the classifiers (see crisis_lexicon.py)."""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis_lexicon import detect
from bot.nlu.doubt import not_understood
from bot.nlu.untrained import Untrained

CRISIS_INTENT = "crisis"
# DIET is confidently wrong on short messages unlike its training data ("dankje" came out crisis 0.99, a typed
# name 0.44). Every held-out crisis is caught by the lexicon; the model's own `crisis` stands only when it is
# this sure, else the message counts as not understood (inside a form: the answer to the open question).
MODEL_CRISIS_MIN = 0.9


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
)
class CrisisDetector(Untrained):
    """Sets intent `crisis` (confidence 1.0) and entities `crisis_type` when the lexicon matches.

    Placed after DIET, ResponseSelector and FallbackClassifier so that it has the last word: a classifier
    may miss an indirect phrasing, the lexicon may not. Without a lexicon match, the classifiers' `crisis`
    below MODEL_CRISIS_MIN becomes `nlu_fallback`.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            kinds = detect(text)
            if not kinds:
                self._doubt_unsure_crisis(message)
                continue
            intent = {"name": CRISIS_INTENT, "confidence": 1.0}
            ranking = [intent] + [r for r in message.get(INTENT_RANKING_KEY, []) or [] if r.get("name") != CRISIS_INTENT]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "crisis_type"]
            entities += [{"entity": "crisis_type", "value": kind, "start": 0, "end": len(text), "confidence": 1.0,
                          "extractor": self.__class__.__name__} for kind in kinds]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    @staticmethod
    def _doubt_unsure_crisis(message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get("name") != CRISIS_INTENT or intent.get("confidence", 0.0) >= MODEL_CRISIS_MIN:
            return
        not_understood(message, intent.get("confidence", 0.0))
