"""Copy rules for the responses of the intake, call-back, referral and session domain files."""
from __future__ import annotations

import re

import pytest
import yaml

from tests import stack

FILES = ("session", "intake", "callback", "referral", "withdraw")
RESPONSES = {name: variants for f in FILES
             for name, variants in yaml.safe_load((stack.ROOT / "bot" / "domain" / f"{f}.yml").read_text())
             .get("responses", {}).items()}
EN = [{"type": "slot", "name": "language", "value": "en"}]
# Words that label people; the bot says "degene die het overkwam", "de ander".
LABELS = re.compile(r"\b(dader|daders|slachtoffer|slachtoffers|perpetrator|victim)\b", re.I)


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_dutch_default_english_variant_short_and_no_labels(name):
    variants = RESPONSES[name]
    defaults = [v for v in variants if "condition" not in v]
    english = [v for v in variants if v.get("condition") == EN]
    assert len(defaults) == 1 and len(english) == 1
    for variant in variants:
        text = variant["text"]
        assert len(text.split()) <= 60, f"{name}: {len(text.split())} words"
        assert not LABELS.search(text), name
        assert not re.search(r"\bu\b|\buw\b", text), f"{name}: use the je-form"
    assert len(defaults[0].get("buttons", [])) == len(english[0].get("buttons", []))


def test_no_push_to_register():
    pushy = re.compile(r"\b(moet je|je moet|meld je nu|schrijf je nu)\b", re.I)
    assert not [n for n, vs in RESPONSES.items() for v in vs if pushy.search(v["text"])]
