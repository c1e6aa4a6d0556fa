"""Helpers for the action tests: trackers as Rasa sends them, the answers of a whole intake, and a stand-in for
the backend's hand-off routes."""
from __future__ import annotations

import time
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.config import Settings
from tests import stack
from tests.stub_server import Request, StubServer

TOKEN = stack.TEST_ENV["INTAKE_SERVICE_TOKEN"]
KEYS = stack.TEST_ENV["INTAKE_OUTBOX_KEYS"]

# Every question of the intake form answered.
ANSWERED = {"role": "affected", "event_kind": "sexual_boundary", "setting": "work", "description": "unknown",
            "name": "Sam", "phone": "+31612345678", "email": "unknown", "voicemail_ok": "no",
            "call_time": "afternoon", "region": "utrecht"}


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


def settings_for(url: str, outbox_path: Path, **kw) -> Settings:
    return Settings(**{"backend_url": url, "service_token": TOKEN, "encryption_keys": (KEYS,),
                       "outbox_path": outbox_path, **kw})


class StandIn:
    """Backend stand-in for the action server's POSTs (hand-offs, withdrawals, dead-letter reports), idempotent like
    the real one.

    `faults` is consumed one per request: "500", "slow" (answers after `slow_seconds`), "422";
    when empty the request is handled normally (201 new key, 200 known key; a withdrawal: 200 for a reference
    created before, also again, 404 otherwise; `withdrawn` lists each accepted one in order)."""

    def __init__(self, port: int | None = None, slow_seconds: float = 1.5) -> None:
        self._server = StubServer(self._answer, port or stack.free_port())
        self.url = self._server.url
        self.faults: list[str] = []
        self.requests: list[dict] = []
        self.created: dict[str, dict] = {}
        self.withdrawn: list[str] = []
        self.slow_seconds = slow_seconds

    def _answer(self, request: Request) -> tuple[int, dict]:
        body, key, auth = request.json(), request.headers.get("Idempotency-Key"), request.headers.get("Authorization")
        self.requests.append({"path": request.path, "key": key, "auth": auth, "body": body})
        fault = self.faults.pop(0) if self.faults else None
        if fault == "500":
            return 500, {"detail": "boom"}
        if fault == "422":
            return 422, {"detail": "bad"}
        if auth != f"Bearer {TOKEN}":
            return 401, {"detail": "token"}
        if request.path.endswith("/withdrawal"):
            reference = request.path.rsplit("/", 2)[-2]
            if reference not in {record.get("reference") for record in self.created.values()}:
                return 404, {"detail": "No registration with this reference"}
            self.withdrawn.append(reference)
            return 200, {"reference": reference, "status": "withdrawn"}
        status = 200 if key in self.created else 201
        self.created.setdefault(key, body)
        if fault == "slow":
            time.sleep(self.slow_seconds)
        return status, {"id": 1, "reference": body["reference"], "status": "new"}

    def start(self) -> StandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


async def handoff(slots, form="intake_form"):
    """Run the hand-off action as the end of `form` would: (the messages it sent, the events it returned)."""
    from actions.handoff import ActionHandoff

    dispatcher = CollectingDispatcher()
    events = [{"event": "active_loop", "name": form}, {"event": "active_loop", "name": None}]
    tracker = make_tracker(slots, form=None, events=events)
    result = await ActionHandoff().run(dispatcher, tracker, {})
    return dispatcher.messages, result


def wait_for(predicate, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def back_after_outage(outbox, port: int, done, faults=(), created=None, look_now=False) -> StandIn:
    """The backend comes back on `port` (first answers `faults`, knowing `created`) while the outbox's retry loop
    runs, until `done(stand_in)`; the stand-in, stopped, with what it received. look_now: make every held item
    due."""
    import sqlite3

    from actions.outbox import RetryLoop

    server = StandIn(port=port)
    server.faults = list(faults)
    server.created = dict(created or {})
    loop = RetryLoop(outbox, interval=0.05)
    loop.start()
    try:
        server.start()
        if look_now:
            with sqlite3.connect(outbox.path) as db:
                db.execute("UPDATE outbox SET next_attempt_at = 0")
        assert wait_for(lambda: done(server))
    finally:
        loop.stop()
        server.stop()
    return server
