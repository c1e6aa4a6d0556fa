"""Settings of the action server: the only module that reads os.environ (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Development defaults only; `make run` and the tests pass their own values. Production refuses them.
_DEV_TOKEN = "dev-service-token-change-me"
_DEV_KEY = "ZGV2LWtleS1kZXYta2V5LWRldi1rZXktZGV2LWtleTA="
# The backend's development values are just as public (api/core/config.py); production refuses them too.
_PUBLIC_TOKENS = (_DEV_TOKEN, "dev-only-service-token-never-use-in-production")
_PUBLIC_KEYS = (_DEV_KEY, "ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE=")
MIN_SECRET_LENGTH = 32  # as the backend
ENVIRONMENTS = ("development", "test", "production")


class ConfigError(ValueError):
    """A setting the action server refuses to start with; the message names the variable, never its value."""


@dataclass(frozen=True)
class Settings:
    backend_url: str
    service_token: str
    encryption_keys: tuple[str, ...]
    outbox_path: Path
    delivery_timeout: float = 5.0
    # Back-off of the retry loop: first retry after `retry_base` seconds, doubling up to `retry_cap`.
    retry_base: float = 5.0
    retry_cap: float = 300.0
    # After this many failed attempts a pending item is reported to staff as "failing" (once); it keeps retrying.
    dead_after_attempts: int = 20


def _refuse_public_secrets(env, keys: tuple[str, ...]) -> None:
    """In production the dev defaults would encrypt the outbox with a key anyone can read in this repository."""
    problems = []
    token = env.get("INTAKE_SERVICE_TOKEN", "")
    if token in _PUBLIC_TOKENS or len(token) < MIN_SECRET_LENGTH:
        problems.append(f"INTAKE_SERVICE_TOKEN is missing, a development default or shorter than {MIN_SECRET_LENGTH} "
                        "characters")
    if not keys or set(keys) & set(_PUBLIC_KEYS):  # a missing variable gives the dev key
        problems.append("INTAKE_ENCRYPTION_KEYS is missing or contains a development key")
    if problems:
        raise ConfigError("refusing to start in production: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; ConfigError in production when a secret is missing or public."""
    env = os.environ
    mode = env.get("INTAKE_ENV", "development")
    if mode not in ENVIRONMENTS:  # a typo must not quietly mean "development"
        raise ConfigError(f"INTAKE_ENV must be one of {', '.join(ENVIRONMENTS)}")
    keys = tuple(k.strip() for k in env.get("INTAKE_ENCRYPTION_KEYS", _DEV_KEY).split(",") if k.strip())
    if mode == "production":
        _refuse_public_secrets(env, keys)
    return Settings(
        backend_url=env.get("INTAKE_BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=env.get("INTAKE_SERVICE_TOKEN", _DEV_TOKEN),
        encryption_keys=keys,
        outbox_path=Path(env.get("INTAKE_OUTBOX_PATH", "var/outbox.sqlite3")),
        dead_after_attempts=int(env.get("INTAKE_OUTBOX_DEAD_AFTER", "20")),
    )
