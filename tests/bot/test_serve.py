"""bot/serve.py, the Rasa process's start-up: it refuses Rasa's HTTP API, CORS, a missing secret and Redis TLS
settings it cannot use before Rasa starts, and applies the Rasa patches only to the Rasa release they were written
for (bot/rasa_patches)."""
from __future__ import annotations

import os
import subprocess

import pytest

from bot import serve
from tests import stack


@pytest.mark.parametrize("argv, option", [
    (["run", "--enable-api"], "--enable-api"),
    (["run", "--model", "models/intake.tar.gz", "--enable-api", "--port", "5005"], "--enable-api"),
    (["run", "--enable"], "--enable-api"),  # argparse would take the abbreviation for the option
    (["run", "--cors", "*"], "--cors"),
    (["run", "--cors=*"], "--cors"),
    (["run", "--co", "*"], "--cors"),
])
def test_the_http_api_and_cors_are_refused(monkeypatch, argv, option):
    monkeypatch.setenv("INTAKE_BOT_SECRET", stack.TEST_ENV["INTAKE_BOT_SECRET"])
    with pytest.raises(SystemExit) as refused:
        serve.main(argv)
    assert refused.value.code == f"bot.serve: {option} is refused: it opens Rasa to anyone who can reach it"


@pytest.mark.parametrize("argv", [["run", "--credentials", "bot/credentials.yml", "--endpoints", "bot/endpoints.yml",
                                   "--connector", "rest", "--"], ["test", "core", "--stories", "x"]])
def test_other_options_are_left_to_rasa(argv):
    assert serve.refused_option(argv) is None


@pytest.mark.parametrize("secret", [None, "", "s" * 31, "dev-only-service-token-never-use-in-production"])
def test_a_missing_short_or_published_bot_secret_is_refused(secret):
    env = {} if secret is None else {"INTAKE_BOT_SECRET": secret}
    problem = serve.prepare_environment(env)
    assert problem == ("refusing to start: INTAKE_BOT_SECRET is missing, shorter than 32 characters or a published "
                       "value")


def test_the_optional_redis_variables_get_their_off_values():
    env = {"INTAKE_BOT_SECRET": stack.TEST_ENV["INTAKE_BOT_SECRET"], "INTAKE_REDIS_TLS": "FALSE"}
    assert serve.prepare_environment(env) is None
    assert env["INTAKE_REDIS_TLS"] == "" and env["INTAKE_REDIS_PASSWORD"] == "" and env["INTAKE_REDIS_CA_CERTS"] == ""


def test_the_endpoints_files_send_the_secret_to_the_action_server(monkeypatch):
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("INTAKE_ACTIONS_URL", "http://127.0.0.1:9/webhook")
    monkeypatch.setenv("INTAKE_BOT_SECRET", stack.TEST_ENV["INTAKE_BOT_SECRET"])
    for name, value in (("HOST", "127.0.0.1"), ("PORT", "6379"), ("DB", "0")):
        monkeypatch.setenv(f"INTAKE_REDIS_{name}", value)
    assert serve.prepare_environment(os.environ) is None
    for name in ("endpoints.yml", "endpoints.redis.yml"):
        endpoint = read_endpoint_config(str(stack.ROOT / "bot" / name), "action_endpoint")
        assert endpoint.headers == {"X-Intake-Secret": stack.TEST_ENV["INTAKE_BOT_SECRET"]}, name


@pytest.mark.parametrize("argv, env, line", [
    (["run", "--enable-api"], {"INTAKE_BOT_SECRET": "b" * 40},
     "bot.serve: --enable-api is refused: it opens Rasa to anyone who can reach it"),
    (["run", "--model", "models/intake.tar.gz"], {},
     "bot.serve: refusing to start: INTAKE_BOT_SECRET is missing, shorter than 32 characters or a published value"),
])
def test_the_process_exits_with_one_line(argv, env, line):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    done = subprocess.run([str(stack.BOT_BIN / "python"), "-m", "bot.serve", *argv], cwd=stack.ROOT,
                          env={**clean, "PYTHONPATH": str(stack.ROOT), "RASA_TELEMETRY_ENABLED": "false", **env},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1:] == [line] and "Traceback" not in done.stderr
