"""Helpers for the end-to-end and browser tests: the stack and backends they start (tests/e2e/conftest.py has the
fixtures), a stand-in for Rasa's REST channel, a browser context that keeps every request on the machine, axe-core,
and the steps a visitor or a staff member takes.

Real processes only: the backend from tests/stack.py on a temp SQLite file, Debian's Chromium through Playwright,
and - where the widget needs a bot that answers on cue - a small HTTP server standing in for Rasa's REST channel
(a dependency of the thing under test, not the thing itself)."""
from __future__ import annotations

import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests import stack
from tests.intake_script import BUTTONS, CODE, asked
from tests.stub_server import Request, StubServer

# The first admin of every backend these tests start (each on a database of its own).
ADMIN_EMAIL = "e2e-admin@example.org"
ADMIN_PASSWORD = "e2e correct horse battery staple"
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


def admin_token(base_url: str) -> str:
    """A staff API token of the first admin; its TOTP code is then used up on that backend."""
    r = httpx.post(f"{base_url}/api/auth/token", timeout=10,
                   data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "otp": pyotp.TOTP(ADMIN_TOTP).now()})
    r.raise_for_status()
    return r.json()["access_token"]


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
        self._token = self._token or admin_token(self.backend_url)
        return self._token

    def logs(self) -> str:
        return "\n".join(p.log_text() for p in self.processes.values())


def lines_with_client_address(backend_log: str) -> list[str]:
    """Backend log lines that hold a client address (uvicorn's access log: `127.0.0.1:50312 - "POST ..."`);
    only uvicorn's start line names our own listening address."""
    return [line for line in backend_log.splitlines() if "127.0.0.1" in line and "Uvicorn running on" not in line]


@dataclass
class Backend:
    url: str
    process: stack.Process
    _token: str | None = None

    def staff_token(self) -> str:
        # One sign-in per backend: a TOTP code may be used only once.
        self._token = self._token or admin_token(self.url)
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


class FakeRasa:
    """Answers like Rasa's REST channel, by a small script keyed on the message; records what it got."""

    def __init__(self) -> None:
        self.stub = StubServer(self.answer)

    @property
    def url(self) -> str:
        return self.stub.url

    @property
    def received(self) -> list[tuple[str, str]]:
        """(sender, message) of every message the backend relayed."""
        return [(r.json().get("sender", ""), r.json().get("message", "")) for r in self.stub.requests
                if r.method == "POST"]

    def answer(self, request: Request) -> tuple:
        if request.method == "GET":  # Rasa answers its root URL; keep the same shape
            return 200, "Hello from Rasa: fake"
        body = request.json()
        return 200, [{"recipient_id": body.get("sender"), **item} for item in self.reply(body.get("message", ""))]

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


# --- a visitor in the chat, a staff member on the pages ------------------------------------------------

SECRET_VALUES = {
    "name": "Ilse-Vandermeulen",
    "phone": "06 48765432",
    "email": "ilse.vdm@voorbeeld-e2e.nl",
    "description": "Op het gala van de vereniging drong Kees-Zeldzaam steeds aan.",
}


def register_through_chat(full_stack, sender: str) -> str:
    replies = full_stack.chat(sender, "/greet")
    assert any("chatbot" in r.get("text", "") for r in replies), replies
    text = "\n".join(r.get("text", "") for r in full_stack.chat(sender, "/start_registration"))
    answers = BUTTONS | SECRET_VALUES
    transcript = [text]
    for _ in range(25):
        question = asked(text)
        assert question, f"unexpected reply: {text!r}"
        if question == "summary":
            for value in ("Ilse-Vandermeulen", "+31648765432"):
                assert value in text
            answer = "/affirm"
        elif question == "consent":
            answer = "/affirm"
        else:
            answer = answers[question]
        replies = full_stack.chat(sender, answer)
        text = "\n".join(r.get("text", "") for r in replies)
        transcript += [f">> {answer}", text]
        if CODE.search(text):
            assert "Je aanmelding is binnen" in text
            return CODE.search(text).group(0)
    raise AssertionError("the intake never ended with a reference code:\n" + "\n".join(transcript))


MEDIATOR_PASSWORD = "bemiddelaar wachtwoord 2026"


def sign_in(page: Page, base_url: str, email: str, password: str, secret: str) -> None:
    for first_try in (True, False):
        page.goto(f"{base_url}/staff")
        expect(page).to_have_url(f"{base_url}/staff/aanmelden")
        page.get_by_label("E-mailadres", exact=True).fill(email)
        page.get_by_label("Wachtwoord", exact=True).fill(password)
        page.get_by_label("Code uit je authenticator-app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_load_state()
        if not first_try or "klopt niet" not in page.content():
            break
        # A code signs in once: another test of this run (through the API) may have used this one. The next.
        time.sleep(31 - time.time() % 30)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")


def add_mediator(page: Page, base_url: str, region_label: str) -> str:
    email = f"bemiddelaar-{uuid.uuid4().hex[:6]}@example.org"
    page.goto(f"{base_url}/staff/beheer/gebruikers")
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Eerste wachtwoord").fill(MEDIATOR_PASSWORD)
    page.get_by_label("Rol", exact=True).select_option(label="Bemiddelaar")
    page.get_by_label("Regio (voor bemiddelaars)").select_option(label=region_label)
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("Het account is aangemaakt.")
    return email


