"""The hand-off outbox against a real HTTP stand-in of the backend, with faults injected."""
from __future__ import annotations

import json
import logging
import sqlite3
import time

import pytest

from actions.backend import DEAD_LETTERS_PATH, REGISTRATIONS_PATH, Delivery
from actions.outbox import DEAD, DELIVERED, FAILING, PENDING, REJECTED, Outbox
from tests import stack
from tests.actions.helpers import StandIn, back_after_outage, settings_for, wait_for

RECORD = {"reference": "PH-ABCD-2345", "kind": "registration", "source": "chat", "role": "affected",
          "phone": "+31687654321", "email": "geheim.adres@voorbeeld.nl", "name": "Sam", "consent": True}


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

    # The first answer after the outage is still an error.
    server = back_after_outage(outbox, port, lambda _: outbox.get("key-2").state == DELIVERED, faults=["500"])
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
    assert outbox.drain() == 0
    assert [r["path"] for r in standin.requests].count(REGISTRATIONS_PATH) == 1  # never retried
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


def test_backoff_stays_capped_after_days_of_failures(tmp_path, standin):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(settings_for(standin.url, path, retry_base=5, retry_cap=300))
    standin.faults = ["500"]
    outbox.add("key-12", RECORD["reference"], RECORD, hold=0)
    with sqlite3.connect(path) as db:  # about four days of 5-minute retries
        db.execute("UPDATE outbox SET attempts = 1200 WHERE idempotency_key = 'key-12'")
    before = time.time()
    assert outbox.attempt("key-12") is Delivery.RETRY
    assert before + 299 <= outbox.get("key-12").next_attempt_at <= time.time() + 300


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


# --- dead-letter reports ---------------------------------------------------------------------------

PERSONAL = ("+31687654321", "31687654321", "geheim.adres", "voorbeeld.nl", "Sam")


def reports(standin) -> list[dict]:
    return [r["body"] for r in standin.requests if r["path"] == DEAD_LETTERS_PATH]


def test_rejected_item_is_reported_once_without_personal_data(tmp_path, standin, caplog):
    caplog.set_level(logging.DEBUG)
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3"))
    standin.faults = ["422"]
    outbox.add("key-7", RECORD["reference"], RECORD, hold=0)
    assert outbox.attempt("key-7") is Delivery.REJECTED
    assert reports(standin) == []
    outbox.drain()
    outbox.drain()  # a second round sends nothing more
    (body,) = reports(standin)
    assert body == {"reference": RECORD["reference"], "idempotency_key": "key-7", "reason": REJECTED,
                    "last_status": 422, "attempts": 1}
    request = next(r for r in standin.requests if r["path"] == DEAD_LETTERS_PATH)
    assert request["auth"] == f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}"
    assert outbox.get("key-7").reported == REJECTED and outbox.get("key-7").state == DEAD
    sent_and_logged = json.dumps(body) + caplog.text
    for secret in PERSONAL:
        assert secret not in sent_and_logged
    assert RECORD["reference"] in caplog.text


def test_report_the_backend_did_not_take_is_sent_again_after_a_back_off(tmp_path, standin):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3", retry_base=0.5))
    standin.faults = ["422", "500"]  # the hand-off is refused, then the report meets a server error
    outbox.add("key-8", RECORD["reference"], RECORD, hold=0)
    assert outbox.attempt("key-8") is Delivery.REJECTED
    assert outbox.report() == 0 and outbox.get("key-8").reported is None
    assert outbox.report() == 0 and len(reports(standin)) == 1  # backing off: not asked again at once
    assert wait_for(lambda: outbox.report() == 1, timeout=5)
    assert outbox.get("key-8").reported == REJECTED
    assert outbox.report() == 0
    assert len(reports(standin)) == 2 and len(standin.created) == 1  # the stand-in stored the second report


def test_report_while_the_backend_is_down_waits_for_it(tmp_path):
    port = stack.free_port()
    outbox = Outbox(settings_for(f"http://127.0.0.1:{port}", tmp_path / "outbox.sqlite3", retry_base=0))
    server = StandIn(port=port).start()
    server.faults = ["422"]
    outbox.add("key-9", RECORD["reference"], RECORD, hold=30)
    try:
        assert outbox.attempt("key-9") is Delivery.REJECTED
    finally:
        server.stop()
    assert outbox.drain() == 0 and outbox.get("key-9").reported is None  # connection refused: not reported
    server = StandIn(port=port).start()
    try:
        outbox.drain()
        assert outbox.get("key-9").reported == REJECTED and len(reports(server)) == 1
    finally:
        server.stop()


