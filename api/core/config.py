"""Backend settings: every environment variable the backend reads, read once (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
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
    # Fernet keys per purpose (comma-separated; the first encrypts, all decrypt): database fields, staff TOTP
    # secrets, and the action server's outbox (read here only to refuse a key shared with it).
    field_keys: SecretStr | None = None
    totp_keys: SecretStr | None = None
    outbox_keys: SecretStr | None = None
    # Before keys per purpose: still decrypts (never encrypts) every purpose until `make rotate`, then removed.
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
    # CSP frame-ancestors of the chat page /chat/embed (api/static/embed.js): which sites may frame it ("'none'",
    # or e.g. "https://example.org"); every other page may be framed by none.
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
    # The anonymous question box (api/questions/): new questions and code attempts (fetch, reply, delete) per client
    # address, code attempts from all clients together, and how long a thread lives after its last message.
    question_rate_limit: int = Field(10, ge=1)  # POST /vraag, /en/question
    question_rate_window: float = Field(600.0, gt=0)
    question_code_rate_limit: int = Field(10, ge=1)  # POST /vraag/ophalen, /vraag/antwoorden, /vraag/wissen (+ en)
    question_code_rate_window: float = Field(600.0, gt=0)
    question_code_global_limit: int = Field(1000, ge=1)  # the same paths, every client together
    question_code_global_window: float = Field(3600.0, gt=0)
    question_retention_days: int = Field(30, ge=1)
    # Shared secret of the bot's internal links: sent to Rasa in X-Intake-Secret (Rasa sends it on to the actions).
    bot_secret: SecretStr | None = None

    @field_validator("field_keys", "totp_keys", "outbox_keys", "encryption_keys")
    @classmethod
    def _keys_are_fernet_keys(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            return None
        name = f"INTAKE_{(info.field_name or '').upper()}"
        keys = split_keys(value.get_secret_value())
        if not keys:
            raise ValueError(f"{name} needs at least one Fernet key")
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise ValueError(f"{name} holds a value that is not a Fernet key") from None
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

    @property
    def secret(self) -> str:
        """The value of INTAKE_SECRET_KEY."""
        return _required(self.secret_key)

    @property
    def service_secret(self) -> str:
        """The value of INTAKE_SERVICE_TOKEN."""
        return _required(self.service_token)

    @field_validator("rasa_url")
    @classmethod
    def _strip_slashes(cls, value: str) -> str:
        return ",".join(url.strip().rstrip("/") for url in value.split(",") if url.strip())

    @model_validator(mode="after")
    def _real_secrets(self) -> Settings:
        """Every mode: a missing, short or published secret is refused, naming the variable, never the value."""
        public = known_public_secrets()
        problems = []
        for name, value in (("INTAKE_SERVICE_TOKEN", self.service_token), ("INTAKE_SECRET_KEY", self.secret_key)):
            secret = value.get_secret_value() if value else ""
            if len(secret) < MIN_SECRET_LENGTH or secret in public:
                problems.append(f"{name} is missing, shorter than {MIN_SECRET_LENGTH} characters or a published value")
        problems += key_problems({name: split_keys(value.get_secret_value() if value else "") for name, value in (
            ("INTAKE_FIELD_KEYS", self.field_keys), ("INTAKE_TOTP_KEYS", self.totp_keys),
            ("INTAKE_OUTBOX_KEYS", self.outbox_keys), ("INTAKE_ENCRYPTION_KEYS", self.encryption_keys))},
            required=("INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS"), public=public)
        if self.encryption_keys and not (self.field_keys and self.totp_keys):
            problems.append("a var/secrets.env from before keys per purpose: `python -m api.cli init-secrets "
                            "var/secrets.env` adds the missing lists")
        bot_secret = self.bot_secret.get_secret_value() if self.bot_secret else ""
        if len(bot_secret) < MIN_SECRET_LENGTH or bot_secret in public:
            problems.append(f"INTAKE_BOT_SECRET is missing, shorter than {MIN_SECRET_LENGTH} characters or a published "
                            "value")
        # Mail carries reference codes and, with a username, the SMTP password: never in plain text in production.
        if self.env == "production" and self.smtp_host and not (self.smtp_starttls or self.smtp_ssl):
            problems.append("INTAKE_SMTP_STARTTLS or INTAKE_SMTP_SSL must be true in production")
        if problems:
            raise ValueError("refusing to start: " + "; ".join(problems))
        return self

    def keys_for(self, purpose: Literal["field", "totp"]) -> list[str]:
        """Fernet keys of one purpose, the first encrypts; the transition's INTAKE_ENCRYPTION_KEYS come last."""
        own = self.field_keys if purpose == "field" else self.totp_keys
        return [*split_keys(own.get_secret_value() if own else ""),
                *split_keys(self.encryption_keys.get_secret_value() if self.encryption_keys else "")]

    @property
    def rasa_urls(self) -> list[str]:
        return self.rasa_url.split(",")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def key_problems(lists: dict[str, list[str]], required: tuple[str, ...], public: frozenset[str]) -> list[str]:
    """Required key lists that are missing or hold a published key, and any key found in two lists (each purpose
    has its own keys, so one leaked key opens one purpose). Names only, never a key. Mirrored in actions/config.py."""
    problems = []
    for name, keys in lists.items():
        if (name in required and not keys) or set(keys) & public:
            problems.append(f"{name} is missing or holds a published key")
    names = list(lists)
    for i, name in enumerate(names):
        for other in names[i + 1:]:
            if set(lists[name]) & set(lists[other]):
                problems.append(f"{name} and {other} share a key: each purpose needs its own")
    return problems


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


def _required(secret: SecretStr | None) -> str:
    # Settings without a required secret never get past _real_secrets; this narrows the type.
    if secret is None:
        raise ConfigError("a required secret is missing")
    return secret.get_secret_value()
