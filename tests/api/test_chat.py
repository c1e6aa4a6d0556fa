"""The chat relay, against a small real HTTP server standing in for Rasa's REST channel."""
from __future__ import annotations

import logging
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from tests import stack
from tests.stub_server import Request, StubServer

UNAVAILABLE = {"detail": "De chat is even niet bereikbaar. Bel ons op 030 234 00 45 (werkdagen)."}


class FakeRasa:
    """Answers POST /webhooks/rest/webhook like Rasa's REST channel; `mode` injects faults."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.stub = StubServer(self.answer, keep_alive=True).start()  # keep-alive, so connection reuse is visible
        self.url = self.stub.url

    def answer(self, request: Request) -> tuple:
        body = request.json()
        if self.mode == "slow":
            time.sleep(1.5)
        if self.mode == "error":
            return 500, {"error": "boom"}
        if self.mode == "not_list":
            return 200, {"unexpected": True}
        return 200, [{"recipient_id": body["sender"], "text": "Hoi! Waar kan ik je mee helpen?",
                      "buttons": [{"title": "Hoe werkt het?", "payload": "/faq"}]},
                     {"recipient_id": body["sender"], "custom": {"lang": "nl"}}]

    @property
    def received(self) -> list[dict]:
        return [{"path": r.path, **r.json()} for r in self.stub.requests]

    @property
    def client_ports(self) -> list[int]:
        return [r.client_port for r in self.stub.requests]

    @property
    def secrets(self) -> list[str | None]:
        """The X-Intake-Secret header of each request."""
        return [r.headers.get("X-Intake-Secret") for r in self.stub.requests]


@pytest.fixture
def rasa(env, monkeypatch):
    fake = FakeRasa()
    monkeypatch.setenv("INTAKE_RASA_URL", fake.url + "/")
    monkeypatch.setenv("INTAKE_RASA_TIMEOUT", "0.5")
    yield fake
    fake.stub.stop()


@pytest.fixture
def chat(engine, rasa):
    from api.core.config import get_settings
    from api.main import create_app

    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client


def test_relays_to_rasa_and_returns_its_list_unchanged(chat, rasa):
    sender = str(uuid.uuid4())
    r = chat.post("/api/chat", json={"sender": sender, "message": "  hallo, wat is herstelbemiddeling?  "})
    assert r.status_code == 200
    assert r.json() == [
        {"recipient_id": sender, "text": "Hoi! Waar kan ik je mee helpen?",
         "buttons": [{"title": "Hoe werkt het?", "payload": "/faq"}]},
        {"recipient_id": sender, "custom": {"lang": "nl"}},
    ]
    assert rasa.received == [{"path": "/webhooks/rest/webhook", "sender": sender,
                              "message": "hallo, wat is herstelbemiddeling?"}]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_connection_to_rasa_is_reused(chat, rasa):
    sender = str(uuid.uuid4())
    for text in ("een", "twee", "drie"):
        assert chat.post("/api/chat", json={"sender": sender, "message": text}).status_code == 200
    assert len(set(rasa.client_ports)) == 1


def test_every_request_to_rasa_carries_the_secret(chat, rasa):
    for text in ("een", "twee"):
        assert chat.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": text}).status_code == 200
    assert rasa.secrets == [stack.TEST_ENV["INTAKE_BOT_SECRET"]] * 2


@pytest.mark.parametrize("body", [
    {"sender": "not-a-uuid", "message": "hallo"},
    {"sender": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "message": "hallo"},  # a UUID1
    {"sender": str(uuid.uuid4()), "message": ""},
    {"sender": str(uuid.uuid4()), "message": "   \n "},
    {"sender": str(uuid.uuid4()), "message": "x" * 2001},
    {"sender": str(uuid.uuid4())},
    {"message": "hallo"},
])
def test_bad_input_422_and_nothing_relayed(chat, rasa, body):
    assert chat.post("/api/chat", json=body).status_code == 422
    assert rasa.received == []


def test_longest_message_is_relayed(chat, rasa):
    r = chat.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "x" * 2000})
    assert r.status_code == 200
    assert len(rasa.received[0]["message"]) == 2000


@pytest.mark.parametrize("mode", ["error", "slow", "not_list"])
def test_rasa_failing_gives_503_with_phone_number(chat, rasa, mode):
    rasa.mode = mode
    r = chat.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "hallo"})
    assert r.status_code == 503
    assert r.json() == UNAVAILABLE


def test_rasa_unreachable_gives_503(client):
    # The `env` fixture points INTAKE_RASA_URL at a closed port.
    r = client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "hallo"})
    assert r.status_code == 503
    assert r.json() == UNAVAILABLE


def test_message_text_is_never_logged(chat, rasa, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "mijn buurman Kees slaat zijn vrouw"
    chat.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": secret})
    rasa.mode = "error"
    chat.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": secret})
    assert "Kees" not in caplog.text
    assert "relay failed" in caplog.text
