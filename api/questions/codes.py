"""The pick-up code: six words from a Dutch word list and five digits, e.g. `tulp-kade-vlieger-munt-zeef-otter-40817`.

Easy to write down and to read aloud, and hopeless to guess: log2(len(WORDS)) × 6 + log2(10^5) ≥ 80 bits (the tests
print the exact figure). Because of that entropy the code is stored only as a keyed fast hash (HMAC-SHA256 with a key
derived from INTAKE_SECRET_KEY for this purpose alone), which also serves as the index to find the thread: no slow
hash over every thread. Changing INTAKE_SECRET_KEY makes every open code unknown (the visitors ask again).
"""
from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from functools import lru_cache
from pathlib import Path

WORD_FILE = Path(__file__).resolve().parent / "words_nl.txt"
WORD_COUNT = 6
DIGITS = 5
KEY_LABEL = b"question-code"
MAX_INPUT = 200  # longer input is no code of ours; it is still hashed like any other (same time, same answer)


@lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    listed = tuple(w.strip() for w in WORD_FILE.read_text(encoding="utf-8").splitlines() if w.strip())
    assert len(set(listed)) == len(listed), "the word list holds a word twice"
    return listed


def entropy_bits() -> float:
    return WORD_COUNT * math.log2(len(words())) + DIGITS * math.log2(10)


def new_code() -> str:
    chosen = [secrets.choice(words()) for _ in range(WORD_COUNT)]
    return "-".join([*chosen, f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"])


def normalise(typed: str) -> str:
    """The code as written down and typed back: any case, spaces, hyphens, dots or line breaks between the parts."""
    return "-".join(re.findall(r"[a-z0-9]+", typed[:MAX_INPUT].lower()))


def _key(secret: str) -> bytes:
    # A key of its own (HMAC as a KDF with a fixed label), so this hash never equals a CSRF signature or the like.
    return hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()


def digest(secret: str, typed: str) -> str:
    """The lookup index of a typed code (hex); the same work for any input."""
    return hmac.new(_key(secret), normalise(typed).encode(), hashlib.sha256).hexdigest()
