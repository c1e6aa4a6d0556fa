"""Starting the app: health, headers, the first admin from the environment, production secrets."""
from __future__ import annotations

import logging
import os
import stat
import subprocess

import pyotp
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.core.config import PUBLIC_SECRETS_FILE, ConfigError, Settings, get_settings, known_public_secrets
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


SECRETS = ("INTAKE_SERVICE_TOKEN", "INTAKE_SECRET_KEY", "INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS", "INTAKE_BOT_SECRET")
PUBLISHED = sorted(known_public_secrets())


def test_production_is_the_default(env, monkeypatch):
    monkeypatch.delenv("INTAKE_ENV")
    assert Settings().env == "production"


def test_the_published_secrets_are_one_list_for_both_processes():
    assert PUBLIC_SECRETS_FILE == stack.ROOT / "known-public-secrets.txt"
    assert "known-public-secrets.txt" in (stack.ROOT / "actions" / "config.py").read_text()
    assert "dev-only-service-token-never-use-in-production" in PUBLISHED and len(PUBLISHED) >= 8


def _refused(name: str) -> list:
    values = [None, "s" * 31]  # missing, short
    if name.endswith("_KEYS"):
        return [None, " , ", "ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE=",
                Fernet.generate_key().decode() + ",dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDAwMDA="]
    return values + [p for p in PUBLISHED if len(p) >= 32 and not p.endswith("=")]


@pytest.mark.parametrize("mode", ["development", "test", "production"])
@pytest.mark.parametrize(("name", "value"), [(n, v) for n in SECRETS for v in _refused(n)])
def test_a_missing_short_or_published_secret_is_refused_in_every_mode(env, monkeypatch, mode, name, value):
    monkeypatch.setenv("INTAKE_ENV", mode)
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        get_settings()
    message = str(refused.value)
    assert name in message and "\n" not in message
    assert all(other not in message for other in SECRETS if other != name)
    for secret in [value, *(env[n] for n in SECRETS)]:
        assert not secret or not secret.strip(" ,") or secret not in message


def test_the_server_exits_with_one_line_naming_the_variable(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(PYTHONPATH=str(stack.ROOT), DATABASE_URL=database_url, INTAKE_SERVICE_TOKEN="s" * 40,
               INTAKE_FIELD_KEYS=Fernet.generate_key().decode(), INTAKE_TOTP_KEYS=Fernet.generate_key().decode(),
               INTAKE_SECRET_KEY=PUBLISHED[0], INTAKE_BOT_SECRET="b" * 40)
    run = subprocess.run([str(stack.API_BIN / "uvicorn"), "api.main:app", "--port", str(stack.free_port())],
                         cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "api: refusing to start: INTAKE_SECRET_KEY is missing, shorter than 32 characters or a published value"]


def test_production_needs_tls_for_mail(env, monkeypatch):
    monkeypatch.setenv("INTAKE_ENV", "production")
    monkeypatch.setenv("INTAKE_SMTP_HOST", "mail.example.org")
    with pytest.raises(ConfigError, match="INTAKE_SMTP_STARTTLS or INTAKE_SMTP_SSL"):
        get_settings()
    for name in ("INTAKE_SMTP_STARTTLS", "INTAKE_SMTP_SSL"):
        monkeypatch.setenv(name, "true")
        get_settings.cache_clear()
        assert get_settings().smtp_host == "mail.example.org"
        monkeypatch.delenv(name)


@pytest.mark.parametrize("name", ["INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS", "INTAKE_OUTBOX_KEYS",
                                  "INTAKE_ENCRYPTION_KEYS"])
def test_invalid_encryption_key_is_refused(env, monkeypatch, name):
    monkeypatch.setenv(name, "not-a-key")
    with pytest.raises(ValidationError, match=f"{name} holds a value that is not a Fernet key"):
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


def test_every_api_and_staff_answer_is_no_store(client, staff_headers):
    for path, headers in (("/api/health", {}), ("/api/registrations", staff_headers), ("/api/registrations", {}),
                          ("/staff/aanmelden", {}), ("/staff", {})):
        r = client.get(path, headers=headers, follow_redirects=False)
        assert r.headers["cache-control"] == "no-store", path
    assert "no-store" not in client.get("/static/widget.js").headers.get("cache-control", "")


def test_hsts_only_over_https(engine):
    from api.main import create_app

    with TestClient(create_app(), base_url="https://testserver") as client:
        assert client.get("/api/health").headers["strict-transport-security"].startswith("max-age=63072000")
    with TestClient(create_app()) as client:
        assert "strict-transport-security" not in client.get("/api/health").headers


def test_sqlite_files_are_private_whatever_the_umask(tmp_path):
    from sqlalchemy import text

    from api.core.db import make_engine

    old = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'intake.sqlite3'}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        engine.dispose()
    finally:
        os.umask(old)
    assert modes == {"intake.sqlite3": 0o600, "intake.sqlite3-shm": 0o600, "intake.sqlite3-wal": 0o600}


def test_the_processes_that_write_files_set_umask_077():
    for module in ("api/main.py", "api/cli.py", "actions/server.py"):
        assert "os.umask(0o077)" in (stack.ROOT / module).read_text(), module


def test_no_access_log_in_the_procfile_or_the_test_stack():
    """uvicorn's access log puts the visitor's address next to each request (also POST /aanmelden)."""
    backend = next(line for line in (stack.ROOT / "Procfile").read_text().splitlines() if line.startswith("backend:"))
    assert "--no-access-log" in backend
    assert "--no-access-log" in (stack.ROOT / "tests" / "stack.py").read_text()
