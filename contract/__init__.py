"""The hand-off contract (contract/registration.yml): the values the backend and the action server share.

Both environments import this reader (it needs only PyYAML); neither imports the other's code."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

import yaml

CONTRACT_FILE = Path(__file__).resolve().parent / "registration.yml"
CONTRACT = yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))
_RECORD = CONTRACT["record"]

UNKNOWN: str = _RECORD["unknown"]
CHOICES: dict[str, tuple[str, ...]] = {field: tuple(values) for field, values in _RECORD["choices"].items()}
RETIRED: dict[str, tuple[str, ...]] = {field: tuple(values) for field, values in _RECORD["retired"].items()}
OFFERED = {field: tuple(v for v in values if v not in RETIRED.get(field, ())) for field, values in CHOICES.items()}
MAX_LENGTH: dict[str, int] = dict(_RECORD["text"])
FLAGS: tuple[str, ...] = tuple(_RECORD["flags"])
STAMPS: tuple[str, ...] = tuple(_RECORD["stamps"])
if not all(isinstance(v, str) for values in CHOICES.values() for v in values):  # unquoted yes/no are booleans
    raise ValueError(f"{CONTRACT_FILE}: every choice must be a string (quote yes and no)")

CONSENT_VERSION: str = CONTRACT["consent_version"]
OFFICE_PHONE: str = CONTRACT["office_phone"]["display"]
OFFICE_PHONE_TEL: str = CONTRACT["office_phone"]["tel"]
PHONE_REGION: str = CONTRACT["phone_region"]
ENDPOINTS: dict[str, str] = dict(CONTRACT["endpoints"])

REFERENCE_PREFIX: str = CONTRACT["reference"]["prefix"]
REFERENCE_ALPHABET: str = CONTRACT["reference"]["alphabet"]
REFERENCE_GROUPS: tuple[int, ...] = tuple(CONTRACT["reference"]["groups"])
REFERENCE_PATTERN = "^" + "-".join([re.escape(REFERENCE_PREFIX)]
                                   + [f"[{REFERENCE_ALPHABET}]{{{n}}}" for n in REFERENCE_GROUPS]) + "$"


def new_reference(choice=secrets.choice) -> str:
    """A fresh reference code (`choice` picks one character; a seeded one gives repeatable codes)."""
    return "-".join([REFERENCE_PREFIX] + ["".join(choice(REFERENCE_ALPHABET) for _ in range(n))
                                          for n in REFERENCE_GROUPS])
