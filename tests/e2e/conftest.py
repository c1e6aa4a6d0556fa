"""The whole stack, started as `make run` starts it, on free ports with a throw-away SQLite file."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
import pytest

from tests import stack

ADMIN_EMAIL = "e2e-admin@example.org"
ADMIN_PASSWORD = "e2e correct horse battery staple"
ADMIN_TOTP = pyotp.random_base32()


@dataclass
class Stack:
    backend_url: str
    rasa_url: str
    actions_url: str
    db_path: Path
    outbox_path: Path
    processes: dict[str, stack.Process]
    _token: str | None = None

    def chat(self, sender: str, message: str) -> list[dict]:
        r = httpx.post(f"{self.backend_url}/api/chat", json={"sender": sender, "message": message}, timeout=30)
        r.raise_for_status()
        return r.json()

    def staff_token(self) -> str:
        # One sign-in per run: a TOTP code is accepted only once.
        if self._token:
            return self._token
        r = httpx.post(f"{self.backend_url}/api/auth/token",
                       data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                             "otp": pyotp.TOTP(ADMIN_TOTP).now()}, timeout=10)
        r.raise_for_status()
        self._token = r.json()["access_token"]
        return self._token

    def logs(self) -> str:
        return "\n".join(p.log_text() for p in self.processes.values())


def lines_with_client_address(backend_log: str) -> list[str]:
    """Backend log lines that hold a client address (uvicorn's access log: `127.0.0.1:50312 - "POST ..."`);
    only uvicorn's start line names our own listening address."""
    return [line for line in backend_log.splitlines() if "127.0.0.1" in line and "Uvicorn running on" not in line]


@pytest.fixture(scope="session")
def full_stack(tmp_path_factory) -> Stack:
    tmp = tmp_path_factory.mktemp("stack")
    db_path, outbox_path = tmp / "intake.sqlite3", tmp / "outbox.sqlite3"
    rasa_port = stack.free_port()
    processes: dict[str, stack.Process] = {}
    try:
        processes["backend"], backend_url = stack.start_backend(
            tmp, f"sqlite:///{db_path}", rasa_url=f"http://127.0.0.1:{rasa_port}",
            env={"INTAKE_ADMIN_EMAIL": ADMIN_EMAIL, "INTAKE_ADMIN_PASSWORD": ADMIN_PASSWORD,
                 "INTAKE_ADMIN_TOTP_SECRET": ADMIN_TOTP})
        processes["actions"], actions_url = stack.start_actions(tmp, backend_url, outbox_path)
        processes["rasa"], rasa_url = stack.start_rasa(tmp, actions_url, port=rasa_port,
                                                       env={"INTAKE_BACKEND_URL": backend_url})  # chat counters
        yield Stack(backend_url, rasa_url, actions_url, db_path, outbox_path, processes)
    finally:
        for p in reversed(list(processes.values())):
            p.stop()


@pytest.fixture
def sender() -> str:
    return str(uuid.uuid4())
