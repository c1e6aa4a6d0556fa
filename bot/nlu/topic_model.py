"""What a typed message is: an intent, or for a question the FAQ answer it asks for. No Rasa imports.

One logistic regression chooses among every intent and every FAQ answer at once ("affirm", "faq/cost", ...), over
character n-grams (Dutch compounds, chat spelling, typos), word n-grams (phrasing) and a multilingual sentence
embedding (sentences.py: meaning in words no example used). Its probabilities are calibrated well enough that a
threshold on them separates an answer worth giving from "I don't understand" (config.yml); DIET and the
ResponseSelector, which it replaces for intents and answers, were as sure of a wrong answer as of a right one.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.sentences import embed

RETRIEVAL_SEPARATOR = "/"


def contiguous_transpose(classifier: LogisticRegression) -> None:
    """sklearn multiplies the sparse features by coef_.T, and scipy copies a dense operand that is not contiguous on
    every call (0.7 ms for 76 classes); in Fortran order the transpose is contiguous."""
    classifier.coef_ = np.asfortranarray(classifier.coef_)


@dataclass(frozen=True)
class Reading:
    """One message: the intents by probability (an intent's is the sum of its labels'), and the FAQ answers by
    probability (each the answer's own, not given the FAQ intent: a threshold on it asks for both at once)."""
    intents: list[tuple[str, float]]
    answers: list[tuple[str, float]]


class TopicModel:
    def __init__(self, c: float = 16.0, sentence_weight: float = 1.0, seed: int = 42) -> None:
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w[\w']*\b")
        self.sentence_weight = sentence_weight
        self.classifier = LogisticRegression(C=c, max_iter=5000, random_state=seed)

    def _features(self, texts: Sequence[str], fit: bool = False, embedded: np.ndarray | None = None) -> csr_matrix:
        sentences = csr_matrix((embed(texts) if embedded is None else embedded) * self.sentence_weight)
        if fit:
            return hstack([self.chars.fit_transform(texts), self.words.fit_transform(texts), sentences]).tocsr()
        return hstack([self.chars.transform(texts), self.words.transform(texts), sentences]).tocsr()

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TopicModel:
        """labels: an intent, or "faq/<answer>" for an example of a retrieval intent."""
        self.classifier.fit(self._features(texts, fit=True), np.asarray(labels))
        contiguous_transpose(self.classifier)
        return self

    def read(self, texts: Sequence[str], embedded: np.ndarray | None = None) -> list[Reading]:
        """embedded: the texts' sentence embeddings when the caller has them (sentences.of_messages)."""
        if not texts:
            return []
        labels = [str(label) for label in self.classifier.classes_]
        readings = []
        for row in self.classifier.predict_proba(self._features(texts, embedded=embedded)):
            intents: dict[str, float] = defaultdict(float)
            answers = []
            for label, p in zip(labels, row.tolist(), strict=True):
                intent, _, answer = label.partition(RETRIEVAL_SEPARATOR)
                intents[intent] += p
                if answer:
                    answers.append((label, p))
            readings.append(Reading(sorted(intents.items(), key=lambda kv: -kv[1]),
                                    sorted(answers, key=lambda kv: -kv[1])))
        return readings
