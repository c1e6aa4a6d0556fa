"""Scale-out: two Rasa processes share conversations through Redis (bot/endpoints.redis.yml), behind the backend's
gateway. A conversation whose turns alternate between them keeps its state; when one process goes away the other
takes the next turn; the state in Redis expires (record_exp) and holds nothing after the test."""
from __future__ import annotations

import sqlite3
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import stack
from tests.intake_script import BUTTONS, CODE, asked

REDIS_DB = "13"  # a database of the machine's Redis of its own, emptied before and after
RECORD_EXP = 3600  # bot/endpoints.redis.yml


def redis(*args: str) -> str:
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "-n", REDIS_DB, *args],
                         capture_output=True, text=True, check=True, timeout=10)
    return out.stdout.strip()


@dataclass
class TwoRasa:
    backend_url: str
    rasa_urls: list[str]
    db_path: Path
    processes: dict[str, stack.Process]


@pytest.fixture(scope="module")
def two_rasa(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scale")
    redis("FLUSHDB")
    ports = [stack.free_port(), stack.free_port()]
    db_path = tmp / "intake.sqlite3"
    processes: dict[str, stack.Process] = {}
    try:
        gateway = ",".join(f"http://127.0.0.1:{p}" for p in ports)
        processes["backend"], backend_url = stack.start_backend(tmp, f"sqlite:///{db_path}", rasa_url=gateway)
        processes["actions"], actions_url = stack.start_actions(tmp, backend_url, tmp / "outbox.sqlite3")
        started = stack.start_rasa_processes(tmp, actions_url, ports, redis_db=int(REDIS_DB))
        for i, (proc, _url) in enumerate(started):
            processes[f"rasa{i + 1}"] = proc
        yield TwoRasa(backend_url, [url for _proc, url in started], db_path, processes)
    finally:
        for p in reversed(list(processes.values())):
            p.stop()
        redis("FLUSHDB")


def say(url: str, sender: str, message: str) -> str:
    # Straight to a Rasa process, the request carries what the backend sends it (the backend ignores the header).
    r = httpx.post(url, json={"sender": sender, "message": message}, timeout=30,
                   headers={"X-Intake-Secret": stack.TEST_ENV["INTAKE_BOT_SECRET"]})
    r.raise_for_status()
    return "\n".join(m.get("text", "") or "" for m in r.json())


def answer(text: str) -> str:
    question = asked(text)
    assert question, f"the conversation lost its place: {text!r}"
    return "/affirm" if question in ("summary", "consent") else BUTTONS[question]


def test_turns_alternating_between_two_rasa_processes_keep_the_conversation(two_rasa):
    sender = str(uuid.uuid4())
    webhooks = [u + "/webhooks/rest/webhook" for u in two_rasa.rasa_urls]
    say(webhooks[0], sender, "/greet")
    text = say(webhooks[1], sender, "/start_registration")
    asked_questions = []
    for turn in range(2, 30):
        if CODE.search(text):
            break
        asked_questions.append(asked(text))
        text = say(webhooks[turn % 2], sender, answer(text))
    reference = CODE.search(text)
    assert reference, f"no reference code after {asked_questions}"
    # Every question came once, in the form's order: neither process forgot an answer the other had taken.
    assert len(asked_questions) == len(set(asked_questions)), asked_questions
    assert asked_questions[0] == "role" and asked_questions[-2:] == ["summary", "consent"]
    with sqlite3.connect(two_rasa.db_path) as db:
        stored = db.execute("select count(*) from registrations where reference = ?", (reference.group(0),)).fetchone()
    assert stored == (1,)

    # The conversation is in Redis with an expiry, never without one.
    key = f"intake:tracker:{sender}"
    assert 0 < int(redis("TTL", key)) <= RECORD_EXP


def test_gateway_spreads_turns_and_survives_a_process_going_away(two_rasa):
    sender = str(uuid.uuid4())
    chat = two_rasa.backend_url + "/api/chat"
    say(chat, sender, "/greet")
    text = say(chat, sender, "/start_registration")
    assert asked(text) == "role"
    text = say(chat, sender, answer(text))
    assert asked(text) == "event_kind"

    two_rasa.processes["rasa1"].stop()
    for expected in ("setting", "description", "name"):
        text = say(chat, sender, answer(text))  # every other turn first meets the stopped process
        assert asked(text) == expected
    assert "refused the connection" in two_rasa.processes["backend"].log_text()


def test_a_turn_without_redis_is_a_clear_error_and_no_log_quotes_it(tmp_path):
    """Rasa cannot lock the conversation (its Redis is unreachable): the visitor is told to call us, and Rasa's log
    names the failure without what was typed (Rasa's own REST channel logs the text of a failed turn)."""
    rasa_port, closed_port = stack.free_port(), stack.free_port()
    processes: list[stack.Process] = []
    try:
        backend, backend_url = stack.start_backend(tmp_path, f"sqlite:///{tmp_path / 'intake.sqlite3'}",
                                                   rasa_url=f"http://127.0.0.1:{rasa_port}")
        processes.append(backend)
        env = {"INTAKE_REDIS_HOST": "127.0.0.1", "INTAKE_REDIS_PORT": str(closed_port), "INTAKE_REDIS_DB": "0"}
        rasa, _url = stack.start_rasa(tmp_path, "http://127.0.0.1:9/webhook", env=env, port=rasa_port,
                                      endpoints=stack.REDIS_ENDPOINTS)
        processes.append(rasa)
        r = httpx.post(backend_url + "/api/chat", timeout=30,
                       json={"sender": str(uuid.uuid4()), "message": "ik ben Noor-Zonderredis, 06 11122233"})
        assert r.status_code == 503 and "030 234 00 45" in r.json()["detail"]
        assert "the turn failed (LockError)" in rasa.log_text()
        logs = rasa.log_text() + backend.log_text()
        assert "Zonderredis" not in logs and "11122233" not in logs
    finally:
        for p in reversed(processes):
            p.stop()
