"""Nothing lost: a burst of 200 confirmed hand-offs through the real action server, the backend killed with
SIGKILL in the middle and started again; every confirmed registration is stored exactly once.

The hand-offs go through the action server's webhook as Rasa calls it on confirmation (`action_handoff`
with the tracker of a finished call-back form), so the real outbox, delivery and retry loop do the work.
"""
from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pyotp
import pytest

from tests import stack
from tests.e2e.helpers import lines_with_client_address
from tests.stub_server import StubServer

BURST = 200
KILL_AFTER = 60  # confirmed hand-offs before the backend is killed
DOWN_FOR = 3.0  # seconds the backend stays away
ADMIN = {"INTAKE_ADMIN_EMAIL": "faults-admin@example.org", "INTAKE_ADMIN_PASSWORD": "faults correct horse battery",
         "INTAKE_ADMIN_TOTP_SECRET": pyotp.random_base32()}
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
REFERENCE = re.compile(r"PH-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")


def phone(i: int) -> str:
    return f"06{40_000_000 + i}"


def handoff_call(i: int) -> dict:
    """What Rasa posts to the action server when visitor `i` confirms a call-back request."""
    slots = {"name": f"Bezoeker Storing{i:03d}", "phone": phone(i), "voicemail_ok": "no", "call_time": "evening",
             "consent": "yes", "language": "nl"}
    sender = str(uuid.uuid4())
    events = [{"event": "active_loop", "name": "callback_form"},
              *({"event": "slot", "name": k, "value": v} for k, v in slots.items()),
              {"event": "active_loop", "name": None}]
    return {"next_action": "action_handoff", "sender_id": sender, "version": "3.6.21",
            "domain": {"forms": {}, "slots": {}, "responses": {}},
            "tracker": {"sender_id": sender, "slots": slots, "latest_message": {"text": "ja"}, "events": events,
                        "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"}}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'intake.sqlite3'}"
        return
    schema = f"test_faults_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def outbox_states(path: Path) -> dict[str, int]:
    with sqlite3.connect(path, timeout=10) as db:
        return dict(db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())


def payloads_left(path: Path) -> int:
    with sqlite3.connect(path, timeout=10) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE length(payload) > 0").fetchone()[0]


def stored_references(base_url: str) -> list[str]:
    """Every stored registration's reference, through the staff API (all pages)."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        token = client.post("/api/auth/token", data={
            "username": ADMIN["INTAKE_ADMIN_EMAIL"], "password": ADMIN["INTAKE_ADMIN_PASSWORD"],
            "otp": pyotp.TOTP(ADMIN["INTAKE_ADMIN_TOTP_SECRET"]).now()}).raise_for_status().json()["access_token"]
        headers, references, page = {"Authorization": f"Bearer {token}"}, [], 1
        while True:
            body = client.get("/api/registrations", params={"page": page, "page_size": 100},
                              headers=headers).raise_for_status().json()
            references += [item["reference"] for item in body["items"]]
            if page * 100 >= body["total"]:
                return references
            page += 1


def test_burst_of_handoffs_survives_a_killed_backend(tmp_path, database_url, capsys):
    port = stack.free_port()
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    outbox = tmp_path / "outbox.sqlite3"
    backend, backend_url = stack.start_backend(tmp_path / "before", database_url, env=ADMIN, port=port)
    actions, webhook = stack.start_actions(tmp_path, backend_url, outbox)
    confirmed: list[str] = []
    pending: list[str] = []  # answered "stored, will be sent": the backend was away for these
    lock, killed = threading.Lock(), threading.Event()

    def confirm(i: int) -> None:
        r = httpx.post(webhook, json=handoff_call(i), headers=stack.BOT_SECRET_HEADERS, timeout=30)
        r.raise_for_status()
        found = REFERENCE.findall(json.dumps(r.json()["responses"]))
        assert len(set(found)) == 1, r.json()["responses"]
        with lock:
            confirmed.append(found[0])
            if "utter_handoff_pending" in json.dumps(r.json()["responses"]):
                pending.append(found[0])
            if len(confirmed) >= KILL_AFTER and not killed.is_set():
                killed.set()
                backend.stop(signal.SIGKILL)  # no shutdown, no flush: as a crash or `kill -9`

    restarted = None
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(confirm, i) for i in range(BURST)]
            assert killed.wait(60), "the backend was never killed"
            time.sleep(DOWN_FOR)
            restarted, _ = stack.start_backend(tmp_path / "after", database_url, env=ADMIN, port=port)
            for future in futures:
                future.result()
        deadline = time.monotonic() + 180
        while outbox_states(outbox).get("pending", 0) and time.monotonic() < deadline:
            time.sleep(1)
        states = outbox_states(outbox)
        stored = stored_references(backend_url)
        lost = len(set(confirmed) - set(stored))
        duplicates = len(stored) - len(set(stored))
        with capsys.disabled():
            print(f"\nconfirmed={len(confirmed)} first-try-failed={len(pending)} stored={len(stored)} outbox={states} "
                  f"lost={lost} duplicates={duplicates}")
        assert len(confirmed) == BURST == len(set(confirmed))
        assert len(pending) > 0, "the kill did not hit the burst"
        assert states == {"delivered": BURST}
        assert lost == 0 and duplicates == 0 and len(stored) == BURST
        assert payloads_left(outbox) == 0  # delivered records are not kept on the action side
        logs = actions.log_text() + (tmp_path / "before" / "backend.log").read_text() + restarted.log_text()
        assert "Storing0" not in logs and phone(7)[2:] not in logs  # no names or numbers in any log
    finally:
        for process in (restarted, actions, backend):
            if process is not None:
                process.stop()


class Forwarder:
    """A TCP forwarder in front of PostgreSQL: `cut()` makes the database vanish for the backend (open
    connections drop, new ones are refused) without touching the shared server; `restore()` brings it back."""

    def __init__(self, upstream_port: int = 5432) -> None:
        self.port, self.upstream_port = stack.free_port(), upstream_port
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self._listener.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if listener is not self._listener or listener.fileno() == -1:  # accepted while being cut
                client.close()
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def answering_rasa():
    """Stands in for Rasa's REST channel (a dependency of the backend, not the thing under test)."""
    with StubServer(lambda request: (200, [{"recipient_id": "x", "text": "Ik ben er nog."}])) as rasa:
        yield rasa.url


