"""The backend keeps to contract/registration.yml, and each shared value is written there only.

The action server's side, the Rasa domain included, is checked by tests/actions/test_contract.py."""
from __future__ import annotations

import re
import subprocess
from typing import get_args

import pytest

import contract
from api.pages.texts import CHOICES as PAGE_CHOICES
from api.pages.texts import RETIRED_CHOICES
from api.registrations.schemas import HandOffIn, RegistrationIn
from contract import CHOICES, MAX_LENGTH, OFFERED, RETIRED, UNKNOWN
from tests import stack

RECORD_FIELDS = set(CHOICES) | set(MAX_LENGTH) | set(contract.FLAGS) | set(contract.STAMPS)


@pytest.fixture(scope="module")
def openapi() -> dict:
    from api.main import create_app

    return create_app().openapi()


def test_the_record_has_exactly_the_contract_fields():
    assert set(RegistrationIn.model_fields) == RECORD_FIELDS
    assert set(HandOffIn.model_fields) == RECORD_FIELDS


@pytest.mark.parametrize("field", sorted(CHOICES))
def test_each_closed_field_accepts_the_contract_values_in_order(field):
    assert get_args(RegistrationIn.model_fields[field].annotation) == CHOICES[field], field


@pytest.mark.parametrize("field", sorted(CHOICES))
def test_the_openapi_schema_lists_the_contract_values(openapi, field):
    assert openapi["components"]["schemas"]["HandOffIn"]["properties"][field]["enum"] == list(CHOICES[field])


def test_the_openapi_schema_gives_the_text_limits_the_reference_and_the_endpoints(openapi):
    properties = openapi["components"]["schemas"]["HandOffIn"]["properties"]
    for field, limit in MAX_LENGTH.items():
        assert properties[field]["anyOf"][0]["maxLength"] == limit, field
    assert properties["reference"]["pattern"] == contract.REFERENCE_PATTERN
    for path in contract.ENDPOINTS.values():
        assert "post" in openapi["paths"][path], path


def test_reference_codes_follow_the_contract():
    from api.registrations.service import generate_reference

    codes = {generate_reference() for _ in range(200)}
    assert all(re.fullmatch(contract.REFERENCE_PATTERN, code) for code in codes)
    assert re.fullmatch(r"PH-[A-Z2-9]{4}-[A-Z2-9]{4}", generate_reference())  # the format people know
    assert {c for code in codes for c in code[3:] if c != "-"} <= set(contract.REFERENCE_ALPHABET)


@pytest.mark.parametrize("language", sorted(PAGE_CHOICES))
def test_the_web_form_offers_the_contract_values(language):
    """Labels are the page's; the values behind them must be exactly the offered ones. A field may leave out
    "unknown" when another answer is its default (call time: no preference)."""
    assert set(PAGE_CHOICES) == set(CHOICES["language"])
    for field, options in PAGE_CHOICES[language].items():
        values = [value for value, _label in options]
        assert len(values) == len(set(values)), (language, field)
        assert set(values) <= set(OFFERED[field]), (language, field, set(values) - set(OFFERED[field]))
        assert set(values) | {UNKNOWN} == set(OFFERED[field]) | {UNKNOWN}, (language, field)
    assert {field: tuple(v for v, _label in options) for field, options in RETIRED_CHOICES.items()} == RETIRED


def test_the_web_form_fields_have_the_contract_limits():
    form = (stack.ROOT / "api" / "templates" / "form.html").read_text()
    macros = (stack.ROOT / "api" / "templates" / "form_fields.html").read_text()
    defaults = dict(re.findall(r"macro (\w+)\([^)]*maxlength=(\d+)", macros))
    for field, limit in MAX_LENGTH.items():
        call = re.search(rf'f\.(\w+)\("{field}",[^\n]*', form)
        assert call, field
        given = re.search(r"maxlength=(\d+)", call.group(0))
        assert int(given.group(1) if given else defaults[call.group(1)]) == limit, field


def test_the_widget_shows_the_contract_phone():
    """widget.js runs on other sites by itself, so it cannot read the contract: its copy is checked here."""
    widget = (stack.ROOT / "api" / "static" / "widget.js").read_text()
    assert re.search(r'const PHONE = "([^"]*)";', widget).group(1) == contract.OFFICE_PHONE
    assert re.search(r'const PHONE_TEL = "([^"]*)";', widget).group(1) == contract.OFFICE_PHONE_TEL


# Where a contract value may still be written out, and why:
ALLOWED = (
    "contract/",  # the definition
    "tests/",  # tests state the expected value themselves: a test that read the contract would follow any change
    "bot/domain/",  # the bot's sentences, read by Rasa as written; tests/actions/test_contract.py checks each number
    "api/static/widget.js",  # runs on other sites by itself; checked above
)
ALLOWED_SUFFIXES = (".md",)  # documentation for people


@pytest.mark.parametrize("name", ["CONSENT_VERSION", "OFFICE_PHONE", "OFFICE_PHONE_TEL", "REFERENCE_ALPHABET"])
def test_each_contract_value_is_written_once(name):
    value = getattr(contract, name)
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=stack.ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    found = []
    for path in filter(None, files):
        file = stack.ROOT / path
        if not file.is_file() or file.is_symlink():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if value in text:
            found.append(path)
    assert (stack.ROOT / "contract" / "registration.yml").read_text().count(f'"{value}"') == 1
    stray = [path for path in found if not path.startswith(ALLOWED) and not path.endswith(ALLOWED_SUFFIXES)]
    assert stray == [], f"{name} is written out in {stray}: take it from the contract package (contract/__init__.py)"
