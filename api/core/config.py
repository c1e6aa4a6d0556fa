"""Backend settings: every environment variable the backend reads, read once (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only secrets, so `uvicorn api.main:app` works on a fresh checkout. Production refuses them.
DEV_SERVICE_TOKEN = "dev-only-service-token-never-use-in-production"
# base64 of b"dev-only-key-never-use-in-prod!!" (a valid Fernet key).
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE="
DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """The backend's configuration; field names map to INTAKE_* variables (DATABASE_URL has no prefix)."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///var/intake.sqlite3", validation_alias="DATABASE_URL")
    env: Literal["development", "test", "production"] = "development"
    service_token: SecretStr = SecretStr(DEV_SERVICE_TOKEN)
    encryption_keys: SecretStr = SecretStr(DEV_ENCRYPTION_KEY)
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    # One Rasa base URL, or several separated by commas (scale-out: they must share the Redis tracker store).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = Field(10.0, gt=0, le=60)
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    admin_totp_secret: SecretStr | None = None
    retention_days: int = Field(1825, ge=1)
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
    sign_in_rate_limit: int = Field(10, ge=1)  # POST /api/auth/token (the per-account lock-out comes on top)
    sign_in_rate_window: float = Field(300.0, gt=0)
    conversations_limit: int = Field(30, ge=1)  # distinct chat senders per client
    conversations_window: float = Field(3600.0, gt=0)
    # Where those counters live: unset = in this process; a Redis URL (redis://, rediss:// or unix://) = shared by
    # every worker and host that has the same URL (windows then count in whole seconds, rounded up).
    limits_redis_url: SecretStr | None = None

    @field_validator("encryption_keys")
    @classmethod
    def _keys_are_fernet_keys(cls, value: SecretStr) -> SecretStr:
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
    def _production_needs_real_secrets(self) -> "Settings":
        if self.env != "production":
            return self
        problems = []
        for name, value, default in (
            ("INTAKE_SERVICE_TOKEN", self.service_token, DEV_SERVICE_TOKEN),
            ("INTAKE_SECRET_KEY", self.secret_key, DEV_SECRET_KEY),
        ):
            secret = value.get_secret_value()
            if secret == default or len(secret) < MIN_SECRET_LENGTH:
                problems.append(f"{name} is the development default or shorter than {MIN_SECRET_LENGTH} characters")
        if DEV_ENCRYPTION_KEY in self.encryption_key_list:
            problems.append("INTAKE_ENCRYPTION_KEYS contains the development key")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def encryption_key_list(self) -> list[str]:
        """Fernet keys, first one encrypts."""
        return [k.strip() for k in self.encryption_keys.get_secret_value().split(",") if k.strip()]

    @property
    def rasa_urls(self) -> list[str]:
        return self.rasa_url.split(",")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()
