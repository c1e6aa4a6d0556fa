"""Conversation tests: the trained model (models/intake.tar.gz) talking to the real action server.

The action server is started as `make run` starts it, pointed at the real backend on a throw-away SQLite
file when the backend environment is there, else at a closed port (hand-offs then stay in the outbox).
Test modules run on one session-wide event loop (`pytest.mark.asyncio(scope="session")`): the agent is loaded
once and shared by every conversation."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import struct
import subprocess
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
# Importing Rasa's agent installs uvloop's event-loop policy. Done here, before pytest-asyncio makes the session
# loop: a module whose first test does not load the agent would otherwise lose that loop when a later one does.
from rasa.core.agent import Agent

from tests import stack
from tests.intake_script import asked

# The mark for async tests: they share the session's event loop, and with it the loaded agent. Put on each async
# test, not on a module, so that a module's plain tests are not marked too (pytest-asyncio warns about those).
session_loop = pytest.mark.asyncio(scope="session")


def run_apart(coroutine):
    """Run `coroutine` to its end on a loop of its own from a plain test. asyncio.run() would leave the thread without
    a current loop (and Sanic's server installs uvloop's policy), and every async test after it would then fail."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
        if type(asyncio.get_event_loop_policy()).__module__.startswith("uvloop"):
            asyncio.set_event_loop_policy(None)

ADMIN = {"INTAKE_ADMIN_EMAIL": "bot-tests@example.org", "INTAKE_ADMIN_PASSWORD": "bot tests horse battery staple",
         "INTAKE_ADMIN_TOTP_SECRET": base64.b32encode(b"bot-tests-totp-secret").decode()}


def totp_now(secret: str) -> str:
    """RFC 6238 code (SHA-1, 6 digits, 30 s); pyotp lives only in the backend's environment."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@dataclass
class Backend:
    url: str
    up: bool  # a real backend answers hand-offs
    outbox_path: Path
    _token: str | None = None

    def registration(self, reference: str) -> dict:
        """The stored registration with this reference, read as staff read it (GET /api/registrations/{id})."""
        if self._token is None:  # one sign-in per run: a TOTP code is accepted once
            r = httpx.post(f"{self.url}/api/auth/token", timeout=10,
                           data={"username": ADMIN["INTAKE_ADMIN_EMAIL"], "password": ADMIN["INTAKE_ADMIN_PASSWORD"],
                                 "otp": totp_now(ADMIN["INTAKE_ADMIN_TOTP_SECRET"])})
            r.raise_for_status()
            self._token = r.json()["access_token"]
        headers = {"Authorization": f"Bearer {self._token}"}
        found = httpx.get(f"{self.url}/api/registrations", params={"reference": reference}, headers=headers,
                          timeout=10).json()["items"]
        assert len(found) == 1, f"{len(found)} registrations with reference {reference}"
        return httpx.get(f"{self.url}/api/registrations/{found[0]['id']}", headers=headers, timeout=10).json()


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
            warnings.warn(f"backend did not start ({type(exc).__name__}); hand-offs stay in the outbox")
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


def endpoints_action_endpoint(url: str):
    """The action endpoint of bot/endpoints.yml (URL and secret header), read by Rasa as `make run`'s Rasa reads it."""
    from rasa.utils.endpoints import read_endpoint_config

    with pytest.MonkeyPatch.context() as env:
        env.setenv("INTAKE_ACTIONS_URL", url)
        env.setenv("INTAKE_BOT_SECRET", stack.TEST_ENV["INTAKE_BOT_SECRET"])
        return read_endpoint_config(str(stack.ROOT / "bot" / "endpoints.yml"), "action_endpoint")


def endpoints_tracker_store():
    """The tracker store bot/endpoints.yml configures, made by Rasa's own factory (which would fall back to its
    in-memory store, with a warning, if the class could not be imported)."""
    import yaml
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    # As rasa.utils.endpoints.read_endpoint_config reads it, without expanding the action server's ${...} URL.
    endpoints = yaml.safe_load((stack.ROOT / "bot" / "endpoints.yml").read_text())
    return TrackerStore.create(EndpointConfig.from_dict(endpoints["tracker_store"]))


async def say(agent, sender: str, text: str) -> list[dict]:
    """Send one message as `sender`; the bot's replies (text, buttons) as Rasa's REST channel gives them."""
    return await agent.handle_text(text, sender_id=sender) or []


@dataclass
class Chat:
    """One visitor's conversation; keeps the latest replies for assertions."""
    agent: object
    sender: str = field(default_factory=lambda: str(uuid.uuid4()))
    replies: list[dict] = field(default_factory=list)

    async def __call__(self, text: str) -> str:
        self.replies = await say(self.agent, self.sender, text)
        return self.text

    @property
    def text(self) -> str:
        return "\n".join(r.get("text", "") for r in self.replies)

    @property
    def buttons(self) -> list[dict]:
        return [b for r in self.replies for b in r.get("buttons", [])]

    def payload(self, title: str) -> str:
        return next(b["payload"] for b in self.buttons if b["title"] == title)

    async def slots(self) -> dict:
        tracker = await self.agent.processor.get_tracker(self.sender)
        return tracker.current_slot_values()


async def answer_until_summary(chat: Chat, answers: dict[str, str],
                               detours: dict[str, list[str]] | None = None) -> str:
    """Answer each question the bot asks with answers[question], after sending detours[question] first where given
    (a question in between, keyboard mash); returns the summary text."""
    for _ in range(20):
        question = asked(chat.text)
        assert question, f"no known question in: {chat.text!r}"
        if question == "summary":
            return chat.text
        for text in (detours or {}).get(question, []):
            await chat(text)
        await chat(answers[question])
    raise AssertionError("the form did not reach the summary")


@pytest.fixture
def chat(agent) -> Chat:
    return Chat(agent)
