"""The chat embedded on another site: a host page on a second loopback origin includes /static/embed.js, which
puts the chat in an <iframe> of /chat/embed. Real backend, real Chromium; a stand-in Rasa answers on cue."""
from __future__ import annotations

import pytest

from tests.e2e.helpers import EXIT_URL, serious_axe_violations, start_pages_backend
from tests.stub_server import Request, StubServer

TYPED = "mijn geheime verhaal voor de chat"
# What a host site's analytics could try: read the frame's document, and everything on its own page.
SNOOP = """() => {
  const frame = document.querySelector("iframe");
  let thrown = null;
  try { frame.contentWindow.document.body.innerText; } catch (e) { thrown = e.name; }
  return {contentDocument: frame.contentDocument, thrown, hostText: document.documentElement.outerHTML};
}"""


class HostSite:
    """Another site on its own loopback port, serving one page that includes our loader."""

    def __init__(self) -> None:
        self.stub = StubServer(self.page)
        self.backend_url = ""

    @property
    def origin(self) -> str:
        return self.stub.url

    def page(self, request: Request) -> tuple:
        return 200, (f'<!doctype html><html lang="nl"><title>Sportclub De Gastheer</title>'
                     f'<h1>Welkom bij de club</h1>'
                     f'<script src="{self.backend_url}/static/embed.js" data-lang="{request.path.strip("/") or "nl"}"'
                     f' defer></script>'), "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def host():
    site = HostSite()
    with site.stub:
        yield site


@pytest.fixture(scope="module")
def embed_backend(tmp_path_factory, fake_rasa, host):
    """The backend with the host site in INTAKE_FRAME_ANCESTORS."""
    b = start_pages_backend(tmp_path_factory.mktemp("embed-backend"), fake_rasa.url,
                            env={"INTAKE_FRAME_ANCESTORS": host.origin})
    yield b
    b.process.stop()


def open_host(ctx, host, backend_url: str, path: str = "/"):
    host.backend_url = backend_url
    page = ctx.new_page()
    page.goto(host.origin + path)
    return page


def test_the_chat_works_in_the_frame_and_the_host_page_cannot_read_it(embed_backend, host, fake_rasa, ctx):
    page = open_host(ctx, host, embed_backend.url)
    iframe = page.locator("iframe")
    assert iframe.get_attribute("src") == embed_backend.url + "/chat/embed"
    assert iframe.get_attribute("title") == "Chat over herstelbemiddeling"
    assert iframe.get_attribute("referrerpolicy") == "no-referrer"
    assert set(iframe.get_attribute("sandbox").split()) == {
        "allow-scripts", "allow-same-origin", "allow-forms", "allow-top-navigation-by-user-activation"}
    chat = page.frame_locator("iframe")
    chat.get_by_role("button", name="Start de chat").click()
    chat.get_by_role("log").get_by_text("Hoi, ik ben de chatbot.").wait_for()
    chat.locator("#phw-input").fill(TYPED)
    chat.locator("#phw-input").press("Enter")
    chat.get_by_role("log").get_by_text("Je schreef: " + TYPED).wait_for()
    assert fake_rasa.received[-1][1] == TYPED
    # The helpline note is in the frame.
    assert "113" in chat.locator(".help-note").inner_text()

    snooped = page.evaluate(SNOOP)
    assert snooped["contentDocument"] is None and snooped["thrown"] == "SecurityError"
    assert TYPED not in snooped["hostText"] and "Hoi, ik ben de chatbot" not in snooped["hostText"]
    # The frame's page left no referrer trail and the chat nothing in the browser.
    assert ctx.storage(page, embed_backend.url) == {"localStorage": 0, "sessionStorage": 0, "cookies": []}


def test_the_english_loader_opens_the_english_chat(embed_backend, host, ctx):
    page = open_host(ctx, host, embed_backend.url, "/en")
    assert page.locator("iframe").get_attribute("src") == embed_backend.url + "/en/chat/embed"
    page.frame_locator("iframe").get_by_role("button", name="Start the chat").wait_for()


def test_quick_exit_in_the_frame_leaves_the_host_page(embed_backend, host, ctx):
    page = open_host(ctx, host, embed_backend.url)
    chat = page.frame_locator("iframe")
    chat.get_by_role("button", name="Start de chat").click()
    chat.get_by_role("log").get_by_text("Hoi, ik ben de chatbot.").wait_for()
    chat.get_by_role("button", name="Snel weg").first.click()
    page.wait_for_url(EXIT_URL)
    assert page.title() == "Neutraal"


def test_three_escapes_in_the_frame_leave_the_host_page(embed_backend, host, ctx):
    page = open_host(ctx, host, embed_backend.url)
    chat = page.frame_locator("iframe")
    chat.get_by_role("button", name="Start de chat").click()
    chat.locator("#phw-input").wait_for()
    for _ in range(3):
        chat.locator("#phw-input").press("Escape")
    page.wait_for_url(EXIT_URL)


def test_without_the_host_in_frame_ancestors_chromium_refuses_the_frame(chat_backend, host, ctx):
    """chat_backend runs with INTAKE_FRAME_ANCESTORS unset ('none')."""
    page = ctx.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None)
    host.backend_url = chat_backend.url
    page.goto(host.origin + "/")
    page.locator("iframe").wait_for()
    page.wait_for_timeout(1500)
    (frame,) = [f for f in page.frames if f != page.main_frame]
    assert not frame.url.startswith(chat_backend.url)  # Chromium put its error page there instead
    assert frame.query_selector("[data-ph-chat-open]") is None
    assert any("frame-ancestors 'none'" in text for text in refused)


@pytest.mark.parametrize("path", ["/chat/embed", "/en/chat/embed"])
def test_the_embed_page_has_no_serious_accessibility_problems(embed_backend, ctx, path):
    page = ctx.new_page()
    page.goto(embed_backend.url + path)
    page.get_by_role("button", name=("Start the chat" if path.startswith("/en") else "Start de chat")).click()
    page.locator("#phw-input").wait_for()
    assert serious_axe_violations(page, embed_backend.url) == []
