"""Passwords (argon2id), opaque session tokens and TOTP codes."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contract import REFERENCE_ALPHABET

TOTP_ISSUER = "Perspectief Intake"
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
# Verifying against this keeps the timing of unknown accounts like that of known ones.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Session tokens are stored as their SHA-256: a database leak yields no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def new_totp_secret() -> str:
    return pyotp.random_base32()


def is_totp_secret(secret: str) -> bool:
    """A base32 secret of at least 128 bits, as authenticator apps expect."""
    try:
        return len(pyotp.TOTP(secret).byte_secret()) >= 16
    except (ValueError, TypeError):
        return False


RECOVERY_ALPHABET = REFERENCE_ALPHABET  # the reference codes' characters: nothing to misread
_RECOVERY_LENGTH = 10  # 30**10 ≈ 2**49: random enough that SHA-256 (not a slow hash) suffices


def new_recovery_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def recovery_code_digest(code: str) -> str | None:
    """SHA-256 of a recovery code typed in any case, with or without dash or spaces; None when malformed."""
    cleaned = re.sub(r"[\s-]", "", code or "").upper()
    if len(cleaned) != _RECOVERY_LENGTH or any(c not in RECOVERY_ALPHABET for c in cleaned):
        return None
    return hashlib.sha256(f"recovery|{cleaned}".encode()).hexdigest()


def totp_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=TOTP_ISSUER)


def match_totp(secret: str, code: str, now: datetime, last_counter: int | None) -> int | None:
    """The time step `code` belongs to (±1 step for clock drift), or None; steps at or before
    `last_counter` are refused so a code cannot be used twice."""
    code = code.strip().replace(" ", "")
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for counter in (current, current - 1, current + 1):
        if last_counter is not None and counter <= last_counter:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None
