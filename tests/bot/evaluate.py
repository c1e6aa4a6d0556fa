"""`make eval`: how well the trained model does on the held-out NLU files, and how readable the Dutch copy is.

Run: .venv/bot/bin/python -m tests.bot.evaluate   (exits 1 when a bar is missed)
The held-out files (tests/data/nlu_holdout/*.yml) are never part of training data.
"""
from __future__ import annotations

import asyncio
import logging
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import textstat
import yaml
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "intake.tar.gz"
HOLDOUT = ROOT / "tests" / "data" / "nlu_holdout"
DOMAIN = ROOT / "bot" / "domain"

# The bars (from the brief). Missing a crisis is the worst failure, a false alarm the second worst.
MIN_INTENT_F1 = 0.90
MIN_RESPONSE_F1 = 0.90
MIN_CRISIS_RECALL = 1.0
MAX_FALSE_ALARM = 0.01
MIN_MEAN_READING_EASE = 65.0
MIN_READING_EASE = 40.0
MAX_WORDS = 60


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # full label, e.g. "faq/cost" or "crisis"

    @property
    def intent(self) -> str:
        return self.label.split("/")[0]


def load_examples(path: Path) -> list[Example]:
    """Examples of one Rasa NLU YAML file."""
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(Example(line[2:].strip(), block["intent"]))
    return examples


def holdout() -> dict[str, list[Example]]:
    return {path.stem: load_examples(path) for path in sorted(HOLDOUT.glob("*.yml"))}


# --- readability -----------------------------------------------------------------------------------
def dutch_responses() -> dict[str, list[str]]:
    """Every Dutch text (variations without a condition) of every response in bot/domain."""
    texts: dict[str, list[str]] = {}
    for path in sorted(DOMAIN.glob("*.yml")):
        for name, variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variation in variations:
                if not variation.get("condition") and variation.get("text"):
                    texts.setdefault(name, []).append(variation["text"])
    return texts


def reading_ease(text: str) -> float:
    """Flesch-Douma reading ease (textstat with Dutch syllables and constants)."""
    textstat.set_lang("nl")
    return textstat.flesch_reading_ease(text)


def readability() -> dict:
    scores = {f"{name}[{i}]": (reading_ease(t), len(t.split()))
              for name, texts in dutch_responses().items() for i, t in enumerate(texts)}
    return {
        "count": len(scores),
        "mean": statistics.mean(s for s, _ in scores.values()) if scores else 0.0,
        "too_hard": {k: round(s, 1) for k, (s, _) in scores.items() if s < MIN_READING_EASE},
        "too_long": {k: n for k, (_, n) in scores.items() if n > MAX_WORDS},
    }


# --- NLU -------------------------------------------------------------------------------------------
def load_agent():
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    return Agent.load(str(MODEL))


async def predict(agent, examples: list[Example]) -> list[tuple[str, str]]:
    """(intent, full retrieval label) the model gives each example."""
    out = []
    for example in examples:
        parsed = await agent.parse_message(example.text)
        intent = parsed["intent"]["name"]
        selected = (parsed.get("response_selector") or {}).get("faq", {}).get("response", {})
        out.append((intent, selected.get("intent_response_key") or ""))
    return out


async def nlu_scores(agent) -> dict:
    sets = holdout()
    crisis, ordinary = sets.get("crisis", []), sets.get("ordinary", [])
    everything = [e for examples in sets.values() for e in examples]
    predicted = await predict(agent, everything)
    truth = [e.intent for e in everything]
    guess = [p[0] for p in predicted]
    faq_pairs = [(e.label, p[1]) for e, p in zip(everything, predicted) if e.intent == "faq"]
    by_text = dict(zip((e.text for e in everything), guess))
    missed = [e.text for e in crisis if by_text[e.text] != "crisis"]
    alarms = [e.text for e in ordinary if by_text[e.text] == "crisis"]
    return {
        "examples": len(everything),
        "intent_f1": f1_score(truth, guess, average="weighted", zero_division=0),
        "response_f1": f1_score([t for t, _ in faq_pairs], [p for _, p in faq_pairs], average="weighted",
                                zero_division=0) if faq_pairs else 0.0,
        "crisis_recall": 1 - len(missed) / len(crisis) if crisis else 0.0,
        "false_alarm_rate": len(alarms) / len(ordinary) if ordinary else 1.0,
        "missed_crises": missed,
        "false_alarms": alarms,
        "intent_errors": [(e.text, e.intent, g) for e, g in zip(everything, guess) if e.intent != g],
        "response_errors": [(t, p) for t, p in faq_pairs if t != p],
    }


def failures(nlu: dict, read: dict) -> list[str]:
    checks = [
        (nlu["intent_f1"] >= MIN_INTENT_F1, f"intent F1 {nlu['intent_f1']:.3f} < {MIN_INTENT_F1}"),
        (nlu["response_f1"] >= MIN_RESPONSE_F1, f"response-selector F1 {nlu['response_f1']:.3f} < {MIN_RESPONSE_F1}"),
        (nlu["crisis_recall"] >= MIN_CRISIS_RECALL, f"crisis recall {nlu['crisis_recall']:.3f} < 1.0"),
        (nlu["false_alarm_rate"] <= MAX_FALSE_ALARM, f"false alarms {nlu['false_alarm_rate']:.3f} > {MAX_FALSE_ALARM}"),
        (read["mean"] >= MIN_MEAN_READING_EASE, f"mean reading ease {read['mean']:.1f} < {MIN_MEAN_READING_EASE}"),
        (not read["too_hard"], f"responses below reading ease {MIN_READING_EASE}: {read['too_hard']}"),
        (not read["too_long"], f"responses over {MAX_WORDS} words: {read['too_long']}"),
    ]
    return [message for ok, message in checks if not ok]


def main() -> int:
    read = readability()
    nlu = asyncio.run(nlu_scores(load_agent()))
    print(f"held-out examples        {nlu['examples']}")
    print(f"intent F1 (weighted)     {nlu['intent_f1']:.3f}   bar >= {MIN_INTENT_F1}")
    print(f"response-selector F1     {nlu['response_f1']:.3f}   bar >= {MIN_RESPONSE_F1}")
    print(f"crisis recall            {nlu['crisis_recall']:.3f}   bar = 1.0")
    print(f"false crisis alarms      {nlu['false_alarm_rate']:.3f}   bar <= {MAX_FALSE_ALARM}")
    print(f"Dutch responses          {read['count']}, mean Flesch-Douma {read['mean']:.1f} (bar >= {MIN_MEAN_READING_EASE})")
    for text, want, got in nlu["intent_errors"]:
        print(f"  intent  {want:>16} -> {got:<16} {text}")
    for want, got in nlu["response_errors"]:
        print(f"  faq     {want:>24} -> {got}")
    failed = failures(nlu, read)
    for message in failed:
        print(f"FAIL: {message}")
    print("OK" if not failed else f"{len(failed)} bar(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
