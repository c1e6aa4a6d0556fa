"""The question box in headless Chromium, on the real backend: a visitor asks (with and without JavaScript), keeps
the code shown once, a staff member answers in the workspace, the visitor fetches the answer with the code, replies
and deletes it all; nothing of it stays in the browser or reaches the backend's log. The crisis net with the real
Rasa (the whole stack, trained model) puts the helplines above the code; with Rasa away, too."""
from __future__ import annotations

import sqlite3

from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP, make_context, serious_axe_violations, sign_in

QUESTIONS = {True: "Zou een brief aan hem verstandig zijn? Het gebeurde op de sportclub.",
             False: "Wat zou je als eerste tegen haar zeggen? Het was op mijn werk, lang geleden."}
ANSWER = "Een brief kan. De bemiddelaar leest hem eerst met je door."
REPLY = "Dank je. Hoe begin ik?"
SUICIDE = "Ik wil niet meer leven, ik denk erover om er vanavond een eind aan te maken."


def ask(page: Page, base_url: str, text: str) -> str:
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Anoniem een vraag stellen").click()
    expect(page).to_have_url(f"{base_url}/vraag")
    page.get_by_label("Je vraag").fill(text)
    page.get_by_label("Wie ben jij in wat er gebeurde?").select_option(label="Het overkwam mij")
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank je. Je vraag is verstuurd.")
    code = page.locator("[data-pickup-code]").inner_text()
    assert code not in page.url
    return code


def fetch(page: Page, base_url: str, typed: str) -> None:
    page.goto(f"{base_url}/vraag/ophalen")
    page.get_by_label("Ophaalcode").fill(typed)
    page.get_by_role("button", name="Lees", exact=True).click()


def answer_in_workspace(page: Page, base_url: str, question: str) -> None:
    page.goto(f"{base_url}/staff")
    page.get_by_role("navigation").get_by_role("link", name="Vragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vragen")
    page.locator("table.inbox a").first.click()  # new questions first: the latest one waits, the other is answered
    expect(page.locator(".thread")).to_contain_text(question)
    page.get_by_label("Je antwoord").fill(ANSWER)
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Je antwoord is opgeslagen.")


def test_ask_answer_fetch_reply_delete_with_and_without_javascript(backend, browser):
    staff = make_context(browser)
    staff_page = staff.new_page()
    sign_in(staff_page, backend.url, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP)
    try:
        for javascript in (True, False):
            visitor = make_context(browser, java_script_enabled=javascript)
            page = visitor.new_page()
            question = QUESTIONS[javascript]
            code = ask(page, backend.url, question)
            # Rasa is away in this backend: the helplines come first, the question is stored all the same.
            help_box = page.locator("[data-crisis-help]")
            expect(help_box).to_contain_text("113")
            assert help_box.bounding_box()["y"] < page.locator("[data-pickup-code]").bounding_box()["y"]

            if javascript:
                assert serious_axe_violations(page, backend.url) == []
            fetch(page, backend.url, code)
            expect(page.locator(".thread")).to_contain_text(question)
            expect(page.locator("main")).to_contain_text("Er is nog geen antwoord.")
            if javascript:
                assert serious_axe_violations(page, backend.url) == []

            answer_in_workspace(staff_page, backend.url, question)

            fetch(page, backend.url, "  " + code.replace("-", " ").upper() + " ")  # as written down on paper
            expect(page.locator("[data-author=staff]")).to_contain_text(ANSWER)
            expect(page.locator("[data-erase-on]")).to_contain_text("We wissen dit gesprek op")
            expect(page.get_by_role("link", name="Aanmelden met het formulier")).to_have_attribute("href", "/aanmelden")
            page.get_by_label("Wil je nog iets schrijven?").fill(REPLY)
            page.get_by_role("button", name="Verstuur", exact=True).click()
            expect(page.get_by_role("status")).to_have_text("Je bericht is verstuurd.")
            expect(page.locator("[data-author=visitor]").last).to_contain_text(REPLY)

            page.get_by_role("button", name="Wis dit gesprek").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Het gesprek is gewist")
            fetch(page, backend.url, code)
            expect(page.get_by_role("alert")).to_contain_text("We vinden geen vraag met deze code.")

            # Nothing of it in the browser: no storage, no cookie, no URL with the code.
            stored = visitor.storage(page, backend.url)
            assert stored["localStorage"] == 0 and stored["sessionStorage"] == 0
            assert stored["cookies"] == []
            assert not [url for url in visitor.requests if code in url or "ophaal" in url and "?" in url]
            visitor.context.close()
    finally:
        staff.context.close()
    logged = backend.process.log_text()
    for secret in (*QUESTIONS.values(), ANSWER, REPLY, code):
        assert secret not in logged


def test_the_crisis_net_of_the_real_bot_puts_the_helplines_above_the_code(full_stack, ctx):
    page = ctx.new_page()
    code = ask(page, full_stack.backend_url, SUICIDE)
    help_box = page.locator("[data-crisis-help]")
    expect(help_box.locator("strong").first).to_contain_text("113")
    assert help_box.bounding_box()["y"] < page.locator("[data-pickup-code]").bounding_box()["y"]
    calm = ctx.new_page()
    ask(calm, full_stack.backend_url, "Hoe lang duurt een bemiddeling meestal?")
    expect(calm.locator("[data-crisis-help]")).to_have_count(0)
    logged = full_stack.logs()
    assert SUICIDE not in logged and code not in logged
    with sqlite3.connect(full_stack.db_path) as db:  # the question is stored, encrypted
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                assert not [v for v in row if isinstance(v, str) and ("niet meer leven" in v or code in v)]