def test_database_outage_chat_keeps_answering_and_nothing_is_lost(tmp_path, answering_rasa, capsys):
    schema = f"test_faults_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    forwarder = Forwarder()
    forwarder.restore()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{forwarder.port}/test?options=-csearch_path%3D{schema}"
    outbox = tmp_path / "outbox.sqlite3"
    backend, backend_url = stack.start_backend(tmp_path, url, rasa_url=answering_rasa, env=ADMIN)
    actions, webhook = stack.start_actions(tmp_path, backend_url, outbox)
    try:
        calls = [handoff_call(i) for i in range(40)]
        before = [httpx.post(webhook, json=c, headers=stack.BOT_SECRET_HEADERS, timeout=30).json() for c in calls[:10]]
        forwarder.cut()
        chat = httpx.post(f"{backend_url}/api/chat", json={"sender": str(uuid.uuid4()), "message": "hallo"},
                          timeout=10)
        assert chat.status_code == 200 and chat.json()[0]["text"] == "Ik ben er nog."
        during = [httpx.post(webhook, json=c, headers=stack.BOT_SECRET_HEADERS, timeout=30).json() for c in calls[10:]]
        pending = ["utter_handoff_pending" in json.dumps(r["responses"]) for r in during]
        assert all(pending), [r["responses"] for r in during][:3]
        forwarder.restore()
        confirmed = [REFERENCE.findall(json.dumps(r["responses"]))[0] for r in before + during]
        deadline = time.monotonic() + 120
        while outbox_states(outbox).get("pending", 0) and time.monotonic() < deadline:
            time.sleep(1)
        stored = stored_references(backend_url)
        lost, duplicates = len(set(confirmed) - set(stored)), len(stored) - len(set(stored))
        with capsys.disabled():
            print(f"\ndatabase outage: confirmed={len(confirmed)} stored={len(stored)} lost={lost} "
                  f"duplicates={duplicates}")
        assert outbox_states(outbox) == {"delivered": 40}
        assert lost == 0 and duplicates == 0 and len(stored) == 40
        logs = backend.log_text() + actions.log_text()
        assert "Storing0" not in logs and phone(7)[2:] not in logs and "[parameters:" not in logs
        # The backend answered the outage with a clear 503 (retried by the outbox), not a 500 with a traceback;
        # the action server's client logs the status (the backend runs without an access log).
        assert '/api/internal/registrations "HTTP/1.1 503' in logs and "Traceback" not in logs
        assert "database unavailable" in backend.log_text() and lines_with_client_address(backend.log_text()) == []
    finally:
        actions.stop()
        backend.stop()
        forwarder.cut()
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
