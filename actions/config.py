"""Settings of the action server: the only module that reads os.environ (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Development defaults only; `make run` and the tests pass their own values.
_DEV_TOKEN = "dev-service-token-change-me"
_DEV_KEY = "ZGV2LWtleS1kZXYta2V5LWRldi1rZXktZGV2LWtleTA="


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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process."""
    env = os.environ
    keys = tuple(k.strip() for k in env.get("INTAKE_ENCRYPTION_KEYS", _DEV_KEY).split(",") if k.strip())
    return Settings(
        backend_url=env.get("INTAKE_BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=env.get("INTAKE_SERVICE_TOKEN", _DEV_TOKEN),
        encryption_keys=keys,
        outbox_path=Path(env.get("INTAKE_OUTBOX_PATH", "var/outbox.sqlite3")),
        dead_after_attempts=int(env.get("INTAKE_OUTBOX_DEAD_AFTER", "20")),
    )
