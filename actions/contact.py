"""Phone and e-mail rules, the same as the backend's (api/registrations/contact.py; shared cases in
tests/data/contact_cases.json): phonenumbers (region NL) and email-validator."""
from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from contract import MAX_LENGTH, PHONE_REGION

MAX_PHONE_INPUT = MAX_LENGTH["phone"]
MAX_EMAIL_LENGTH = MAX_LENGTH["email"]
# Digits and the separators people type; letters would let phonenumbers read "x"/"ext" as an extension.
_PHONE_CHARS = re.compile(r"^[0-9+()\-./ ]+$")


def normalise_phone(text: str) -> str | None:
    """Return the number in E.164 (`+31612345678`), or None when it is not a valid number."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_PHONE_INPUT or not _PHONE_CHARS.match(text):
        return None
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str | None:
    """Return the address with a lower-cased domain, or None when it is not valid."""
    text = text.strip()
    if not text or len(text) > MAX_EMAIL_LENGTH:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None

