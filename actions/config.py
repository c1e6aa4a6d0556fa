"""Settings of the action server: the only module that reads os.environ (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Secrets written in this repository, one list with the backend (api/core/config.py): never accepted.
PUBLIC_SECRETS_FILE = Path(__file__).resolve().parents[1] / "known-public-secrets.txt"
MIN_SECRET_LENGTH = 32  # as the backend
ENVIRONMENTS = ("development", "test", "production")


class ConfigError(ValueError):
    """A setting the action server refuses to start with; the message names the variable, never its value."""


@dataclass(frozen=True)
class Settings:
    backend_url: str
    service_token: str
    encryption_keys: tuple[str, ...]  # the outbox's: INTAKE_OUTBOX_KEYS, then INTAKE_ENCRYPTION_KEYS (transition)
    outbox_path: Path
    delivery_timeout: float = 5.0
    # Back-off of the retry loop: first retry after `retry_base` seconds, doubling up to `retry_cap`.
    retry_base: float = 5.0
    retry_cap: float = 300.0
    # After this many failed attempts a pending item is reported to staff as "failing" (once); it keeps retrying.
    dead_after_attempts: int = 20
    # Delivered rows (key, reference, state; the record is blanked at delivery) are deleted this long after delivery;
    # `make purge` deletes dead letters (with their encrypted record) this long after they were refused.
    retention_days: float = 7.0
    # Shared secret of the bot's internal links (backend -> Rasa -> action server): the X-Intake-Secret header.
    bot_secret: str = ""


def known_public_secrets() -> frozenset[str]:
    lines = PUBLIC_SECRETS_FILE.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


KEY_LISTS = ("INTAKE_OUTBOX_KEYS", "INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS", "INTAKE_ENCRYPTION_KEYS")
BOT_SECRET_VARIABLE = "INTAKE_BOT_SECRET"


def is_weak_secret(value: str) -> bool:
    """Missing, short or published (also used by the Rasa process's start-up, bot/serve.py)."""
    return len(value) < MIN_SECRET_LENGTH or value in known_public_secrets()


def _keys(env, name: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in env.get(name, "").split(",") if k.strip())


def _key_problems(env, public: frozenset[str]) -> list[str]:
    """As the backend (api/core/config.key_problems): the outbox's list is required, none holds a published key,
    and no key is in two lists (each purpose has its own; the others are read here only for that check)."""
    lists = {name: _keys(env, name) for name in KEY_LISTS}
    problems = [f"{name} is missing or holds a published key" for name, keys in lists.items()
                if (name == "INTAKE_OUTBOX_KEYS" and not keys) or set(keys) & public]
    for i, name in enumerate(KEY_LISTS):
        for other in KEY_LISTS[i + 1:]:
            if set(lists[name]) & set(lists[other]):
                problems.append(f"{name} and {other} share a key: each purpose needs its own")
    return problems


def _refuse_unsafe_secrets(env) -> None:
    """Every mode: there are no defaults, and a published key would encrypt the outbox for anyone to read."""
    public = known_public_secrets()
    problems = []
    token = env.get("INTAKE_SERVICE_TOKEN", "")
    if token in public or len(token) < MIN_SECRET_LENGTH:
        problems.append(f"INTAKE_SERVICE_TOKEN is missing, shorter than {MIN_SECRET_LENGTH} characters or a "
                        "published value")
    problems += _key_problems(env, public)
    if is_weak_secret(env.get(BOT_SECRET_VARIABLE, "")):
        problems.append(f"{BOT_SECRET_VARIABLE} is missing, shorter than {MIN_SECRET_LENGTH} characters or a "
                        "published value")
    if problems:
        raise ConfigError("refusing to start: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; ConfigError when a secret is missing, short or published."""
    env = os.environ
    mode = env.get("INTAKE_ENV", "production")
    if mode not in ENVIRONMENTS:  # a typo must not quietly mean something looser
        raise ConfigError(f"INTAKE_ENV must be one of {', '.join(ENVIRONMENTS)}")
    _refuse_unsafe_secrets(env)
    # The old single list decrypts (never encrypts) until `make rotate` has re-encrypted the outbox.
    keys = _keys(env, "INTAKE_OUTBOX_KEYS") + _keys(env, "INTAKE_ENCRYPTION_KEYS")
    return Settings(
        backend_url=env.get("INTAKE_BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=env["INTAKE_SERVICE_TOKEN"],
        encryption_keys=keys,
        outbox_path=Path(env.get("INTAKE_OUTBOX_PATH", "var/outbox.sqlite3")),
        dead_after_attempts=int(env.get("INTAKE_OUTBOX_DEAD_AFTER", "20")),
        retention_days=float(env.get("INTAKE_OUTBOX_RETENTION_DAYS", "7")),
        bot_secret=env[BOT_SECRET_VARIABLE],
    )
