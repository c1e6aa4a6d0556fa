"""CSRF protection of the web form: a signed token bound to a short-lived cookie.

GET sets a random nonce in a cookie and puts HMAC(secret, nonce, issued-at) in a hidden field; POST accepts only
when the field matches the cookie's nonce and is younger than TOKEN_MAX_AGE. A foreign site can make the browser
post, but cannot read the cookie (and SameSite=Strict keeps it off cross-site posts), so it cannot sign a token.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

COOKIE_NAME = "ph_form"
TOKEN_MAX_AGE = 2 * 60 * 60  # seconds: long enough to fill in the form calmly, short enough to expire
_NONCE_BYTES = 18


def new_nonce() -> str:
    return secrets.token_urlsafe(_NONCE_BYTES)


def is_nonce(value: str | None) -> bool:
    return bool(value) and len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()


def _signature(secret: str, nonce: str, issued: int) -> str:
    message = f"webform-csrf|{nonce}|{issued}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def make_token(secret: str, nonce: str, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_signature(secret, nonce, issued)}"


def token_is_valid(secret: str, nonce: str | None, token: str | None, now: float | None = None) -> bool:
    """True when `token` was signed for this cookie `nonce` less than TOKEN_MAX_AGE seconds ago."""
    if not is_nonce(nonce) or not token or len(token) > 200:
        return False
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdigit():
        return False
    issued = int(issued_text)
    age = (now if now is not None else time.time()) - issued
    if not 0 <= age <= TOKEN_MAX_AGE:
        return False
    return hmac.compare_digest(signature, _signature(secret, nonce, issued))