def test_item_failing_too_often_is_reported_once_as_failing_and_keeps_retrying(tmp_path, standin):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3", retry_base=0, dead_after_attempts=2))
    standin.faults = ["500", "500"]
    outbox.add("key-10", RECORD["reference"], RECORD, hold=0)
    assert outbox.attempt("key-10") is Delivery.RETRY
    assert outbox.report() == 0  # one failure is not yet worth a report
    assert outbox.attempt("key-10") is Delivery.RETRY
    assert outbox.report() == 1 and outbox.report() == 0
    assert reports(standin) == [{"reference": RECORD["reference"], "idempotency_key": "key-10", "reason": FAILING,
                                 "last_status": 500, "attempts": 2}]
    item = outbox.get("key-10")
    assert item.state == PENDING and item.reported == FAILING
    standin.faults = ["500", "422"]  # still failing (no new report), then refused: staff hear that too
    assert outbox.attempt("key-10") is Delivery.RETRY and outbox.report() == 0
    assert outbox.attempt("key-10") is Delivery.REJECTED and outbox.report() == 1
    assert [b["reason"] for b in reports(standin)] == [FAILING, REJECTED]
    assert reports(standin)[-1]["attempts"] == 4


def test_dead_after_comes_from_the_environment(monkeypatch):
    from actions.config import get_settings

    for name in ("INTAKE_SERVICE_TOKEN", "INTAKE_OUTBOX_KEYS", "INTAKE_BOT_SECRET"):
        monkeypatch.setenv(name, stack.TEST_ENV[name])
    monkeypatch.setenv("INTAKE_OUTBOX_DEAD_AFTER", "7")
    get_settings.cache_clear()
    try:
        assert get_settings().dead_after_attempts == 7
    finally:
        get_settings.cache_clear()
    monkeypatch.delenv("INTAKE_OUTBOX_DEAD_AFTER")
    try:
        assert get_settings().dead_after_attempts == 20
    finally:
        get_settings.cache_clear()


def test_an_outbox_file_from_before_reports_keeps_working(tmp_path, standin):
    path = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(path) as db:  # the schema as it was, with an item in flight
        db.execute("CREATE TABLE outbox (idempotency_key TEXT PRIMARY KEY, reference TEXT NOT NULL,"
                   " payload BLOB NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                   " next_attempt_at REAL NOT NULL, last_status INTEGER, created_at REAL NOT NULL,"
                   " updated_at REAL NOT NULL)")
    old = Outbox(settings_for(standin.url, tmp_path / "other.sqlite3"))  # only to encrypt like the old code
    token = old._crypto.encrypt(json.dumps(RECORD).encode())
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO outbox VALUES ('key-11', ?, ?, 'dead', 1, 0, 422, 0, 0)",
                   (RECORD["reference"], token))
    outbox = Outbox(settings_for(standin.url, path))
    Outbox(settings_for(standin.url, path))  # opening it again does not add the column twice
    assert outbox.get("key-11").reported is None and outbox.record("key-11") == RECORD
    assert outbox.drain() == 0 and outbox.get("key-11").reported == REJECTED
    assert reports(standin)[0]["idempotency_key"] == "key-11"


def test_the_outbox_files_are_private_whatever_the_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        outbox = Outbox(settings_for("http://127.0.0.1:9", tmp_path / "outbox.sqlite3"))
        with outbox._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("SELECT count(*) FROM outbox").fetchone()
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
            db.execute("COMMIT")
    finally:
        os.umask(old)
    assert modes["outbox.sqlite3"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes


def test_delivered_rows_go_after_the_retention_period_and_purge_clears_old_dead_letters(tmp_path, standin):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3", retry_base=0, retention_days=7))
    standin.faults = ["201", "422"]
    outbox.add("delivered", "PH-AAAA-2222", RECORD, hold=0)
    outbox.add("refused", "PH-BBBB-3333", RECORD, hold=0)
    assert outbox.attempt("delivered") is Delivery.DELIVERED and outbox.attempt("refused") is Delivery.REJECTED
    week = 7 * 86400
    assert outbox.forget_delivered(now=time.time() + week - 60) == 0  # still within retention
    assert outbox.purge_dead(now=time.time() + week - 60) == []
    outbox.drain()  # the retry loop's round forgets old delivered rows too; now nothing is old yet
    assert outbox.get("delivered") is not None
    assert outbox.forget_delivered(now=time.time() + week + 60) == 1
    assert outbox.get("delivered") is None and outbox.get("refused").state == DEAD  # dead letters wait for purge
    assert outbox.purge_dead(now=time.time() + week + 60) == ["PH-BBBB-3333"]
    assert outbox.get("refused") is None


def test_make_purge_runs_the_outbox_purge(tmp_path):
    import os
    import subprocess

    assert "$(BOT)/python -m actions.purge" in (stack.ROOT / "Makefile").read_text()
    env = {**os.environ, **stack.TEST_ENV, "INTAKE_OUTBOX_PATH": str(tmp_path / "outbox.sqlite3")}
    done = subprocess.run([str(stack.BOT_BIN / "python"), "-m", "actions.purge"], cwd=stack.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "0 delivered row(s) and 0 dead letter(s) older than 7 days deleted." in done.stdout
