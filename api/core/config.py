"""Backend settings: every environment variable the backend reads, read once (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that are written in this repository (one list, also read by actions/config.py): never accepted.
PUBLIC_SECRETS_FILE = Path(__file__).resolve().parents[2] / "known-public-secrets.txt"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """The backend's configuration; field names map to INTAKE_* variables (DATABASE_URL has no prefix)."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///var/intake.sqlite3", validation_alias="DATABASE_URL")
    # Production unless told otherwise: a forgotten variable must not loosen anything.
    env: Literal["development", "test", "production"] = "production"
    # No defaults: a missing secret is refused in every mode (make run and the tests pass their own).
    service_token: SecretStr | None = None
    encryption_keys: SecretStr | None = None
    secret_key: SecretStr | None = None
    # One Rasa base URL, or several separated by commas (scale-out: they must share the Redis tracker store).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = Field(10.0, gt=0, le=60)
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    admin_totp_secret: SecretStr | None = None
    retention_days: int = Field(1825, ge=1)
    # Dead-letter notices (and, in the action server, the outbox's dead letters and delivered rows) older than this
    # are deleted by `make purge`.
    outbox_retention_days: float = Field(7.0, gt=0)
    # Where staff open the workspace; used for the link in notification mails.
    public_url: str = "http://127.0.0.1:8000"
    # Mail: no SMTP host means no mail is sent (logged once per registration, without details).
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: float = Field(10.0, gt=0, le=120)
    mail_from: str = "intake@localhost"
    desk_email: str | None = None  # the registration desk: one mail per new registration
    confirmation_mail: bool = True  # also confirm to the registrant when they gave an e-mail and email_ok == yes
    # CSP frame-ancestors: which sites may embed our pages ("'none'", or e.g. "https://example.org").
    frame_ancestors: str = Field("'none'", pattern=r"^[^;,\x00-\x1f]+$")
    # Abuse limits (api/core/limits.py), per client address: requests per window in seconds.
    max_body_bytes: int = Field(64 * 1024, ge=1024)  # every request; 413 above it
    chat_rate_limit: int = Field(60, ge=1)  # POST /api/chat
    chat_rate_window: float = Field(60.0, gt=0)
    form_rate_limit: int = Field(10, ge=1)  # POST /aanmelden, /en/aanmelden
    form_rate_window: float = Field(600.0, gt=0)
    sign_in_rate_limit: int = Field(10, ge=1)  # POST /api/auth/token (api/staff/throttle.py comes on top)
    sign_in_rate_window: float = Field(300.0, gt=0)
    conversations_limit: int = Field(30, ge=1)  # distinct chat senders per client
    conversations_window: float = Field(3600.0, gt=0)
    # Where those counters live: unset = in this process; a Redis URL (redis://, rediss:// or unix://) = shared by
    # every worker and host that has the same URL (windows then count in whole seconds, rounded up).
    limits_redis_url: SecretStr | None = None
    # Shared secret of the bot's internal links: sent to Rasa in X-Intake-Secret (Rasa sends it on to the actions).
    bot_secret: SecretStr | None = None

    @field_validator("encryption_keys")
    @classmethod
    def _keys_are_fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if not keys:
            raise ValueError("INTAKE_ENCRYPTION_KEYS needs at least one Fernet key")
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise ValueError("INTAKE_ENCRYPTION_KEYS holds a value that is not a Fernet key") from None
        return value

    @field_validator("admin_totp_secret")
    @classmethod
    def _totp_secret_is_base32(cls, value: SecretStr | None) -> SecretStr | None:
        from api.core.security import is_totp_secret

        if value is not None and not is_totp_secret(value.get_secret_value()):
            raise ValueError("INTAKE_ADMIN_TOTP_SECRET must be a base32 secret of at least 26 characters")
        return value

    @field_validator("limits_redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().strip().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("INTAKE_LIMITS_REDIS_URL must start with redis://, rediss:// or unix://")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("rasa_url")
    @classmethod
    def _strip_slashes(cls, value: str) -> str:
        return ",".join(url.strip().rstrip("/") for url in value.split(",") if url.strip())

    @model_validator(mode="after")
    def _real_secrets(self) -> "Settings":
        """Every mode: a missing, short or published secret is refused, naming the variable, never the value."""
        public = known_public_secrets()
        problems = []
        for name, value in (("INTAKE_SERVICE_TOKEN", self.service_token), ("INTAKE_SECRET_KEY", self.secret_key)):
            secret = value.get_secret_value() if value else ""
            if len(secret) < MIN_SECRET_LENGTH or secret in public:
                problems.append(f"{name} is missing, shorter than {MIN_SECRET_LENGTH} characters or a published value")
        bot_secret = self.bot_secret.get_secret_value() if self.bot_secret else ""
        if len(bot_secret) < MIN_SECRET_LENGTH or bot_secret in public:
            problems.append(f"INTAKE_BOT_SECRET is missing, shorter than {MIN_SECRET_LENGTH} characters or a published "
                            "value")
        if not self.encryption_key_list or set(self.encryption_key_list) & public:
            problems.append("INTAKE_ENCRYPTION_KEYS is missing or holds a published key")
        # Mail carries reference codes and, with a username, the SMTP password: never in plain text in production.
        if self.env == "production" and self.smtp_host and not (self.smtp_starttls or self.smtp_ssl):
            problems.append("INTAKE_SMTP_STARTTLS or INTAKE_SMTP_SSL must be true in production")
        if problems:
            raise ValueError("refusing to start: " + "; ".join(problems))
        return self

    @property
    def encryption_key_list(self) -> list[str]:
        """Fernet keys, first one encrypts."""
        value = self.encryption_keys.get_secret_value() if self.encryption_keys else ""
        return [k.strip() for k in value.split(",") if k.strip()]

    @property
    def rasa_urls(self) -> list[str]:
        return self.rasa_url.split(",")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def known_public_secrets() -> frozenset[str]:
    lines = PUBLIC_SECRETS_FILE.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class ConfigError(ValueError):
    """The environment holds a setting the backend refuses; one line naming the variables, never their values."""


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use; ConfigError when refused."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """One line: each refused variable with pydantic's reason (the input is left out: it may be a secret)."""
    parts = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        loc = [str(part) for part in error.get("loc", ())]
        name = "DATABASE_URL" if loc == ["database_url"] else f"INTAKE_{loc[0].upper()}" if loc else ""
        parts.append(message if not name or name in message else f"{name}: {message}")
    return "; ".join(parts)
