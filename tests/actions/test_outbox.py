"""The hand-off outbox against a real HTTP stand-in of the backend, with faults injected."""
from __future__ import annotations

import time

import pytest

from actions.backend import Delivery
from actions.outbox import DEAD, DELIVERED, PENDING, Outbox, RetryLoop
from tests import stack
from tests.actions.conftest import StandIn, settings_for

RECORD = {"reference": "PH-ABCD-2345", "kind": "registration", "source": "chat", "role": "affected",
          "phone": "+31687654321", "email": "geheim.adres@voorbeeld.nl", "name": "Sam", "consent": True}


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_delivered_first_time_with_token_and_key(tmp_path, standin):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3"))
    outbox.add("key-1", RECORD["reference"], RECORD, hold=30)
    assert outbox.attempt("key-1") is Delivery.DELIVERED
    assert outbox.get("key-1").state == DELIVERED
    (request,) = standin.requests
    assert request["path"] == "/api/internal/registrations"
    assert request["key"] == "key-1" and request["auth"] == f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}"
    assert request["body"] == RECORD
    # A delivered item is never sent again.
    assert outbox.drain() == 0 and outbox.attempt("key-1") is Delivery.DELIVERED and len(standin.requests) == 1


def test_backend_down_then_retry_loop_delivers_once_it_is_up(tmp_path):
    port = stack.free_port()  # nothing listens here yet: connection refused
    outbox = Outbox(settings_for(f"http://127.0.0.1:{port}", tmp_path / "outbox.sqlite3", retry_base=0.2))
    outbox.add("key-2", RECORD["reference"], RECORD, hold=0)
    assert outbox.attempt("key-2") is Delivery.RETRY
    item = outbox.get("key-2")
    assert item.state == PENDING and item.attempts == 1 and item.last_status is None

    server = StandIn(port=port)
    server.faults = ["500"]  # first answer after the outage is still an error
    loop = RetryLoop(outbox, interval=0.05)
    loop.start()
    try:
        server.start()
        assert wait_for(lambda: outbox.get("key-2").state == DELIVERED)
    finally:
        loop.stop()
        server.stop()
    assert [r["key"] for r in server.requests] == ["key-2", "key-2"]
    assert len(server.created) == 1


def test_slow_backend_retried_with_the_same_key_creates_one_registration(tmp_path):
    server = StandIn(slow_seconds=1.0).start()
    try:
        outbox = Outbox(settings_for(server.url, tmp_path / "outbox.sqlite3", delivery_timeout=0.3, retry_base=0.1))
        server.faults = ["slow"]
        outbox.add("key-3", RECORD["reference"], RECORD, hold=0)
        assert outbox.attempt("key-3") is Delivery.RETRY  # timed out, but the backend did store it
        time.sleep(1.0)
        assert wait_for(lambda: outbox.drain() == 1, timeout=5)
        assert outbox.get("key-3").state == DELIVERED
        assert [r["key"] for r in server.requests] == ["key-3", "key-3"]
        assert len(server.created) == 1
        assert outbox.drain() == 0 and len(server.requests) == 2
    finally:
        server.stop()


def test_permanent_rejection_goes_to_dead_letter_and_stays_encrypted(tmp_path, standin):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(settings_for(standin.url, path, retry_base=0))
    standin.faults = ["422"]
    outbox.add("key-4", RECORD["reference"], RECORD, hold=0)
    assert outbox.attempt("key-4") is Delivery.REJECTED
    assert outbox.get("key-4").state == DEAD and outbox.get("key-4").last_status == 422
    assert outbox.drain() == 0 and len(standin.requests) == 1  # never retried
    assert outbox.record("key-4") == RECORD  # kept for staff, readable with the key


@pytest.mark.parametrize("status", ["500"])
def test_server_error_is_retried_later_with_backoff(tmp_path, standin, status):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3", retry_base=60))
    standin.faults = [status]
    outbox.add("key-5", RECORD["reference"], RECORD, hold=0)
    before = time.time()
    assert outbox.attempt("key-5") is Delivery.RETRY
    item = outbox.get("key-5")
    assert item.state == PENDING and item.last_status == 500 and item.next_attempt_at >= before + 59
    assert outbox.due() == []


def test_payload_at_rest_has_no_plain_contact_details(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(settings_for("http://127.0.0.1:9", path))
    outbox.add("key-6", RECORD["reference"], RECORD, hold=0)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("outbox.sqlite3"))
    for secret in ("+31687654321", "31687654321", "geheim.adres", "voorbeeld.nl", "Sam\""):
        assert secret.encode() not in raw
    assert RECORD["reference"].encode() in raw  # the file is really the one written
    with __import__("sqlite3").connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
