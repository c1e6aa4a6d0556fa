"""Rasa's DIETClassifier and sparse featurizers, minus work whose result nobody uses.

Classifying button payloads: Rasa's RegexMessageHandler unpacks a payload ("/inform{...}") at the end of the
pipeline and replaces whatever a classifier said about it; DIET costs about a tenth of Rasa's CPU per message
(docs/PERFORMANCE.md). The lean classes skip such messages: DIET leaves "not understood" (confidence 0),
which is also the outcome when a payload names no known intent. The lean featurizers skip them too: only DIET reads
the features. Typed messages and training are unchanged.

A training step on load: Rasa builds each model's variables by running one training step (tracing the whole
training graph: most of Rasa's start) and then overwrites them with the saved weights. `restore` reads the saved
weights first and lets one prediction create the variables, which TensorFlow fills from the file as they appear;
it then checks that every variable it made was found in the file.
"""
from __future__ import annotations

import copy
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.extractors.extractor import EntityTagSpec
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import LexicalSyntacticFeaturizer
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

NOT_UNDERSTOOD = {INTENT_NAME_KEY: "nlu_fallback", "confidence": 0.0}


def is_payload(message: Message) -> bool:
    return (message.get(TEXT) or "").strip().startswith(INTENT_MESSAGE_PREFIX)


def typed(messages: list[Message]) -> list[Message]:
    return [m for m in messages if not is_payload(m)]


def restore(model_class: type[RasaModel], tf_model_file: str, model_data_example: RasaModelData,
            label_data: RasaModelData, entity_tag_specs: list[EntityTagSpec], config: dict[str, Any],
            finetune_mode: bool) -> RasaModel:
    """What Rasa's `_load_model_class` does, without the training step (finetuning keeps it: it trains on)."""
    predict_data_example = RasaModelData(
        label_key=model_data_example.label_key,
        data={name: features for name, features in model_data_example.items() if TEXT in name})
    kwargs = dict(data_signature=model_data_example.get_signature(), label_data=label_data,
                  entity_tag_specs=entity_tag_specs, config=copy.deepcopy(config))
    if finetune_mode:
        return model_class.load(tf_model_file, model_data_example, predict_data_example, finetune_mode, **kwargs)
    model = model_class(**kwargs)
    status = model.load_weights(tf_model_file)
    model.run_inference(predict_data_example)
    status.assert_existing_objects_matched()
    status.expect_partial()  # the optimizer's state in the file is for training on, not needed here
    return model


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class LeanDIETClassifier(DIETClassifier):
    @classmethod
    def _load_model_class(cls, tf_model_file, model_data_example, label_data, entity_tag_specs, config,
                          finetune_mode=False) -> RasaModel:
        return restore(cls.model_class(), tf_model_file, model_data_example, label_data, entity_tag_specs, config,
                       finetune_mode)

    def process(self, messages: list[Message]) -> list[Message]:
        super().process(typed(messages))
        for message in filter(is_payload, messages):
            message.set(INTENT, dict(NOT_UNDERSTOOD), add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages


# The featurizers: the same features for typed messages, none for payloads (no classifier looks at those).
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class LeanLexicalSyntacticFeaturizer(LexicalSyntacticFeaturizer):
    def process(self, messages: list[Message]) -> list[Message]:
        super().process(typed(messages))
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class LeanCountVectorsFeaturizer(CountVectorsFeaturizer):
    def process(self, messages: list[Message]) -> list[Message]:
        super().process(typed(messages))
        return messages
