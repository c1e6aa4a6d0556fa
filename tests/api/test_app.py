"""Starting the app: health, headers, the first admin from the environment, production secrets."""
from __future__ import annotations

import logging
import os
import subprocess

import pyotp
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.core.config import Settings, get_settings
from tests import stack


def start(monkeypatch=None, **env):
    from api.main import create_app

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return TestClient(create_app())


def test_health_without_auth(client):
    r = client.get("/api/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_no_staff_account_is_reported_once_at_start(engine, caplog):
    caplog.set_level(logging.INFO)
    with start():
        pass
    lines = [r.getMessage() for r in caplog.records if "No staff account yet" in r.getMessage()]
    assert lines == ["No staff account yet: run `make admin` (or set INTAKE_ADMIN_EMAIL and INTAKE_ADMIN_PASSWORD)"]


def test_admin_from_environment_is_created_once_and_can_sign_in(engine, monkeypatch, caplog):
    secret = pyotp.random_base32()
    admin = {"INTAKE_ADMIN_EMAIL": "beheer@example.org", "INTAKE_ADMIN_PASSWORD": "het beheer wachtwoord",
             "INTAKE_ADMIN_TOTP_SECRET": secret}
    with start(monkeypatch, **admin):
        pass
    with start(monkeypatch, **admin) as client:  # a restart keeps the one account
        r = client.post("/api/auth/token", data={"username": "beheer@example.org", "password": "het beheer wachtwoord",
                                                 "otp": pyotp.TOTP(secret).now()})
        assert r.status_code == 200
        assert client.post("/api/auth/token", data={"username": "beheer@example.org",
                                                    "password": "het beheer wachtwoord"}).status_code == 401
    assert "No staff account yet" not in caplog.text
    assert "beheer@example.org" not in caplog.text


@pytest.mark.parametrize("missing", ["INTAKE_SERVICE_TOKEN", "INTAKE_SECRET_KEY", "INTAKE_ENCRYPTION_KEYS"])
def test_production_refuses_each_default_secret(env, monkeypatch, missing):
    real = {"INTAKE_SERVICE_TOKEN": "s" * 40, "INTAKE_SECRET_KEY": "k" * 48,
            "INTAKE_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    monkeypatch.setenv("INTAKE_ENV", "production")
    for name, value in real.items():
        monkeypatch.setenv(name, value)
    assert Settings().env == "production"
    monkeypatch.delenv(missing)
    with pytest.raises(ValidationError, match="refusing to start in production"):
        Settings()


def test_production_server_does_not_start_with_defaults(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(PYTHONPATH=str(stack.ROOT), INTAKE_ENV="production", DATABASE_URL=database_url)
    run = subprocess.run([str(stack.API_BIN / "python"), "-c", "import api.main"], cwd=stack.ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "refusing to start in production" in run.stderr


def test_invalid_encryption_key_is_refused(env, monkeypatch):
    monkeypatch.setenv("INTAKE_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ValidationError, match="not a Fernet key"):
        Settings()


def test_real_server_answers_health(database_url, tmp_path, engine):
    """The command of the Procfile, as tests/stack.py starts it."""
    proc, url = stack.start_backend(tmp_path, database_url)
    try:
        import httpx

        assert httpx.get(url + "/api/health").json() == {"status": "ok"}
    finally:
        proc.stop()
    log = proc.log_path.read_text()
    assert "No staff account yet" in log
    assert "Traceback" not in log


def test_admin_totp_secret_must_be_base32(env, monkeypatch):
    monkeypatch.setenv("INTAKE_ADMIN_TOTP_SECRET", "not base32!")
    with pytest.raises(ValidationError, match="INTAKE_ADMIN_TOTP_SECRET"):
        Settings()
