"""Fixtures of the end-to-end and browser tests (their helpers: tests/e2e/helpers.py): the whole stack started as
`make run` starts it, on free ports with a throw-away SQLite file; the backend alone, with Rasa away or with a
stand-in for it; Debian's Chromium."""
from __future__ import annotations

import shutil
import uuid

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests import stack
from tests.e2e.helpers import ADMIN_ENV, Backend, FakeRasa, RecordingContext, Stack, make_context, start_pages_backend


@pytest.fixture(scope="session")
def full_stack(tmp_path_factory) -> Stack:
    tmp = tmp_path_factory.mktemp("stack")
    db_path, outbox_path = tmp / "intake.sqlite3", tmp / "outbox.sqlite3"
    rasa_port = stack.free_port()
    processes: dict[str, stack.Process] = {}
    try:
        processes["backend"], backend_url = stack.start_backend(
            tmp, f"sqlite:///{db_path}", rasa_url=f"http://127.0.0.1:{rasa_port}",
            env=ADMIN_ENV)
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


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Backend:
    """The real backend with Rasa unreachable (a closed port): the chat answers 503."""
    tmp = tmp_path_factory.mktemp("pages-backend")
    b = start_pages_backend(tmp, f"http://127.0.0.1:{stack.free_port()}")
    yield b
    b.process.stop()


@pytest.fixture(scope="module")
def fake_rasa() -> FakeRasa:
    rasa = FakeRasa()
    rasa.stub.start()
    yield rasa
    rasa.stub.stop()


@pytest.fixture(scope="module")
def chat_backend(tmp_path_factory, fake_rasa) -> Backend:
    """The real backend relaying to the fake Rasa."""
    tmp = tmp_path_factory.mktemp("chat-backend")
    b = start_pages_backend(tmp, fake_rasa.url)
    yield b
    b.process.stop()


# Module scope: two live sync Playwright instances cannot coexist (a module may start its own).
@pytest.fixture(scope="module")
def browser() -> Browser:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def ctx(browser) -> RecordingContext:
    c = make_context(browser)
    yield c
    c.context.close()
