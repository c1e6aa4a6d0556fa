"""How long the two ways to sign up are: bot turns (one bot reply to one visitor message) from the first message
until the hand-off is confirmed with a reference code, every question answered.

`make eval` prints them (count_turns() on the agent of agent_with_actions(), which it also parses with);
tests/bot/test_intake_turns.py holds them to the targets with the agent of the conversation tests."""
from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.intake_script import BUTTONS, CODE, asked

TARGET_REGISTRATION = 12
TARGET_CALLBACK = 6
# The longest registration: an event that asks where it happened, and a phone number (voicemail, call time).
ANSWERS = BUTTONS | {"summary": "/affirm", "consent": "/affirm"}
OPENINGS = {"registration": "Ik wil me aanmelden", "callback": "/request_callback"}
MAX_TURNS = 40


@dataclass(frozen=True)
class Turns:
    registration: int
    callback: int

    def line(self) -> str:
        return (f"turns: full registration={self.registration} (target <= {TARGET_REGISTRATION}), "
                f"call-back={self.callback} (target <= {TARGET_CALLBACK})")


async def walk(agent, opening: str) -> int:
    """Send `opening`, then answer every question; the number of messages sent until a reference code is shown."""
    sender = str(uuid.uuid4())
    message = opening
    for turn in range(1, MAX_TURNS + 1):
        replies = await agent.handle_text(message, sender_id=sender) or []
        text = "\n".join(r.get("text", "") for r in replies)
        if CODE.search(text):
            return turn
        question = asked(text)
        if question is None:
            raise AssertionError(f"turn {turn}: no known question in {text!r}")
        message = ANSWERS[question]
    raise AssertionError(f"no reference code after {MAX_TURNS} turns")


async def count_turns(agent) -> Turns:
    """Both walks on an agent that talks to an action server."""
    return Turns(await walk(agent, OPENINGS["registration"]), await walk(agent, OPENINGS["callback"]))


@contextmanager
def agent_with_actions(model: Path) -> Iterator[Any]:
    """`model` loaded with an action server of its own (hand-offs go to a throw-away outbox)."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from bot import rasa_patches
    from tests import stack

    configure_structlog(logging.WARNING)
    rasa_patches.apply()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # A closed port as the backend: the hand-off stays in the outbox and the visitor still gets a code.
        proc, webhook = stack.start_actions(work, f"http://127.0.0.1:{stack.free_port()}", work / "outbox.sqlite3")
        try:
            secret = {"X-Intake-Secret": stack.TEST_ENV["INTAKE_BOT_SECRET"]}
            yield Agent.load(str(model), action_endpoint=EndpointConfig(webhook, headers=secret))
        finally:
            proc.stop()
