"""Reference codes the visitor sees: PH-XXXX-XXXX (alphabet in docs/ARCHITECTURE.md)."""
from __future__ import annotations

import secrets

# No 0/O, 1/I/L or U: easy to read aloud over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"PH-{chars[:4]}-{chars[4:]}"
