"""Phone and e-mail rules, from the cases shared with the action server (tests/data/contact_cases.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.registrations.models import Registration
from tests.api.helpers import hand_off, record

CASES = json.loads((Path(__file__).resolve().parents[1] / "data" / "contact_cases.json").read_text("utf-8"))


def test_cases_cover_what_they_should():
    phones = [c for c in CASES if c["kind"] == "phone"]
    emails = [c for c in CASES if c["kind"] == "email"]
    assert sum(c["valid"] for c in phones) >= 20 and sum(not c["valid"] for c in phones) >= 10
    assert sum(c["valid"] for c in emails) >= 5 and sum(not c["valid"] for c in emails) >= 10
    assert any(c["input"].startswith("0031") for c in phones) and any(c["input"].startswith("+32") for c in phones)
    for case in CASES:
        assert set(case) == {"input", "kind", "valid", "normalised"}
        assert (case["normalised"] is not None) == case["valid"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['input']!r}" for c in CASES])
def test_contact_case_through_the_hand_off(client, db, case):
    other = "email" if case["kind"] == "phone" else "phone"
    # Only the field under test: a blank one then means "no contact given", which is refused as well.
    r = hand_off(client, record(**{case["kind"]: case["input"], other: ...}))
    if not case["valid"]:
        assert r.status_code == 422, r.text
        return
    assert r.status_code == 201, r.text
    stored = db.get(Registration, r.json()["id"])
    assert getattr(stored, case["kind"]) == case["normalised"]
