"""The staff password rule: 12 to 1024 characters, not a breached password.

The breached list is zxcvbn's "passwords" frequency list (the 30,000 most common passwords of public breaches),
shipped in the package: no network. zxcvbn also scores the password with that list and its variations (l33t,
reversal, repetition, keyboard walks, dates, the user's e-mail address); below 3 of 4 counts as breached too.
"""
from __future__ import annotations

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 1024  # bounds the hashing work one request can cause
_BREACHED = frozenset(FREQUENCY_LISTS["passwords"])
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide


def problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused, in English (the workspace translates), or None."""
    if len(password) < MIN_LENGTH:
        return f"password must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"password must have at most {MAX_LENGTH} characters"
    if password.lower() in _BREACHED or zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[email])["score"] < 3:
        return "password is a known breached password or too easy to guess"
    return None
