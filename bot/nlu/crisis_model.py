"""The crisis classifier: is this message someone in crisis now, and of which kind? No Rasa imports.

Trained on a corpus of its own (data/crisis/*.tsv: crisis messages by kind, and ordinary messages that speak of
the same themes without an emergency now) plus every non-crisis example of the NLU training data. A linear model
over character and word n-grams and a sentence embedding: char n-grams carry Dutch compounds, chat spelling and typos;
words carry phrasing; the embedding (sentences.py) carries meaning in words no example used.
Before vectorising, cue words (crisis_lexicon.cue_tokens) are added for tense and time, negation, means and who the
message is about, so that "hij sloeg me toen" and "hij slaat me nu" differ in more than one character.

`probabilities()` gives P(crisis) = 1 - P(none) and the most likely kind; the bands (sure, unsure) are in config.yml.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.crisis_lexicon import CRISIS_TYPES, cue_tokens, normalise
from bot.nlu.sentences import embed
from bot.nlu.topic_model import contiguous_transpose

NONE = "none"
# The corpus' kind names -> the crisis types the answers are keyed by (actions/safety.py).
CORPUS_KINDS = {"suicide": "suicide", "danger": "danger", "domestic": "domestic_violence",
                "sexual_recent": "sexual_violence", **{kind: kind for kind in CRISIS_TYPES}}


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # NONE or a crisis type


def read_corpus(folder: Path) -> list[Example]:
    """crisis*.tsv (lang, kind, text) are crises; ordinary*.tsv (lang, category, text) are not."""
    examples = []
    for path in sorted(folder.glob("*.tsv")):
        crisis = path.name.startswith("crisis")
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                text = (row.get("text") or "").strip()
                if text:
                    examples.append(Example(text, CORPUS_KINDS[row["kind"]] if crisis else NONE))
    return examples


def ordinary_examples(labelled: Iterable[tuple[str, str]]) -> list[Example]:
    """Every (text, intent) of the NLU training data that is not a crisis, as an ordinary message (NONE)."""
    return [Example(text, NONE) for text, intent in labelled if text and intent != "crisis"]


def corpus_fingerprint(folder: Path) -> str:
    """Changes whenever a corpus file does, so that Rasa retrains the detector (GraphComponent.fingerprint_addon)."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.tsv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prepared(text: str) -> str:
    clean = normalise(text)
    return " ".join([clean, *cue_tokens(clean)])


class CrisisModel:
    """Character and word n-gram features; one logistic regression for crisis or not, one for the kind.

    Two models, not one over NONE and the kinds: with one, a text the features say little about ("ja", a name)
    would get four fifths of its probability spread over the crisis kinds.
    """

    def __init__(self, seed: int = 42, sentence_weight: float = 2.0) -> None:
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w[\w']*\b")
        # C 16 rather than 8, 4 or 2: with the sentence embedding, the fewest questions on the development set's
        # ordinary messages for the same recall.
        self.is_crisis = LogisticRegression(C=16.0, max_iter=3000, random_state=seed)
        self.kind = LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced", random_state=seed)
        self.sentence_weight = sentence_weight

    def _features(self, texts: Iterable[str], fit: bool = False, embedded: np.ndarray | None = None):
        texts = list(texts)
        sentences = csr_matrix((embed(texts) if embedded is None else embedded) * self.sentence_weight)
        texts = [prepared(t) for t in texts]
        if fit:
            return hstack([self.chars.fit_transform(texts), self.words.fit_transform(texts), sentences]).tocsr()
        return hstack([self.chars.transform(texts), self.words.transform(texts), sentences]).tocsr()

    def fit(self, examples: list[Example]) -> CrisisModel:
        features = self._features([e.text for e in examples], fit=True)
        labels = np.array([e.label for e in examples])
        crisis = labels != NONE
        self.is_crisis.fit(features, crisis)
        self.kind.fit(features[crisis], labels[crisis])
        contiguous_transpose(self.kind)
        return self

    def probabilities(self, texts: list[str], embedded: np.ndarray | None = None) -> list[tuple[float, str]]:
        """(P(crisis), most likely crisis type) per text; embedded: their sentence embeddings if the caller has them."""
        if not texts:
            return []
        features = self._features(texts, embedded=embedded)
        p_crisis = self.is_crisis.predict_proba(features)[:, list(self.is_crisis.classes_).index(True)]
        kinds = self.kind.predict(features)
        return [(float(p), str(kind)) for p, kind in zip(p_crisis, kinds, strict=True)]


def cross_validated(examples: list[Example], folds: int = 5, seed: int = 42) -> np.ndarray:
    """P(crisis) of each example from a model that did not see it (for choosing and checking the bands)."""
    rng = np.random.default_rng(seed)
    fold_of = rng.integers(0, folds, len(examples))
    scores = np.zeros(len(examples))
    for fold in range(folds):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        model = CrisisModel(seed).fit(train)
        for i, (p, _) in zip(test, model.probabilities([examples[i].text for i in test]), strict=True):
            scores[i] = p
    return scores


def main() -> None:  # pragma: no cover - a measuring aid: python -m bot.nlu.crisis_model
    """Cross-validated recall and alarm rates of the corpus at a range of bands."""
    from rasa.shared.nlu.training_data.loading import load_data  # the reader Rasa trains with

    root = Path(__file__).resolve().parents[2]
    nlu = load_data(str(root / "data" / "nlu"))
    examples = read_corpus(root / "data" / "crisis") + ordinary_examples(
        (m.get("text"), m.get("intent")) for m in nlu.intent_examples)
    scores = cross_validated(examples)
    crisis = np.array([e.label != NONE for e in examples])
    print(f"{crisis.sum()} crisis, {(~crisis).sum()} ordinary examples (5-fold)")
    for band in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        print(f"p>={band:.2f}: recall {np.mean(scores[crisis] >= band):.3f}  "
              f"ordinary above {np.mean(scores[~crisis] >= band):.3f}")


if __name__ == "__main__":  # pragma: no cover
    main()
