"""`make eval`: how well the trained model does on held-out messages, and how readable the Dutch copy is.

Run: .venv/bot/bin/python -m bot.evaluate [--show] [--dev]   (exits 1 when a bar is missed; --show lists the
misses; --dev also prints the same figures on the development set)
Three kinds of held-out data, never part of training data:
- tests/data/nlu_holdout/*.yml: written beside the training data, by the same hands (intent and answer F1);
- tests/data/blind/*.tsv: written by someone who never saw data/ or the bot, before the bot was changed for them.
  The figures that count. Never tune on their messages one by one: fix the mechanism.
- tests/data/dev/*.tsv: written the same way by another hand, for choosing thresholds and finding weak topics
  (config.yml's crisis bands are chosen on it), so that the blind sets stay a test.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import textstat
import yaml
from sklearn.metrics import f1_score

from bot import intake_turns

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "intake.tar.gz"
HOLDOUT = ROOT / "tests" / "data" / "nlu_holdout"
BLIND = ROOT / "tests" / "data" / "blind"
DEV = ROOT / "tests" / "data" / "dev"
DOMAIN = ROOT / "bot" / "domain"

# The bars (from the brief). Missing a crisis is the worst failure, a false alarm the second worst.
MIN_INTENT_F1 = 0.90
MIN_RESPONSE_F1 = 0.90
MIN_CRISIS_RECALL = 1.0
MAX_FALSE_ALARM = 0.01
MIN_MEAN_READING_EASE = 65.0
MIN_READING_EASE = 40.0
MAX_WORDS = 60
# Blind sets. TARGET_* are the bars the conversation must reach; FLOOR_* are what the model reached when
# they were last raised: make eval fails below a floor (a regression), and reports every target it misses.
# Reached on 2026-12-03 with the topic classifier: recall 0.968, sure alarms 0.009, asked 0.114, right 0.766,
# wrong 0.077 (floors leave room for a retrain's variance).
TARGET_CRISIS_RECALL, FLOOR_CRISIS_RECALL = 1.0, 0.96
TARGET_SURE_ALARMS, CEILING_SURE_ALARMS = 0.01, 0.02
TARGET_UNSURE_RATE, CEILING_UNSURE_RATE = 0.03, 0.14
TARGET_RIGHT, FLOOR_RIGHT = 0.95, 0.74
TARGET_WRONG, CEILING_WRONG = 0.02, 0.10
# Intents that answer a question in their own way: the topic they answer in tests/data/blind/questions.tsv.
INTENT_TOPICS = {"explain_service": "what_is", "register_for_client": "on_behalf"}
NOT_UNDERSTOOD = {"nlu_fallback", "out_of_scope"}
CRISIS_INTENTS = {"crisis", "crisis_check"}
BLIND_KINDS = {"suicide": "suicide", "danger": "danger", "domestic": "domestic_violence",
               "sexual_recent": "sexual_violence"}


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
    guess = ["crisis" if p[0] in CRISIS_INTENTS else p[0] for p in predicted]
    faq_pairs = [(e.label, p[1]) for e, p in zip(everything, predicted, strict=True) if e.intent == "faq"]
    by_text = dict(zip((e.text for e in everything), (p[0] for p in predicted), strict=True))
    missed = [e.text for e in crisis if by_text[e.text] not in CRISIS_INTENTS]  # asked about counts as recognised
    alarms = [e.text for e in ordinary if by_text[e.text] == "crisis"]  # a sure alarm: the numbers instead of an answer
    return {
        "examples": len(everything),
        "intent_f1": f1_score(truth, guess, average="weighted", zero_division=0),
        "response_f1": f1_score([t for t, _ in faq_pairs], [p for _, p in faq_pairs], average="weighted",
                                zero_division=0) if faq_pairs else 0.0,
        "crisis_recall": 1 - len(missed) / len(crisis) if crisis else 0.0,
        "false_alarm_rate": len(alarms) / len(ordinary) if ordinary else 1.0,
        "missed_crises": missed,
        "false_alarms": alarms,
        "intent_errors": [(e.text, e.intent, g) for e, g in zip(everything, guess, strict=True) if e.intent != g],
        "response_errors": [(t, p) for t, p in faq_pairs if t != p],
    }


# --- blind sets ------------------------------------------------------------------------------------
def blind(name: str, folder: Path = BLIND) -> list[dict]:
    import csv

    path = folder / f"{name}.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if row.get("text")]


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


async def blind_scores(agent, folder: Path = BLIND) -> dict:
    """Crisis: band per message (sure, unsure, none) and the helpline kind; questions: right, wrong, not understood."""
    crises, ordinary, questions = (blind(name, folder) for name in ("crisis", "ordinary", "questions"))
    parsed = {}
    for row in crises + ordinary + questions:
        if row["text"] not in parsed:
            parsed[row["text"]] = await agent.parse_message(row["text"])

    def band(text: str) -> str:
        return {"crisis": "sure", "crisis_check": "unsure"}.get(parsed[text]["intent"]["name"], "none")

    def kinds(text: str) -> set[str]:
        return {e["value"] for e in parsed[text]["entities"] if e["entity"] == "crisis_type"}

    crisis_bands = [band(r["text"]) for r in crises]
    missed = [r for r, b in zip(crises, crisis_bands, strict=True) if b == "none"]
    sure = [r for r, b in zip(crises, crisis_bands, strict=True) if b == "sure"]
    wrong_kind = [r for r in sure if BLIND_KINDS.get(r["kind"]) not in kinds(r["text"])]
    ordinary_bands = [band(r["text"]) for r in ordinary]

    outcomes = []  # right | wrong | not understood, per question
    for row in questions:
        got = parsed[row["text"]]
        intent = got["intent"]["name"]
        if intent == "faq":
            topic = (got.get("response_selector") or {}).get("faq", {}).get("response", {}).get(
                "intent_response_key", "faq/").split("/", 1)[1]
        else:
            topic = INTENT_TOPICS.get(intent, intent)
        if intent in NOT_UNDERSTOOD:
            outcome = "right" if row["topic"] == "none" else "not understood"
        else:
            outcome = "right" if topic == row["topic"] else "wrong"
        outcomes.append((row, topic, outcome))
    english = [r for r in questions if r["lang"] == "en"]
    english_seen = [r for r in english
                    if any(e["entity"] == "language" and e["value"] == "en" for e in parsed[r["text"]]["entities"])]
    count = lambda items, value: sum(1 for item in items if item == value)  # noqa: E731
    return {
        "crises": len(crises), "ordinary": len(ordinary), "questions": len(questions),
        "crisis_recall": share(len(crises) - len(missed), len(crises)),
        "crisis_sure": share(len(sure), len(crises)),
        "sure_right_kind": share(len(sure) - len(wrong_kind), len(sure)),
        "recall_by_kind": {kind: share(sum(1 for r, b in zip(crises, crisis_bands, strict=True)
                                           if r["kind"] == kind and b != "none"),
                                       sum(1 for r in crises if r["kind"] == kind)) for kind in BLIND_KINDS},
        "sure_alarms": share(count(ordinary_bands, "sure"), len(ordinary)),
        "unsure_rate": share(count(ordinary_bands, "unsure"), len(ordinary)),
        "right": share(sum(1 for *_, o in outcomes if o == "right"), len(questions)),
        "wrong": share(sum(1 for *_, o in outcomes if o == "wrong"), len(questions)),
        "not_understood": share(sum(1 for *_, o in outcomes if o == "not understood"), len(questions)),
        "by_stage": {stage: share(sum(1 for r, _, o in outcomes if r["stage"] == stage and o == "right"),
                                  sum(1 for r in questions if r["stage"] == stage)) for stage in ("first", "followup")},
        "english_seen": share(len(english_seen), len(english)),
        "missed": [(r["kind"], r["text"]) for r in missed],
        "wrong_kind": [(r["kind"], sorted(kinds(r["text"])), r["text"]) for r in wrong_kind],
        "alarms": [(b, r["category"], r["text"]) for r, b in zip(ordinary, ordinary_bands, strict=True) if b != "none"],
        "question_errors": [(r["topic"], topic, r["text"]) for r, topic, o in outcomes if o != "right"],
    }


def blind_failures(scores: dict) -> tuple[list[str], list[str]]:
    """(regressions below a floor: make eval fails; targets not reached yet: reported)."""
    if not scores["crises"]:
        return [], ["no blind sets in tests/data/blind"]
    bars = [  # (value, target, floor, higher is better, name)
        (scores["crisis_recall"], TARGET_CRISIS_RECALL, FLOOR_CRISIS_RECALL, True, "crisis recall (sure or asked)"),
        (scores["sure_alarms"], TARGET_SURE_ALARMS, CEILING_SURE_ALARMS, False, "sure crisis alarms on ordinary"),
        (scores["unsure_rate"], TARGET_UNSURE_RATE, CEILING_UNSURE_RATE, False, "unsure (asked) on ordinary"),
        (scores["right"], TARGET_RIGHT, FLOOR_RIGHT, True, "questions answered right"),
        (scores["wrong"], TARGET_WRONG, CEILING_WRONG, False, "questions answered wrong"),
    ]
    regressions, misses = [], []
    for value, target, floor, higher, name in bars:
        if (value < floor) if higher else (value > floor):
            regressions.append(f"{name} {value:.3f} past its floor {floor}")
        if (value < target) if higher else (value > target):
            misses.append(f"{name} {value:.3f}, target {'>=' if higher else '<='} {target}")
    return regressions, misses


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


def print_blind(scores: dict, show: bool, label: str = "blind") -> None:
    print(f"{label} sets: {scores['crises']} crises, {scores['ordinary']} ordinary, {scores['questions']} questions")
    print(f"  crisis recall (sure or asked) {scores['crisis_recall']:.3f}   sure {scores['crisis_sure']:.3f}"
          f"   right helpline when sure {scores['sure_right_kind']:.3f}")
    print("  recall by kind           " + "  ".join(f"{k} {v:.3f}" for k, v in scores["recall_by_kind"].items()))
    print(f"  ordinary: sure alarms    {scores['sure_alarms']:.3f}   unsure (asked) {scores['unsure_rate']:.3f}")
    print(f"  questions: right {scores['right']:.3f}   wrong {scores['wrong']:.3f}"
          f"   not understood {scores['not_understood']:.3f}   (right: first {scores['by_stage']['first']:.3f},"
          f" follow-up {scores['by_stage']['followup']:.3f})")
    print(f"  English questions recognised as English {scores['english_seen']:.3f}")
    if show:
        for kind, text in scores["missed"]:
            print(f"  missed   {kind:>14}  {text}")
        for kind, got, text in scores["wrong_kind"]:
            print(f"  kind     {kind:>14} -> {','.join(got):<20} {text}")
        for b, category, text in scores["alarms"]:
            print(f"  alarm    {b:>6} {category:>12}  {text}")
        for want, got, text in scores["question_errors"]:
            print(f"  question {want:>18} -> {got:<18} {text}")


def main() -> int:
    show = "--show" in sys.argv
    read = readability()
    # One agent for parsing and for the two sign-up walks (which need the action server).
    with intake_turns.agent_with_actions(MODEL) as agent:
        nlu = asyncio.run(nlu_scores(agent))
        scores = asyncio.run(blind_scores(agent))
        dev = asyncio.run(blind_scores(agent, DEV)) if "--dev" in sys.argv else None
        turns = asyncio.run(intake_turns.count_turns(agent))
    print(f"held-out examples        {nlu['examples']}")
    print(f"intent F1 (weighted)     {nlu['intent_f1']:.3f}   bar >= {MIN_INTENT_F1}")
    print(f"response-selector F1     {nlu['response_f1']:.3f}   bar >= {MIN_RESPONSE_F1}")
    print(f"crisis recall            {nlu['crisis_recall']:.3f}   bar = 1.0")
    print(f"sure crisis alarms       {nlu['false_alarm_rate']:.3f}   bar <= {MAX_FALSE_ALARM}")
    print(f"Dutch responses          {read['count']}, mean Flesch-Douma {read['mean']:.1f}"
          f" (bar >= {MIN_MEAN_READING_EASE})")
    if show:
        for text, want, got in nlu["intent_errors"]:
            print(f"  intent  {want:>16} -> {got:<16} {text}")
        for want, got in nlu["response_errors"]:
            print(f"  faq     {want:>24} -> {got}")
    print_blind(scores, show)
    if dev is not None:
        print_blind(dev, show, "dev")
    regressions, misses = blind_failures(scores)
    for message in misses:
        print(f"TARGET NOT MET: {message}")
    failed = failures(nlu, read) + regressions
    for message in failed:
        print(f"FAIL: {message}")
    print(turns.line())
    print("OK" if not failed else f"{len(failed)} bar(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
