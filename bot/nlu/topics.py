"""The intent of every typed message and, for a question, its FAQ answer: topic_model.TopicModel in Rasa's graph.

It sets what Rasa's DIETClassifier and ResponseSelector would (the intent, its ranking, the `faq` answer with its
confidence and ranking), after DIET, which still finds the entities. The thresholds that turn an unsure reading into
"not understood" stay where they were: FallbackClassifier (intent) and doubt.UnsureFaqFallback (answer).
"""
from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.lean import typed
from bot.nlu.sentences import of_messages
from bot.nlu.stored import StoredComponent
from bot.nlu.topic_model import Reading, TopicModel

RANKING_LENGTH = 10


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TopicClassifier(StoredComponent):
    MODEL_FILE = "topic_model.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"c": 16.0, "sentence_weight": 1.0, "random_seed": 42}

    def restore(self, state: tuple[TopicModel, list[str]] | None) -> None:
        self.model, self.retrieval_intents = state or (None, [])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = [m.get(INTENT_RESPONSE_KEY) or m.get(INTENT) for m in examples]
        self.model = TopicModel(self.config["c"], self.config["sentence_weight"], self.config["random_seed"])
        self.model.fit([m.get(TEXT) for m in examples], labels)
        self.retrieval_intents = sorted(training_data.retrieval_intents)
        return self.save((self.model, self.retrieval_intents))

    def process(self, messages: list[Message]) -> list[Message]:
        messages_typed = typed(messages)  # a payload's intent is Rasa's RegexMessageHandler's to set
        if not messages_typed or self.model is None:
            return messages
        readings = self.model.read([m.get(TEXT) for m in messages_typed], of_messages(messages_typed))
        for message, reading in zip(messages_typed, readings, strict=True):
            self._set(message, reading)
        return messages

    def _set(self, message: Message, reading: Reading) -> None:
        ranking = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in reading.intents[:RANKING_LENGTH]]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        selectors = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: self.retrieval_intents}
        for retrieval_intent in self.retrieval_intents:
            answers = [(key, p) for key, p in reading.answers if key.split("/", 1)[0] == retrieval_intent]
            if not answers:
                continue
            key, p = answers[0]
            selectors[retrieval_intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: [], PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}"},
                RESPONSE_SELECTOR_RANKING_KEY: [{PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: key}
                                                for key, p in answers[:RANKING_LENGTH]],
            }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
