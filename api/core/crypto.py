"""Encryption at rest: a MultiFernet per purpose (INTAKE_FIELD_KEYS for database fields, INTAKE_TOTP_KEYS for staff
second-factor secrets) and the encrypted string column types. `python -m api.cli rotate` (api/core/rotation.py)
re-encrypts every column of these types with the newest key of its purpose."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

from api.core.config import get_settings

Purpose = Literal["field", "totp"]


@lru_cache
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def get_cipher(purpose: Purpose = "field") -> MultiFernet:
    """The cipher of one purpose: its first key encrypts, every key decrypts (rotation)."""
    return _cipher_for(tuple(get_settings().keys_for(purpose)))


def is_current(token: str, purpose: Purpose) -> bool:
    """Whether the newest key of the purpose encrypted this token (nothing left for `rotate` to do)."""
    try:
        _cipher_for((get_settings().keys_for(purpose)[0],)).decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def encrypt(value: str, purpose: Purpose = "field") -> str:
    return get_cipher(purpose).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str, purpose: Purpose = "field") -> str:
    return get_cipher(purpose).decrypt(token.encode("ascii")).decode("utf-8")


class EncryptedString(TypeDecorator[str]):
    """A text column stored as a Fernet token of the database-field keys; plain text never reaches the database.
    Every column of this type (or a subclass) is found and re-encrypted by `rotate`."""

    impl = Text
    cache_ok = True
    purpose: Purpose = "field"

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value, self.purpose)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(value, self.purpose)


class EncryptedTotpSecret(EncryptedString):
    """A staff member's TOTP secret, under its own keys: the field keys cannot open it, nor it them."""

    cache_ok = True
    purpose: Purpose = "totp"
