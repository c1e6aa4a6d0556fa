"""Helpers for action tests: real trackers, the real domain, and a small HTTP stand-in for the backend."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.config import Settings
from tests import stack

TOKEN = stack.TEST_ENV["INTAKE_SERVICE_TOKEN"]
KEYS = stack.TEST_ENV["INTAKE_OUTBOX_KEYS"]


@pytest.fixture(scope="session")
def domain() -> dict:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(stack.ROOT / "bot" / "domain")).as_dict()


def make_tracker(slots: dict | None = None, form: str | None = "intake_form", requested: str | None = None,
                 candidates: dict | None = None, events: list | None = None, text: str = "",
                 intent: tuple[str, float] = ("inform", 1.0)) -> Tracker:
    """A tracker as Rasa sends it to validate_<form>: candidate SlotSet events come last."""
    slots = {"language": "nl", **(slots or {})}
    candidates = candidates or {}
    slots.update(candidates)
    if requested:
        slots["requested_slot"] = requested
    tail = [{"event": "slot", "name": k, "value": v} for k, v in candidates.items()]
    return Tracker(
        sender_id="test", slots=slots,
        latest_message={"text": text, "intent": {"name": intent[0], "confidence": intent[1]}, "entities": []},
        events=(events or []) + [{"event": "action", "name": form or "action_listen"}] + tail,
        paused=False, followup_action=None, active_loop={"name": form} if form else {},
        latest_action_name=form,
    )


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


class StandIn:
    """Backend stand-in for POST /api/internal/registrations, idempotent like the real one.

    `faults` is consumed one per request: "500", "slow" (answers after `slow_seconds`), "422";
    when empty the request is handled normally (201 new key, 200 known key)."""

    def __init__(self, port: int | None = None, slow_seconds: float = 1.5) -> None:
        self.port = port or stack.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.faults: list[str] = []
        self.requests: list[dict] = []
        self.created: dict[str, dict] = {}
        self.slow_seconds = slow_seconds
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "StandIn":
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key")
                standin.requests.append({"path": self.path, "key": key, "auth": self.headers.get("Authorization"),
                                         "body": body})
                fault = standin.faults.pop(0) if standin.faults else None
                if fault == "500":
                    return self._reply(500, {"detail": "boom"})
                if fault == "422":
                    return self._reply(422, {"detail": "bad"})
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._reply(401, {"detail": "token"})
                status = 200 if key in standin.created else 201
                standin.created.setdefault(key, body)
                if fault == "slow":
                    time.sleep(standin.slow_seconds)
                self._reply(status, {"id": 1, "reference": body["reference"], "status": "new"})

            def _reply(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def standin():
    server = StandIn().start()
    yield server
    server.stop()


def settings_for(url: str, outbox_path: Path, **kw) -> Settings:
    return Settings(**{"backend_url": url, "service_token": TOKEN, "encryption_keys": (KEYS,), "outbox_path": outbox_path,
                       **kw})
