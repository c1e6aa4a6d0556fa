"""Helpers for the conversation tests: a visitor's chat with the agent, the backend as staff read it, Rasa's
endpoints as bot/endpoints.yml configures them, and a loop apart from the session's."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import sqlite3
import struct
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from actions.config import Settings
from actions.outbox import Outbox
from tests import stack
from tests.intake_script import QUESTION, asked


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


# --- the intake's questions and its hand-off ----------------------------------------------------------

def asks(text: str, question: str) -> bool:
    return QUESTION[question] in text


def outbox(backend) -> Outbox:
    return Outbox(Settings(backend.url, stack.TEST_ENV["INTAKE_SERVICE_TOKEN"],
                           (stack.TEST_ENV["INTAKE_OUTBOX_KEYS"],), backend.outbox_path))


def stored(backend, reference: str) -> tuple[str, dict]:
    """Outbox state of the hand-off with this reference, and the record: as the backend stored it once
    delivered (the outbox then keeps no copy), else decrypted from the outbox."""
    with sqlite3.connect(backend.outbox_path) as db:
        (key,) = db.execute("SELECT idempotency_key FROM outbox WHERE reference = ? AND action = 'handoff'",
                            (reference,)).fetchone()
    box = outbox(backend)
    state = box.get(key).state
    return state, (backend.registration(reference) if state == "delivered" else box.record(key))
