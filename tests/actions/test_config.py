"""Settings of the action server: development defaults outside production, refused in production (like the
backend), and a server process that exits with one line naming the variable, never its value."""
from __future__ import annotations

import os
import subprocess

import pytest

from actions import config
from actions.config import ConfigError, get_settings
from tests import stack

REAL_TOKEN = "a-real-service-token-0123456789abcdef"
REAL_KEY = "cmVhbC1rZXktcmVhbC1rZXktcmVhbC1rZXktMDAwMDA="
BACKEND_DEV_TOKEN = "dev-only-service-token-never-use-in-production"
BACKEND_DEV_KEY = "ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE="


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


def test_development_falls_back_to_the_defaults(environ):
    for mode in ({}, {"INTAKE_ENV": "development"}, {"INTAKE_ENV": "test"}):
        settings = environ(**mode)
        assert settings.service_token == config._DEV_TOKEN and settings.encryption_keys == (config._DEV_KEY,)


REFUSED = [("INTAKE_SERVICE_TOKEN", value) for value in (None, config._DEV_TOKEN, BACKEND_DEV_TOKEN, "short-token")] + [
    ("INTAKE_ENCRYPTION_KEYS", value)
    for value in (None, config._DEV_KEY, BACKEND_DEV_KEY, f"{REAL_KEY},{config._DEV_KEY}", " , ")]


@pytest.mark.parametrize(("name", "value"), REFUSED)
def test_production_refuses_a_missing_or_development_secret(environ, name, value):
    values = {"INTAKE_ENV": "production", "INTAKE_SERVICE_TOKEN": REAL_TOKEN, "INTAKE_ENCRYPTION_KEYS": REAL_KEY}
    del values[name]
    if value is not None:
        values[name] = value
    with pytest.raises(ConfigError, match=name) as refused:
        environ(**values)
    other = ({"INTAKE_SERVICE_TOKEN", "INTAKE_ENCRYPTION_KEYS"} - {name}).pop()
    assert other not in str(refused.value)  # only the wrong one is named
    for secret in (value, REAL_TOKEN, REAL_KEY):  # and no value is shown
        assert not secret or not secret.strip(" ,") or secret not in str(refused.value)


def test_production_loads_real_secrets(environ):
    settings = environ(INTAKE_ENV="production", INTAKE_SERVICE_TOKEN=REAL_TOKEN,
                       INTAKE_ENCRYPTION_KEYS=f"{REAL_KEY}, {stack.TEST_ENV['INTAKE_ENCRYPTION_KEYS']}")
    assert settings.service_token == REAL_TOKEN
    assert settings.encryption_keys == (REAL_KEY, stack.TEST_ENV["INTAKE_ENCRYPTION_KEYS"])


def test_an_unknown_mode_is_refused_not_taken_for_development(environ):
    with pytest.raises(ConfigError, match="INTAKE_ENV"):
        environ(INTAKE_ENV="prod")


def test_the_server_process_refuses_to_start_in_production_with_development_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(PYTHONPATH=str(stack.ROOT), INTAKE_ENV="production", INTAKE_SERVICE_TOKEN=config._DEV_TOKEN,
               INTAKE_OUTBOX_PATH=str(tmp_path / "outbox.sqlite3"))
    done = subprocess.run([str(stack.BOT_BIN / "python"), "-m", "actions.server", "--port", str(stack.free_port())],
                          cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("actions.server: refusing to start in production:")
    assert "INTAKE_SERVICE_TOKEN" in lines[-1] and "INTAKE_ENCRYPTION_KEYS" in lines[-1]
    assert config._DEV_TOKEN not in done.stderr + done.stdout and config._DEV_KEY not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and not (tmp_path / "outbox.sqlite3").exists()
