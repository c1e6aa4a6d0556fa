"""The chat widget in a real browser against the real backend (relaying to a stand-in Rasa, or to none)."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.helpers import make_context

PHONE = "030 234 00 45"


def _open_chat(page, base_url: str, path: str = "/"):
    page.goto(base_url + path)
    page.get_by_role("button", name=re.compile("Start (de|the) chat")).click()
    return page.get_by_role("log")


def test_conversation_with_quick_replies_by_keyboard(chat_backend, fake_rasa, ctx):
    page = ctx.new_page()
    page.goto(chat_backend.url + "/")
    # keyboard only: the launcher, then the first quick reply, then the input
    launcher = page.locator(".phw-launcher")
    launcher.focus()
    page.keyboard.press("Enter")
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    assert page.locator("#phw-input").evaluate("el => el === document.activeElement")
    sender, greeting = fake_rasa.received[-1]
    assert greeting == "/greet" and uuid.UUID(sender).version == 4

    replies = page.get_by_role("group", name="Kies een antwoord").get_by_role("button")
    assert replies.all_inner_texts() == ["Hoe werkt het?", "<i>Bel mij</i>"]  # a title with HTML stays text
    replies.first.focus()
    page.keyboard.press("Enter")
    log.get_by_text("Een bemiddelaar praat eerst met jou alleen.").wait_for()
    assert fake_rasa.received[-1] == (sender, "/explain_service")  # the payload went out ...
    user_messages = page.locator(".phw-msg--user .phw-text")
    assert user_messages.all_inner_texts() == ["Hoe werkt het?"]  # ... the title is what the visitor sees
    assert page.locator(".phw-reply").count() == 0  # old quick replies are gone

    page.locator("#phw-input").fill("mag ik iets vragen?")
    page.keyboard.press("Enter")
    log.get_by_text("Je schreef: mag ik iets vragen?").wait_for()
    assert fake_rasa.received[-1] == (sender, "mag ik iets vragen?")
    assert page.input_value("#phw-input") == ""
    # every message says its language, and the visitor and the bot are told apart for screen readers
    assert set(page.locator(".phw-msg").evaluate_all("els => els.map(e => e.lang)")) == {"nl"}
    assert page.locator(".phw-msg--user .phw-visually-hidden").first.inner_text().startswith("Jij")


def test_english_page_starts_the_bot_in_english(chat_backend, fake_rasa, ctx):
    page = ctx.new_page()
    _open_chat(page, chat_backend.url, "/en").get_by_text("Hoi, ik ben de chatbot.").wait_for()
    assert fake_rasa.received[-1][1] == '/greet{"language":"en"}'
    assert page.get_by_role("button", name="Talk to a person").is_visible()
    assert page.locator(".phw-msg").first.get_attribute("lang") == "en"


def test_html_in_messages_is_shown_as_text(chat_backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    mine = '<img src=x onerror="window.__pwned=3"><b>dik</b>'
    page.locator("#phw-input").fill(mine)
    page.keyboard.press("Enter")
    log.get_by_text("Je schreef: " + mine).wait_for()
    page.locator("#phw-input").fill("html graag")
    page.keyboard.press("Enter")
    log.get_by_text("<b>vet</b>", exact=False).wait_for()
    assert page.locator(".phw-msg--user .phw-text").first.inner_text() == mine
    assert page.locator(".phw-log b, .phw-log img, .phw-log script").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_typing_indicator_while_waiting_and_restart_gives_a_new_sender(chat_backend, fake_rasa, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    first_sender = fake_rasa.received[-1][0]
    page.locator("#phw-input").fill("traag graag")
    page.keyboard.press("Enter")
    typing = page.locator(".phw-typing")
    typing.wait_for(state="visible")
    assert "schrijft" in typing.inner_text()
    assert page.locator(".phw-send").is_disabled()
    log.get_by_text("Dat duurde even.").wait_for()
    assert typing.is_hidden()

    page.get_by_role("button", name="Opnieuw beginnen").click()
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    assert page.locator(".phw-msg").count() == 1  # the old conversation is gone from the page
    new_sender, message = fake_rasa.received[-1]
    assert message == "/greet" and new_sender != first_sender and uuid.UUID(new_sender).version == 4


def test_talk_to_a_person_shows_the_phone_number(chat_backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    page.get_by_role("button", name="Met een mens praten").click()
    info = log.locator(".phw-msg--info").last
    assert PHONE in info.inner_text()
    assert info.locator("a[href='tel:+31302340045']").count() == 1


def test_the_anonymous_question_box_is_a_link_to_our_own_page(chat_backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    page.get_by_role("button", name="Met een mens praten").click()  # the menu: the phone, then the question box
    assert log.get_by_role("link", name="Stel je vraag anoniem aan een bemiddelaar").get_attribute("href") == \
        chat_backend.url + "/vraag"
    page.locator("#phw-input").fill("vreemde link")
    page.keyboard.press("Enter")
    log.get_by_text("Kijk hier.").wait_for()
    assert log.locator("a[href^='https://example.org']").count() == 0  # only names of our pages, never an address
    # the bot's answer carries the link by name; on the English page it leads to the English page
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url, "/en")
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    page.locator("#phw-input").fill("/ask_question_box")
    page.keyboard.press("Enter")
    log.get_by_text("anoniem een vraag stellen", exact=False).wait_for()
    link = log.get_by_role("link", name="Ask a mediator your question anonymously")
    assert link.get_attribute("href") == chat_backend.url + "/en/question"


def test_nothing_is_kept_in_the_browser(chat_backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    page.locator("#phw-input").fill("dit blijft nergens staan")
    page.keyboard.press("Enter")
    log.get_by_text("Je schreef: dit blijft nergens staan").wait_for()
    assert ctx.storage(page, chat_backend.url) == {"localStorage": 0, "sessionStorage": 0, "cookies": []}


def test_rasa_down_shows_the_phone_number_and_keeps_the_text(backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, backend.url)
    log.locator(".phw-msg--info").first.wait_for()  # the greeting already fails
    page.locator("#phw-input").fill("is er iemand?")
    page.keyboard.press("Enter")
    kept = log.locator(".phw-msg--info").nth(1)
    kept.wait_for()
    assert PHONE in kept.inner_text() and "invoerveld" in kept.inner_text()
    assert page.input_value("#phw-input") == "is er iemand?"
    assert page.locator(".phw-typing").is_hidden() and page.locator(".phw-send").is_enabled()
    assert "niet verstuurd" in page.locator(".phw-msg--user").last.inner_text()


def test_network_error_is_handled_like_a_bot_outage(chat_backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    page.route("**/api/chat", lambda route: route.abort("connectionreset"))
    page.locator("#phw-input").fill("hallo?")
    page.keyboard.press("Enter")
    log.locator(".phw-msg--info").first.wait_for()
    assert PHONE in log.locator(".phw-msg--info").first.inner_text()
    assert page.input_value("#phw-input") == "hallo?"


def test_one_script_tag_builds_the_widget_on_a_bare_page(chat_backend, ctx):
    page = ctx.new_page()
    page.goto(chat_backend.url + "/api/health")  # a page of ours without any widget markup
    page.add_script_tag(url=chat_backend.url + "/static/widget.js")
    page.get_by_role("button", name="Chat met ons").click()
    page.get_by_role("log").get_by_text("Hoi, ik ben de chatbot.").wait_for()
    assert page.get_by_label("Jouw bericht").is_visible()


@pytest.mark.parametrize("width", [360])
def test_readable_on_a_phone(chat_backend, browser, width):
    c = make_context(browser, viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = c.new_page()
        _open_chat(page, chat_backend.url).get_by_text("Hoi, ik ben de chatbot.").wait_for()
        box = page.locator(".phw-panel").bounding_box()
        assert box["width"] <= width and box["x"] >= 0
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        font = page.locator("#phw-input").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert font >= 16  # smaller makes phones zoom in on focus
    finally:
        c.context.close()


def test_a_message_typed_while_the_bot_answers_is_sent_after(chat_backend, ctx):
    page = ctx.new_page()
    log = _open_chat(page, chat_backend.url)
    log.get_by_text("Hoi, ik ben de chatbot.").wait_for()
    page.locator("#phw-input").fill("traag graag")
    page.keyboard.press("Enter")
    page.locator(".phw-typing").wait_for()  # the bot is busy for 1.5 s
    page.locator("#phw-input").fill("tweede bericht")
    page.keyboard.press("Enter")
    log.get_by_text("Je schreef: tweede bericht").wait_for()
    assert page.locator(".phw-msg--user").all_inner_texts()[-1].endswith("tweede bericht")
