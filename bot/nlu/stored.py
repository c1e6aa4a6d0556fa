"""A trainable NLU component whose whole trained state is one joblib file in Rasa's model storage."""
from __future__ import annotations

from typing import Any, ClassVar

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


class StoredComponent(GraphComponent):
    """Subclasses set MODEL_FILE, give their defaults in get_default_config(), keep what train() made with
    `self.save(state)`, and take it back in `restore(state)` (None before training)."""

    MODEL_FILE: ClassVar[str]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 state: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self.restore(state)

    def restore(self, state: Any) -> None:
        raise NotImplementedError

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> StoredComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> StoredComponent:
        with model_storage.read_from(resource) as folder:
            return cls(config, model_storage, resource, joblib.load(folder / cls.MODEL_FILE))

    def save(self, state: Any) -> Resource:
        with self._storage.write_to(self._resource) as folder:
            joblib.dump(state, folder / self.MODEL_FILE)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
