"""CSRF tokens: HMAC(secret, label, binding, issued-at), younger than TOKEN_MAX_AGE.

The binding is what an attacker's site cannot read: a random nonce in a SameSite=Strict cookie (the public web
form, the staff sign-in page) or the staff session token itself (every signed-in form). Each form family signs
with its own label, so a token taken from one family's page is worthless in another's.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import TypeGuard

COOKIE_NAME = "ph_form"
TOKEN_MAX_AGE = 2 * 60 * 60  # seconds: long enough to fill in the form calmly, short enough to expire
WEBFORM = "webform-csrf"
_NONCE_BYTES = 18


def new_nonce() -> str:
    return secrets.token_urlsafe(_NONCE_BYTES)


def is_nonce(value: str | None) -> TypeGuard[str]:
    return value is not None and 0 < len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()


def _signature(secret: str, label: str, binding: str, issued: int) -> str:
    message = f"{label}|{binding}|{issued}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def make_token(secret: str, binding: str, now: float | None = None, label: str = WEBFORM) -> str:
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_signature(secret, label, binding, issued)}"


def token_is_valid(secret: str, binding: str | None, token: str | None, now: float | None = None,
                   label: str = WEBFORM) -> bool:
    """True when `token` was signed for `label` and this `binding` less than TOKEN_MAX_AGE seconds ago."""
    if not binding or len(binding) > 128 or not token or len(token) > 200:
        return False
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdigit():
        return False
    issued = int(issued_text)
    age = (now if now is not None else time.time()) - issued
    if not 0 <= age <= TOKEN_MAX_AGE:
        return False
    return hmac.compare_digest(signature, _signature(secret, label, binding, issued))
