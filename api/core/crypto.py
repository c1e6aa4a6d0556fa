"""Encryption at rest: MultiFernet over INTAKE_ENCRYPTION_KEYS and an encrypted string column type."""
from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from api.core.config import get_settings


@lru_cache
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def get_cipher() -> MultiFernet:
    """The cipher for the configured keys: the first key encrypts, every key decrypts (rotation)."""
    return _cipher_for(tuple(get_settings().encryption_key_list))


def encrypt(value: str) -> str:
    return get_cipher().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return get_cipher().decrypt(token.encode("ascii")).decode("utf-8")


class EncryptedString(TypeDecorator):
    """A text column stored as a Fernet token; plain text never reaches the database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect) -> str | None:
        return None if value is None else decrypt(value)
