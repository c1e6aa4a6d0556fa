"""The bot's side keeps to contract/registration.yml: the Rasa domain (slots, their mappings, the buttons' payloads,
the office number in its sentences), the actions' choice lists and the record the hand-off builds.

The domain stays hand-written YAML for Rasa (generating it would force a retrain), so it is checked here.
The backend's side is checked by tests/api/test_contract.py."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import contract
from actions.choices import KEYWORDS, LABELS
from actions.handoff import build_record
from actions.registry import FORMS, form_validator
from contract import CHOICES, MAX_LENGTH, OFFERED, UNKNOWN
from tests import stack
from tests.actions.helpers import ANSWERED, make_tracker

DOMAIN_FILES = sorted((stack.ROOT / "bot" / "domain").glob("*.yml"))
# Offered values without a button, and why: the referral form sets role "professional" itself.
NO_BUTTON = {"role": {"professional"}}
# The record's choices the chat does not ask with buttons: set from the form, the channel and the conversation.
NOT_BUTTONS = {"kind", "source", "language"}
PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?:\{\{(?P<entities>.*)\}\})?$")


def answers(field: str) -> set[str]:
    """The offered values but "unknown" (which "skip" and "I don't know" give)."""
    return set(OFFERED[field]) - {UNKNOWN}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def button_choices():
    """(file, response, variation index, {field: [values]}) for every variation with contract-field buttons."""
    for path in DOMAIN_FILES:
        for response, variations in (load(path).get("responses") or {}).items():
            for i, variation in enumerate(variations):
                found: dict[str, list[str]] = {}
                for button in variation.get("buttons") or []:
                    match = PAYLOAD.match(button["payload"])
                    if match and match["entities"]:
                        for field, value in json.loads("{" + match["entities"] + "}").items():
                            if field in CHOICES:
                                found.setdefault(field, []).append(value)
                if found:
                    yield path.name, response, i, found


def test_button_payloads_carry_exactly_the_contract_values():
    seen = set()
    for file, response, i, found in button_choices():
        for field, values in found.items():
            where = f"{file}: {response}[{i}] {field}"
            assert len(values) == len(set(values)), f"{where}: a value twice"
            outside = set(values) - set(CHOICES[field])
            assert not outside, f"{where}: not in the contract: {outside}"
            if field not in NOT_BUTTONS:
                expected = answers(field) - NO_BUTTON.get(field, set())
                assert set(values) == expected, \
                    f"{where}: missing {expected - set(values)}, not offered {set(values) - expected}"
            seen.add(field)
    # Every closed question has its buttons (the loop above would pass on an empty domain); "is it safe to leave a
    # message / to e-mail" are answered with /affirm and /deny.
    # when_happened ... contact_form are left to the mediator's intake talk (actions/intake.py).
    assert seen == set(CHOICES) - {"kind", "source", "voicemail_ok", "email_ok", "when_happened", "other_party_known",
                                   "procedures", "contact_form"}


def test_slots_and_mappings_take_only_contract_values():
    entities, slots = set(), set()
    for path in DOMAIN_FILES:
        domain = load(path)
        entities |= {e if isinstance(e, str) else next(iter(e)) for e in domain.get("entities") or []}
        for name, slot in (domain.get("slots") or {}).items():
            if name not in CHOICES:
                continue
            if slot["type"] == "categorical":
                assert slot["values"] == list(CHOICES[name]), f"{path.name}: slot {name} values"
            if "initial_value" in slot:
                assert slot["initial_value"] in CHOICES[name], f"{path.name}: slot {name} initial_value"
            for mapping in slot.get("mappings") or []:
                if "value" in mapping:
                    assert mapping["value"] in CHOICES[name], f"{path.name}: slot {name} mapping value"
                if mapping.get("type") == "from_entity":
                    assert mapping["entity"] == name, f"{path.name}: slot {name} fills from {mapping['entity']}"
            slots.add(name)
    assert slots == set(CHOICES) - {"kind", "source"}  # set from the form and the channel, not slots
    # Rasa drops an entity it does not know: every field with buttons must be one.
    assert {field for *_, found in button_choices() for field in found} <= entities


def test_the_office_number_in_the_bots_sentences_is_the_contract_one():
    numbers: dict[str, set[str]] = {}
    for path in DOMAIN_FILES:
        # A Dutch landline as people write it ("030 234 00 45"); the 0800 help lines have another shape.
        for number in re.findall(r"(?<![\d+])0\d{2}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}(?!\d)", path.read_text()):
            numbers.setdefault(number, set()).add(path.name)
    assert contract.OFFICE_PHONE in numbers
    assert set(numbers) == {contract.OFFICE_PHONE}, {n: f for n, f in numbers.items() if n != contract.OFFICE_PHONE}


def test_the_actions_choice_lists_are_the_contract_values():
    for field, labels in LABELS.items():
        if field not in CHOICES:  # client_consent: a yes/no question for a boolean of the record
            continue
        assert set(labels) == answers(field), f"actions/choices.py LABELS[{field!r}]"
    for field, words in KEYWORDS.items():
        assert set(words) <= set(LABELS[field]), f"actions/choices.py KEYWORDS[{field!r}]"
    assert set(LABELS) >= set(CHOICES) - NOT_BUTTONS


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_the_handed_off_record_has_the_contract_fields_and_values(form_name):
    tracker = make_tracker({**ANSWERED, "referrer_organisation": "Slachtofferhulp", "client_consent": "yes",
                            "language": "en"}, form=None)
    record = build_record(form_name, form_validator(form_name), tracker, contract.new_reference())
    assert set(record) == set(CHOICES) | set(MAX_LENGTH) | set(contract.FLAGS) | set(contract.STAMPS)
    for field in CHOICES:
        assert record[field] in CHOICES[field], (field, record[field])
    assert re.fullmatch(contract.REFERENCE_PATTERN, record["reference"])
    assert record["consent_version"] == contract.CONSENT_VERSION


def test_the_action_server_reads_the_backend_endpoints_and_limits_from_the_contract():
    from actions import backend, contact

    assert (backend.REGISTRATIONS_PATH, backend.DEAD_LETTERS_PATH, backend.WITHDRAWAL_PATH) == (
        contract.ENDPOINTS["registrations"], contract.ENDPOINTS["dead_letters"], contract.ENDPOINTS["withdrawal"])
    assert (contact.MAX_PHONE_INPUT, contact.MAX_EMAIL_LENGTH) == (MAX_LENGTH["phone"], MAX_LENGTH["email"])
