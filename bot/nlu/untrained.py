"""The base of the NLU components that learn nothing: the crisis lexicon, the language guess, the FAQ doubt."""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


class Untrained(GraphComponent):
    """Made without configuration or stored state; training data passes through unchanged."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> Untrained:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
