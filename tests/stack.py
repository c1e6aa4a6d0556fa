"""Start the real processes of the stack for tests, on free loopback ports.

Standard library only: both virtualenvs import it (conversation tests in .venv/bot, end-to-end tests in
.venv/api). The commands are the ones `make run` starts; see Procfile.
"""
from __future__ import annotations

import base64
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT_BIN = ROOT / ".venv" / "bot" / "bin"
API_BIN = ROOT / ".venv" / "api" / "bin"
MODEL = ROOT / "models" / "intake.tar.gz"
REDIS_ENDPOINTS = "bot/endpoints.redis.yml"  # several Rasa processes: conversations shared through Redis

# Fresh secrets for each test run (no secret has a published value); child processes get them through TEST_ENV.
TEST_ENV = {
    "INTAKE_ENV": "test",
    "INTAKE_SERVICE_TOKEN": secrets.token_urlsafe(32),
    # Fernet keys, one per purpose.
    "INTAKE_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "INTAKE_TOTP_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "INTAKE_OUTBOX_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "INTAKE_SECRET_KEY": secrets.token_urlsafe(48),
    "INTAKE_BOT_SECRET": secrets.token_urlsafe(32),  # backend -> Rasa -> action server
    # Conversation and browser tests send bursts from one address; tests/api/test_limits.py sets its own limits.
    "INTAKE_CHAT_RATE_LIMIT": "100000",
    "INTAKE_FORM_RATE_LIMIT": "100000",
    "INTAKE_SIGN_IN_RATE_LIMIT": "100000",
    "INTAKE_CONVERSATIONS_LIMIT": "100000",
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONPATH": str(ROOT),
}
# The header the backend sends to Rasa and Rasa to the action server: a test that plays either sends it too.
BOT_SECRET_HEADERS = {"X-Intake-Secret": TEST_ENV["INTAKE_BOT_SECRET"]}


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 120.0, proc: subprocess.Popen | Process | None = None) -> None:
    """Wait until `url` answers any HTTP status (the server is listening and serving)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        popen = proc.proc if isinstance(proc, Process) else proc
        if popen is not None and popen.poll() is not None:
            tail = proc.log_text()[-3000:] if isinstance(proc, Process) else ""
            raise RuntimeError(f"process exited with {popen.returncode} before {url} answered\n{tail}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


class Process:
    """A child process with its output captured in a log file, stopped with its whole group."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **TEST_ENV, **env},
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout)
        self._log.close()

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")


def migrate(database_url: str) -> None:
    subprocess.run(
        [str(API_BIN / "alembic"), "-c", "api/alembic.ini", "upgrade", "head"],
        cwd=ROOT, env={**os.environ, **TEST_ENV, "DATABASE_URL": database_url}, check=True,
        stdout=subprocess.DEVNULL,
    )


def start_backend(log_dir: Path, database_url: str, rasa_url: str = "http://127.0.0.1:9", env: dict | None = None,
                  port: int | None = None) -> tuple[Process, str]:
    """Migrate `database_url` and start the backend; returns the process and its base URL."""
    migrate(database_url)
    port = port or free_port()
    proc = Process("backend", [str(API_BIN / "uvicorn"), "api.main:app", "--host", "127.0.0.1", "--port", str(port),
                    "--no-server-header", "--no-access-log"],
                   {"DATABASE_URL": database_url, "INTAKE_RASA_URL": rasa_url, **(env or {})}, log_dir)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/api/health", 60, proc)
    return proc, url


def start_actions(log_dir: Path, backend_url: str, outbox_path: Path, env: dict | None = None,
                  port: int | None = None) -> tuple[Process, str]:
    """Start the action server; returns the process and its webhook URL."""
    port = port or free_port()
    proc = Process("actions", [str(BOT_BIN / "python"), "-m", "actions.server", "--port", str(port)],
                   {"INTAKE_BACKEND_URL": backend_url, "INTAKE_OUTBOX_PATH": str(outbox_path), **(env or {})}, log_dir)
    wait_http(f"http://127.0.0.1:{port}/health", 60, proc)
    return proc, f"http://127.0.0.1:{port}/webhook"


def start_rasa(log_dir: Path, actions_url: str, env: dict | None = None, port: int | None = None,
               name: str = "rasa", model: Path | None = None,
               endpoints: str = "bot/endpoints.yml") -> tuple[Process, str]:
    """Start Rasa with the REST channel on the trained model (or `model`); returns the process and its base URL."""
    port = port or free_port()
    cmd = [str(BOT_BIN / "python"), "-m", "bot.serve", "run", "--model", str(model or MODEL), "--endpoints", endpoints,
           "--credentials", "bot/credentials.yml", "--interface", "127.0.0.1", "--port", str(port)]
    proc = Process(name, cmd, {"INTAKE_ACTIONS_URL": actions_url, **(env or {})}, log_dir)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/", 180, proc)
    return proc, url


def start_rasa_processes(log_dir: Path, actions_url: str, ports: list[int], model: Path | None = None,
                         redis_db: int = 13) -> list[tuple[Process, str]]:
    """One Rasa per port, loading their models side by side. Several share conversations (tracker and lock store)
    through Redis database `redis_db` on 127.0.0.1:6379; one keeps them in memory."""
    if len(ports) == 1:
        return [start_rasa(log_dir, actions_url, port=ports[0], model=model)]
    env = {"INTAKE_REDIS_HOST": "127.0.0.1", "INTAKE_REDIS_PORT": "6379", "INTAKE_REDIS_DB": str(redis_db)}
    with ThreadPoolExecutor(len(ports)) as pool:
        futures = [pool.submit(start_rasa, log_dir, actions_url, env=env, port=port, name=f"rasa{i + 1}", model=model,
                               endpoints=REDIS_ENDPOINTS) for i, port in enumerate(ports)]
    started = [f.result() for f in futures if f.exception() is None]
    if len(started) < len(ports):  # one did not come up: stop the others, report the first error
        for proc, _url in started:
            proc.stop()
        raise next(f.exception() for f in futures if f.exception() is not None)
    return started


if __name__ == "__main__":  # pragma: no cover - manual use: python tests/stack.py
    print(free_port(), file=sys.stdout)
