"""Phone and e-mail rules, the same as the action server's (cases in tests/data/contact_cases.json)."""
from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from contract import MAX_LENGTH, PHONE_REGION

MAX_PHONE_INPUT = MAX_LENGTH["phone"]
MAX_EMAIL_LENGTH = MAX_LENGTH["email"]
# Digits and the separators people type; letters would let phonenumbers read "x"/"ext" as an extension
# or letters as a vanity number, and a number we cannot dial back is worse than a question asked again.
_PHONE_CHARS = re.compile(r"^[0-9+()\-./ ]+$")


def normalise_phone(raw: str) -> str:
    """E.164 form of a Dutch or international number; ValueError (without the value) when invalid."""
    raw = " ".join(raw.split())
    if not raw or len(raw) > MAX_PHONE_INPUT or not _PHONE_CHARS.match(raw):
        raise ValueError("is not a valid phone number")
    try:
        number = phonenumbers.parse(raw, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("is not a valid phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """Validated address with a lower-cased domain (no deliverability check); ValueError when invalid."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_EMAIL_LENGTH:
        raise ValueError("is not a valid e-mail address")
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("is not a valid e-mail address") from None
