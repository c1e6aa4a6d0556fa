"""Fixtures for the browser tests of the pages, the widget and the web form (import them in a test module).

Real processes only: the backend from tests/stack.py on a temp SQLite file, Debian's Chromium through Playwright,
and - where the widget needs a bot that answers on cue - a tiny HTTP server standing in for Rasa's REST channel
(a dependency of the thing under test, not the thing itself).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests import stack

ADMIN_EMAIL = "pages-admin@example.org"
ADMIN_PASSWORD = "pages correct horse battery staple"
ADMIN_TOTP = pyotp.random_base32()
ADMIN_ENV = {"INTAKE_ADMIN_EMAIL": ADMIN_EMAIL, "INTAKE_ADMIN_PASSWORD": ADMIN_PASSWORD,
             "INTAKE_ADMIN_TOTP_SECRET": ADMIN_TOTP}

# Default neutral site of the quick exit; the browser context answers it locally, so nothing leaves the machine.
EXIT_URL = "https://www.google.nl/"
NEUTRAL_PAGE = "<!doctype html><title>Neutraal</title><p>Zoeken</p>"

# axe-core for the accessibility checks: a pinned npm package in a test-only directory (never committed).
AXE_VERSION = "4.14.1"
AXE_DIR = stack.ROOT / "var" / "test-node"
AXE_FILE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = ["npm", "install", "--prefix", str(AXE_DIR), "--no-save", "--no-package-lock", "--no-audit",
               "--no-fund", f"axe-core@{AXE_VERSION}"]
AXE_ROUTE = "/__test__/axe.min.js"


@dataclass
class Backend:
    url: str
    process: stack.Process
    _token: str | None = None

    def staff_token(self) -> str:
        # One sign-in per backend: a TOTP code may be used only once.
        if self._token:
            return self._token
        r = httpx.post(f"{self.url}/api/auth/token", timeout=10,
                       data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "otp": pyotp.TOTP(ADMIN_TOTP).now()})
        r.raise_for_status()
        self._token = r.json()["access_token"]
        return self._token

    def registrations(self) -> list[dict]:
        """Every stored registration with its details, through the staff API."""
        headers = {"Authorization": f"Bearer {self.staff_token()}"}
        page = httpx.get(f"{self.url}/api/registrations", params={"page_size": 100}, headers=headers, timeout=10)
        page.raise_for_status()
        return [httpx.get(f"{self.url}/api/registrations/{item['id']}", headers=headers, timeout=10).json()
                for item in page.json()["items"]]


def start_pages_backend(tmp: Path, rasa_url: str, env: dict | None = None) -> Backend:
    process, url = stack.start_backend(tmp, f"sqlite:///{tmp / 'intake.sqlite3'}", rasa_url=rasa_url,
                                       env={**ADMIN_ENV, **(env or {})})
    return Backend(url, process)


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Backend:
    """The real backend with Rasa unreachable (a closed port): the chat answers 503."""
    tmp = tmp_path_factory.mktemp("pages-backend")
    b = start_pages_backend(tmp, f"http://127.0.0.1:{stack.free_port()}")
    yield b
    b.process.stop()


@dataclass
class FakeRasa:
    """Answers like Rasa's REST channel, by a small script keyed on the message; records what it got."""

    url: str = ""
    received: list[tuple[str, str]] = field(default_factory=list)

    def reply(self, message: str) -> list[dict]:
        if message.startswith("/greet"):
            return [{"text": "Hoi, ik ben de chatbot. Waar wil je meer over weten?",
                     "buttons": [{"title": "Hoe werkt het?", "payload": "/explain_service"},
                                 {"title": "<i>Bel mij</i>", "payload": "/request_callback"}]}]
        if message == "/explain_service":
            return [{"text": "Een bemiddelaar praat eerst met jou alleen."}]
        if message == "html graag":
            return [{"text": '<img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script><b>vet</b>'}]
        if message == "/ask_question_box":  # Rasa sends a response's `custom` as a message of its own
            return [{"text": "Je kunt een bemiddelaar ook anoniem een vraag stellen."},
                    {"custom": {"link": "question_box"}}]
        if message == "vreemde link":
            return [{"text": "Kijk hier."}, {"custom": {"link": "https://example.org/"}}]
        if message == "traag graag":
            time.sleep(1.5)
            return [{"text": "Dat duurde even."}]
        return [{"text": f"Je schreef: {message}"}]


@pytest.fixture(scope="module")
def fake_rasa() -> FakeRasa:
    rasa = FakeRasa()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # Rasa answers its root URL; keep the same shape
            self._send(200, b"Hello from Rasa: fake")

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            rasa.received.append((body.get("sender", ""), body.get("message", "")))
            answer = [{"recipient_id": body.get("sender"), **item} for item in rasa.reply(body.get("message", ""))]
            self._send(200, json.dumps(answer).encode(), "application/json")

        def _send(self, status, payload, content_type="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rasa.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rasa
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chat_backend(tmp_path_factory, fake_rasa) -> Backend:
    """The real backend relaying to the fake Rasa."""
    tmp = tmp_path_factory.mktemp("chat-backend")
    b = start_pages_backend(tmp, fake_rasa.url)
    yield b
    b.process.stop()


# Module scope: every test module imports these fixtures, and two live sync Playwright instances cannot coexist.
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


class RecordingContext:
    """A browser context that records every request and lets none leave the machine."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.requests: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.route(f"{EXIT_URL}**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                    body=NEUTRAL_PAGE))
        context.route(lambda url: not url.startswith(("http://127.0.0.1:", EXIT_URL)),
                      lambda route: route.abort())

    def new_page(self):
        return self.context.new_page()

    def storage(self, page, base_url: str) -> dict:
        """localStorage, sessionStorage (of this tab) and cookies of our origin."""
        page.goto(f"{base_url}/api/health")
        return {
            "localStorage": page.evaluate("() => localStorage.length"),
            "sessionStorage": page.evaluate("() => sessionStorage.length"),
            "cookies": self.context.cookies(base_url),
        }


def make_context(browser: Browser, **options) -> RecordingContext:
    return RecordingContext(browser.new_context(service_workers="block", **options))


@pytest.fixture
def ctx(browser) -> RecordingContext:
    c = make_context(browser)
    yield c
    c.context.close()


def axe_source() -> str:
    if not AXE_FILE.exists():
        subprocess.run(AXE_INSTALL, cwd=stack.ROOT, check=True, stdout=subprocess.DEVNULL)
    return AXE_FILE.read_text()


def serious_axe_violations(page, base_url: str) -> list[str]:
    """Run axe-core in the page (served from our own origin, so the page's CSP allows it)."""
    source = axe_source()
    page.route(f"{base_url}{AXE_ROUTE}", lambda route: route.fulfill(status=200, body=source,
                                                                     content_type="text/javascript"))
    page.add_script_tag(url=f"{base_url}{AXE_ROUTE}")
    violations = page.evaluate("async () => (await axe.run(document)).violations"
                               ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in violations if v["impact"] in ("serious", "critical")]
