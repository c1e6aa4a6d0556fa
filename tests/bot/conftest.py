"""Conversation tests: the trained model (models/intake.tar.gz) talking to the real action server.

The action server is started as `make run` starts it, pointed at the real backend on a throw-away SQLite
file when the backend environment is there, else at a closed port (hand-offs then stay in the outbox).
Async tests marked `session_loop` (pyproject.toml) run on one session-wide event loop: the agent is loaded once
and shared by every conversation."""
from __future__ import annotations

import inspect
import logging
import subprocess
import warnings
from pathlib import Path

import pytest

# Importing Rasa's agent installs uvloop's event-loop policy. Done here, before pytest-asyncio makes the session
# loop: a module whose first test does not load the agent would otherwise lose that loop when a later one does.
from rasa.core.agent import Agent

from tests import stack
from tests.bot.helpers import ADMIN, Backend, Chat, endpoints_action_endpoint, endpoints_tracker_store


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector, name, obj):
    """`session_loop`, on a test or a module, is pytest-asyncio's session-scoped mark put on the async tests only
    (pytest-asyncio warns about a plain test that carries it). Runs before pytest-asyncio reads its marks."""
    if not inspect.iscoroutinefunction(obj):
        return None
    if collector.get_closest_marker("session_loop") or any(
            mark.name == "session_loop" for mark in getattr(obj, "pytestmark", [])):
        pytest.mark.asyncio(scope="session")(obj)
    return None


def _backend_importable() -> bool:
    python = stack.API_BIN / "python"
    if not python.exists() or not (stack.ROOT / "api" / "main.py").exists():
        return False
    probe = subprocess.run([str(python), "-c", "import api.main"], cwd=stack.ROOT, capture_output=True,
                           env={**stack.TEST_ENV, "PATH": "/usr/bin:/bin"}, timeout=60)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bot-stack")


@pytest.fixture(scope="session")
def backend(stack_dir):
    outbox = stack_dir / "outbox.sqlite3"
    proc = None
    if _backend_importable():
        try:
            proc, url = stack.start_backend(stack_dir, f"sqlite:///{stack_dir / 'intake.sqlite3'}", env=ADMIN)
        except Exception as exc:  # keep the bot's tests useful while the backend is being built
            warnings.warn(f"backend did not start ({type(exc).__name__}); hand-offs stay in the outbox", stacklevel=1)
    if proc is None:
        yield Backend(f"http://127.0.0.1:{stack.free_port()}", False, outbox)
        return
    yield Backend(url, True, outbox)
    proc.stop()


@pytest.fixture(scope="session")
def action_server(stack_dir, backend):
    proc, webhook = stack.start_actions(stack_dir, backend.url, backend.outbox_path)
    yield proc, webhook
    proc.stop()


@pytest.fixture(scope="session")
def agent(action_server):
    import rasa.utils.log_utils

    from bot import rasa_patches

    rasa.utils.log_utils.configure_structlog(logging.WARNING)
    rasa_patches.apply()  # as the Rasa process of `make run` has them
    if not stack.MODEL.exists():
        pytest.fail("no trained model: run `flock /tmp/intake-train.lock make train` first")
    # The tracker store of bot/endpoints.yml, as `make run` has it.
    return Agent.load(str(stack.MODEL), action_endpoint=endpoints_action_endpoint(action_server[1]),
                      tracker_store=endpoints_tracker_store())


@pytest.fixture
def chat(agent) -> Chat:
    return Chat(agent)
