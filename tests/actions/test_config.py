"""Settings of the action server: development defaults outside production, refused in production (like the
backend), and a server process that exits with one line naming the variable, never its value."""
from __future__ import annotations

import base64
import os
import secrets
import subprocess

import pytest

from actions import config
from actions.config import ConfigError, get_settings
from tests import stack

REAL_TOKEN = secrets.token_urlsafe(32)
REAL_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
REAL_BOT_SECRET = secrets.token_urlsafe(32)
BACKEND_DEV_TOKEN = "dev-only-service-token-never-use-in-production"
BACKEND_DEV_KEY = "ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE="
OWN_DEV_TOKEN = "dev-service-token-change-me"
OWN_DEV_KEY = "ZGV2LWtleS1kZXYta2V5LWRldi1rZXktZGV2LWtleTA="


@pytest.fixture
def environ(monkeypatch):
    """A clean INTAKE_* environment; calling `environ(**values)` sets them and reads the settings afresh."""
    for name in [n for n in os.environ if n.startswith("INTAKE_")]:
        monkeypatch.delenv(name)

    def read(**values: str):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return get_settings()

    yield read
    get_settings.cache_clear()


def test_the_published_secrets_are_the_backends_list():
    assert config.PUBLIC_SECRETS_FILE == stack.ROOT / "known-public-secrets.txt"
    assert {OWN_DEV_TOKEN, OWN_DEV_KEY, BACKEND_DEV_TOKEN, BACKEND_DEV_KEY} <= config.known_public_secrets()


REFUSED = [("INTAKE_SERVICE_TOKEN", value) for value in (None, OWN_DEV_TOKEN, BACKEND_DEV_TOKEN, "short-token")] + [
    ("INTAKE_OUTBOX_KEYS", value)
    for value in (None, OWN_DEV_KEY, BACKEND_DEV_KEY, f"{REAL_KEY},{OWN_DEV_KEY}", " , ")] + [
    ("INTAKE_BOT_SECRET", value) for value in (None, OWN_DEV_TOKEN, BACKEND_DEV_TOKEN, "s" * 31)]
SECRET_NAMES = {"INTAKE_SERVICE_TOKEN", "INTAKE_OUTBOX_KEYS", "INTAKE_BOT_SECRET"}


@pytest.mark.parametrize("mode", [None, "development", "test", "production"])
@pytest.mark.parametrize(("name", "value"), REFUSED)
def test_a_missing_short_or_published_secret_is_refused_in_every_mode(environ, mode, name, value):
    values = {"INTAKE_SERVICE_TOKEN": REAL_TOKEN, "INTAKE_OUTBOX_KEYS": REAL_KEY, "INTAKE_BOT_SECRET": REAL_BOT_SECRET}
    if mode:
        values["INTAKE_ENV"] = mode
    del values[name]
    if value is not None:
        values[name] = value
    with pytest.raises(ConfigError, match=name) as refused:
        environ(**values)
    assert not any(other in str(refused.value) for other in SECRET_NAMES - {name})  # only the wrong one is named
    for secret in (value, REAL_TOKEN, REAL_KEY, REAL_BOT_SECRET):  # and no value is shown
        assert not secret or not secret.strip(" ,") or secret not in str(refused.value)


def test_production_loads_real_secrets(environ):
    settings = environ(INTAKE_ENV="production", INTAKE_SERVICE_TOKEN=REAL_TOKEN, INTAKE_BOT_SECRET=REAL_BOT_SECRET,
                       INTAKE_OUTBOX_KEYS=f"{REAL_KEY}, {stack.TEST_ENV['INTAKE_OUTBOX_KEYS']}")
    assert settings.service_token == REAL_TOKEN and settings.bot_secret == REAL_BOT_SECRET
    assert settings.encryption_keys == (REAL_KEY, stack.TEST_ENV["INTAKE_OUTBOX_KEYS"])


@pytest.mark.parametrize("other", ["INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS", "INTAKE_ENCRYPTION_KEYS"])
def test_a_key_of_another_purpose_is_refused_for_the_outbox(environ, other):
    second = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(ConfigError) as refused:
        environ(INTAKE_SERVICE_TOKEN=REAL_TOKEN, INTAKE_BOT_SECRET=REAL_BOT_SECRET,
                INTAKE_OUTBOX_KEYS=f"{second},{REAL_KEY}", **{other: REAL_KEY})
    assert f"INTAKE_OUTBOX_KEYS and {other} share a key" in str(refused.value)
    assert REAL_KEY not in str(refused.value) and second not in str(refused.value)


def test_the_old_single_list_still_decrypts_the_outbox_but_never_encrypts(environ):
    old = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings = environ(INTAKE_SERVICE_TOKEN=REAL_TOKEN, INTAKE_BOT_SECRET=REAL_BOT_SECRET, INTAKE_OUTBOX_KEYS=REAL_KEY,
                       INTAKE_ENCRYPTION_KEYS=old)
    assert settings.encryption_keys == (REAL_KEY, old)


def test_an_unknown_mode_is_refused_not_taken_for_development(environ):
    with pytest.raises(ConfigError, match="INTAKE_ENV"):
        environ(INTAKE_ENV="prod")


def test_the_server_process_refuses_to_start_with_published_or_missing_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(PYTHONPATH=str(stack.ROOT), INTAKE_SERVICE_TOKEN=OWN_DEV_TOKEN,
               INTAKE_OUTBOX_PATH=str(tmp_path / "outbox.sqlite3"))
    done = subprocess.run([str(stack.BOT_BIN / "python"), "-m", "actions.server", "--port", str(stack.free_port())],
                          cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("actions.server: refusing to start:")
    assert "INTAKE_SERVICE_TOKEN" in lines[-1] and "INTAKE_OUTBOX_KEYS" in lines[-1]
    assert done.returncode == 1 and OWN_DEV_TOKEN not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and not (tmp_path / "outbox.sqlite3").exists()
