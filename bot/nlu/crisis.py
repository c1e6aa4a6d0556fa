"""The safety net: a crisis detector of its own, with the last word over every classifier before it.

Three outcomes for every typed message, in any state of the conversation:
- sure: intent `crisis` (confidence 1.0) with entities `crisis_type` (and `crisis_acute` when 112 belongs in the
  answer); the rules answer with the numbers at once.
- unsure: intent `crisis_check`, with the most likely `crisis_type` and, in `crisis_prior`, what the message would
  otherwise have been (a FAQ answer's name or an intent): the bot asks whether it happens now, with 112 on the
  same line, and the answer decides (actions/safety.py).
- none: the classifiers' result stands.
The classifier (crisis_model.py) decides the band; the curated lexicon (crisis_lexicon.py) can only raise it: a
lexicon match is at least unsure, and sure once the classifier agrees a little (`lexicon_confirm`). A message that
reads as "stop" as well as despair ("ik wil niet meer") is always asked about, never sure and never a plain stop.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.crisis_lexicon import acute, ambiguous, detect
from bot.nlu.crisis_model import CrisisModel, corpus_fingerprint, ordinary_examples, read_corpus
from bot.nlu.lean import typed
from bot.nlu.sentences import of_messages
from bot.nlu.stored import StoredComponent

CRISIS_INTENT = "crisis"
CHECK_INTENT = "crisis_check"
ROOT = Path(__file__).resolve().parents[2]

def _folder(config: dict[str, Any]) -> Path:
    folder = Path(config["corpus"])
    return folder if folder.is_absolute() else ROOT / folder


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class CrisisDetector(StoredComponent):
    MODEL_FILE = "crisis_model.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The bands are set in config.yml; `python -m bot.nlu.crisis_model` prints what they mean on the corpus.
        return {"corpus": "data/crisis", "sure": 0.85, "unsure": 0.2, "lexicon_confirm": 0.1, "sentence_weight": 2.0,
                "random_seed": 42}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return corpus_fingerprint(_folder({**cls.get_default_config(), **config}))

    def restore(self, state: CrisisModel | None) -> None:
        self.model = state

    def train(self, training_data: TrainingData) -> Resource:
        # Every NLU example that is not a crisis is an ordinary message too (questions, answers, greetings).
        ordinary = ordinary_examples((m.get(TEXT), m.get(INTENT)) for m in training_data.intent_examples)
        examples = read_corpus(_folder(self.config)) + ordinary
        self.model = CrisisModel(self.config["random_seed"], self.config["sentence_weight"]).fit(examples)
        return self.save(self.model)

    def process(self, messages: list[Message]) -> list[Message]:
        messages_typed = typed(messages)  # a payload's intent is Rasa's RegexMessageHandler's to set
        if not messages_typed or self.model is None:
            return messages
        scores = self.model.probabilities([m.get(TEXT) or "" for m in messages_typed], of_messages(messages_typed))
        for message, (p_crisis, kind) in zip(messages_typed, scores, strict=True):
            self._decide(message, p_crisis, kind)
        return messages

    def _decide(self, message: Message, p_crisis: float, kind: str) -> None:
        text = message.get(TEXT) or ""
        listed = detect(text)
        sure = (listed and p_crisis >= self.config["lexicon_confirm"]) or p_crisis >= self.config["sure"]
        if sure and not ambiguous(text):
            kinds = listed or [kind]
            entities = [("crisis_type", k) for k in kinds] + ([("crisis_acute", "yes")] if acute(text) else [])
            _set(message, CRISIS_INTENT, 1.0, entities)
        elif listed or p_crisis >= self.config["unsure"] or ambiguous(text):
            entities = [("crisis_type", (listed or [kind])[0]), ("crisis_prior", _prior(message))]
            _set(message, CHECK_INTENT, p_crisis, entities)


def _prior(message: Message) -> str:
    """What the message would have been without the detector: a FAQ answer's name ("faq/cost") or an intent."""
    intent = (message.get(INTENT) or {}).get("name") or "nlu_fallback"
    if intent != "faq":
        return intent
    answer = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get("faq", {})
    return answer.get(RESPONSE_SELECTOR_PREDICTION_KEY, {}).get("intent_response_key") or intent


def _set(message: Message, intent_name: str, confidence: float, entities: list[tuple[str, str]]) -> None:
    intent = {"name": intent_name, "confidence": confidence}
    ranking = [intent] + [r for r in message.get(INTENT_RANKING_KEY, []) or [] if r.get("name") != intent_name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    text_end = len(message.get(TEXT) or "")
    kept = [e for e in message.get(ENTITIES, []) if not e.get("entity", "").startswith("crisis_")]
    kept += [{"entity": name, "value": value, "start": 0, "end": text_end, "confidence": 1.0,
              "extractor": CrisisDetector.__name__} for name, value in entities]
    message.set(ENTITIES, kept, add_to_output=True)
