"""The shared phone / e-mail cases (tests/data/contact_cases.json), through the form's validators."""
from __future__ import annotations

import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ValidateIntakeForm
from tests import stack
from tests.actions.helpers import make_tracker, responses

CASES = json.loads((stack.ROOT / "tests" / "data" / "contact_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['kind']}:{c['input']!r}")
def test_contact_case(case):
    form, dispatcher = ValidateIntakeForm(), CollectingDispatcher()
    # A phone number is already given, so an e-mail may not be skipped by accident and vice versa.
    tracker = make_tracker({"phone": "+31612345678"}, requested=case["kind"], candidates={case["kind"]: case["input"]})
    validate = form.validate_phone if case["kind"] == "phone" else form.validate_email
    result = validate(case["input"], dispatcher, tracker, {})
    if case["valid"]:
        assert result[case["kind"]] == case["normalised"]
        assert dispatcher.messages == []
    else:
        assert result[case["kind"]] is None
        assert responses(dispatcher)[0] in ("utter_invalid_phone", "utter_invalid_email", "utter_contact_needed")


def test_cases_cover_both_kinds_and_invalid_input():
    kinds = {(c["kind"], c["valid"]) for c in CASES}
    assert kinds == {("phone", True), ("phone", False), ("email", True), ("email", False)}
