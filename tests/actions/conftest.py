"""Fixtures for the action tests: the real domain, and a stand-in for the backend (tests/actions/helpers.py)."""
from __future__ import annotations

import pytest

import actions.outbox
from actions.config import get_settings
from tests import stack
from tests.actions.helpers import StandIn


@pytest.fixture(scope="session")
def domain() -> dict:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(stack.ROOT / "bot" / "domain")).as_dict()


@pytest.fixture
def standin():
    server = StandIn().start()
    yield server
    server.stop()


@pytest.fixture
def backend_env(monkeypatch, tmp_path):
    """Point the action server's configuration at `url` and a fresh outbox file."""
    def configure(url: str):
        monkeypatch.setenv("INTAKE_BACKEND_URL", url)
        monkeypatch.setenv("INTAKE_SERVICE_TOKEN", stack.TEST_ENV["INTAKE_SERVICE_TOKEN"])
        monkeypatch.setenv("INTAKE_OUTBOX_KEYS", stack.TEST_ENV["INTAKE_OUTBOX_KEYS"])
        monkeypatch.setenv("INTAKE_BOT_SECRET", stack.TEST_ENV["INTAKE_BOT_SECRET"])
        monkeypatch.setenv("INTAKE_OUTBOX_PATH", str(tmp_path / "outbox.sqlite3"))
        get_settings.cache_clear()
        actions.outbox._outbox = None
        return actions.outbox.get_outbox(get_settings())
    yield configure
    get_settings.cache_clear()
    actions.outbox._outbox = None
