"""A visitor who types instead of clicking: in the real widget on the full stack (backend, Rasa, action server),
every question of a registration, a call-back and a referral is answered in the visitor's own words, the way people
answer a question ("ik ben degene bij wie het gebeurd is", "bel me maar 's middags", a number with spaces, "ja dat
klopt"), never with a button's title or payload. Then the desk signs in and finds each in the inbox with the right
answers on its page.

Needs the trained model (`make train`); uses `full_stack` and `browser` of tests/e2e/conftest.py. After each typed
answer the bot must ask the next question of the form: an answer it did not understand fails the test with the
conversation so far.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP, make_context, sign_in
from tests.intake_script import CODE

# A phrase of each question as the bot asks it, per language (bot/domain/*.yml).
QUESTIONS = {
    "nl": {
        "role": "Wie ben jij in wat er gebeurde?", "event_kind": "Wat is er gebeurd?",
        "setting": "Waar gebeurde het?", "description": "in je eigen woorden", "name": "Hoe mogen we je noemen?",
        "phone": "Op welk telefoonnummer", "voicemail_ok": "bericht inspreken",
        "call_time": "Wanneer kunnen we je het best bellen?", "region": "In welke provincie woon je?",
        "summary": "Dit heb je ingevuld:", "consent": "Mogen we je antwoorden bewaren en doorsturen?",
        "client_consent": "Weet je cliënt van deze aanmelding", "referrer_organisation": "Bij welke organisatie",
        "referrer_name": "Wat is je naam?", "referrer_phone": "Op welk nummer ben je bereikbaar?",
        "client_role": "Wie is je cliënt in wat er gebeurde?",
        "client_event_kind": "Om wat voor gebeurtenis gaat het bij je cliënt?",
        "client_region": "In welke provincie woont je cliënt?",
    },
    "en": {
        "role": "Who are you in what happened?", "event_kind": "What happened?", "setting": "Where did it happen?",
        "description": "in your own words", "name": "What may we call you?",
        "phone": "Which phone number can we call you on?", "voicemail_ok": "leave a voicemail",
        "call_time": "When is the best time to call you?", "region": "In which province do you live?",
        "summary": "This is what you filled in:", "consent": "May we keep your answers and send them on?",
    },
}
START = {"nl": "Start de chat", "en": "Start the chat"}


@dataclass
class Visit:
    """A conversation in the widget: what the visitor typed and what the bot said, for the failure message."""

    page: Page
    language: str
    transcript: list[str]

    def bot_messages(self) -> list[str]:
        return self.page.locator(".phw-msg--bot").all_inner_texts()

    def type(self, text: str) -> list[str]:
        """Type `text` into the chat's input as a person would, press Enter; the bot's new messages."""
        before = len(self.bot_messages())
        box = self.page.locator("#phw-input")
        box.click()
        box.press_sequentially(text, delay=5)
        box.press("Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('.phw-msg--bot').length > n"
            " && document.querySelector('.phw-typing').hidden", arg=before)
        answer = self.bot_messages()[before:]
        self.transcript += [f">> {text}", *answer]
        assert not self.page.locator(".phw-msg--info").count(), self.failure("the widget showed a notice")
        return answer

    def failure(self, what: str) -> str:
        return f"{what}\n--- conversation ---\n" + "\n".join(self.transcript)


def open_chat(ctx, base_url: str, language: str) -> Visit:
    page = ctx.new_page()
    page.goto(base_url + ("/en" if language == "en" else "/"))
    page.get_by_role("button", name=START[language]).click()  # opens the chat; the bot greets
    page.wait_for_function("() => document.querySelector('.phw-msg--bot')"
                           " && document.querySelector('.phw-typing').hidden")
    return Visit(page, language, ["\n".join(page.locator(".phw-msg--bot").all_inner_texts())])


def answer_every_question(visit: Visit, opening: str, answers: list[tuple[str, str]]) -> tuple[str, str]:
    """Type `opening`, then each answer when its question is asked; (the summary shown, the reference code).

    Each answer must be understood: the bot's reply is the next question alone (no "I did not get that", no FAQ
    answer, no crisis question), and after the consent the reference code."""
    said, summary = visit.type(opening)[-1:], ""
    for question, typed in answers:
        phrase = QUESTIONS[visit.language][question]
        assert len(said) == 1 and phrase in said[0], visit.failure(
            f"expected the question {question!r} ({phrase!r}) alone, got {said!r}")
        if question == "summary":
            summary = said[0]
        said = visit.type(typed)
    code = CODE.search(said[-1]) if len(said) == 1 else None
    assert code, visit.failure(f"not the reference code alone after the last answer: {said!r}")
    # Only typed text went in: no answer button was ever pressed (the widget disables them after use).
    assert visit.page.locator(".phw-msg--user").count() == len(answers) + 1
    return summary, code.group(0)


@pytest.fixture(scope="module")
def desk(browser, full_stack):
    """The desk's browser, signed in once for this module. A TOTP code signs in once: the session's API token (which
    other modules take from `full_stack`) is taken first, so this sign-in waits for the next code, not they."""
    full_stack.staff_token()
    context = make_context(browser)
    page = context.new_page()
    sign_in(page, full_stack.backend_url, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP)
    yield page
    context.context.close()


def registration_page(desk: Page, base_url: str, reference: str) -> str:
    """Find the registration in the inbox by its code, open it; the text of its page."""
    desk.goto(f"{base_url}/staff")
    desk.get_by_label("Referentiecode").fill(reference[-4:])
    desk.get_by_role("button", name="Toon").click()
    row = desk.locator("tbody tr", has=desk.get_by_role("link", name=reference))
    expect(row).to_have_count(1)
    inbox_row = row.inner_text()
    row.get_by_role("link", name=reference).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(reference)
    return inbox_row + "\n" + desk.locator("main").inner_text()


def facts(page_text: str) -> dict[str, str]:
    """The registration page's facts as {label: value} (its <dt>/<dd> lines)."""
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return {lines[i]: lines[i + 1] for i in range(len(lines) - 1)}


def test_a_whole_registration_typed_in_dutch(full_stack, ctx, desk):
    visit = open_chat(ctx, full_stack.backend_url, "nl")
    summary, reference = answer_every_question(visit, "Ik wil me aanmelden alsjeblieft", [
        ("role", "ik ben degene bij wie het gebeurd is"),
        ("event_kind", "Mijn leidinggevende zat steeds aan me en maakte opmerkingen over mijn lichaam"),
        ("setting", "het was op mijn werk"),
        ("description", "Hij kwam vaak te dichtbij bij de koffieautomaat. Dat is een jaar of twee geleden. "
                        "Ik wil hem vragen waarom hij dat deed."),
        ("name", "Ik heet Fenna"),
        ("phone", "mijn nummer is 06 41 23 45 67"),
        ("voicemail_ok", "ja hoor, dat mag"),
        ("call_time", "bel me maar 's middags"),
        ("region", "ik woon in de buurt van Utrecht"),
        ("summary", "ja dat klopt"),
        ("consent", "ja, dat is goed"),
    ])
    for shown in ("Het overkwam mij", "Seksueel grensoverschrijdend gedrag", "Op het werk", "Fenna", "+31641234567",
                  "Middag", "Utrecht"):
        assert shown in summary, visit.failure(f"{shown!r} not in the summary")

    page = registration_page(desk, full_stack.backend_url, reference)
    seen = facts(page)
    assert "Aanmelding" in page and "Chat" in page
    assert seen["Naam"] == "Fenna" and seen["Telefoon"] == "+31641234567" and seen["E-mail"] == "–"
    assert seen["Rol"] == "Het overkwam mij"
    assert seen["Wat er gebeurde"] == "Seksueel grensoverschrijdend gedrag" and seen["Waar"] == "Op het werk"
    assert seen["Bericht inspreken"] == "Ja, dat is veilig" and seen["Bellen bij voorkeur"] == "In de middag"
    assert seen["Regio"] == "Utrecht" and seen["Taal"] == "Nederlands"
    assert "bij de koffieautomaat" in page and "Rol van de cliënt" not in page


def test_a_whole_registration_typed_in_english(full_stack, ctx, desk):
    visit = open_chat(ctx, full_stack.backend_url, "en")
    summary, reference = answer_every_question(visit, "I would like to sign up please", [
        ("role", "I'm the one it happened to"),
        ("event_kind", "a colleague kept touching me and making remarks"),
        ("setting", "it happened at the office where I work"),
        ("description", "He cornered me several times after meetings, about two years ago. I would like him to "
                        "understand what it did to me."),
        ("name", "I'm Alex"),
        ("phone", "you can reach me on 06 5512 3344"),
        ("voicemail_ok", "yes that's fine"),
        ("call_time", "mornings are best for me"),
        ("region", "I live in Rotterdam"),
        ("summary", "yes, that's all correct"),
        ("consent", "yes I agree"),
    ])
    for shown in ("It happened to me", "At work", "Alex", "+31655123344", "Morning", "South Holland"):
        assert shown in summary, visit.failure(f"{shown!r} not in the summary")

    page = registration_page(desk, full_stack.backend_url, reference)
    seen = facts(page)
    assert seen["Naam"] == "Alex" and seen["Telefoon"] == "+31655123344" and seen["Taal"] == "Engels"
    assert seen["Rol"] == "Het overkwam mij" and seen["Waar"] == "Op het werk"
    assert seen["Wat er gebeurde"] == "Seksueel grensoverschrijdend gedrag"
    assert seen["Bericht inspreken"] == "Ja, dat is veilig" and seen["Bellen bij voorkeur"] == "In de ochtend"
    assert seen["Regio"] == "Zuid-Holland"


@pytest.mark.parametrize("language, opening, answers, expected", [
    ("nl", "kan iemand mij terugbellen?", [
        ("phone", "06 23 45 67 89"),
        ("voicemail_ok", "nee liever niet, ik deel mijn telefoon"),
        ("call_time", "'s ochtends is het beste"),
        ("summary", "ja klopt"),
        ("consent", "ja dat mag"),
    ], {"Telefoon": "+31623456789", "Bericht inspreken": "Nee, liever niet", "Bellen bij voorkeur": "In de ochtend",
        "Taal": "Nederlands"}),
    ("en", "could someone call me back please", [
        ("phone", "my number is +31 6 2345 6780"),
        ("voicemail_ok", "no please don't leave a message"),
        ("call_time", "in the afternoon would be best"),
        ("summary", "yes correct"),
        ("consent", "yes that's ok"),
    ], {"Telefoon": "+31623456780", "Bericht inspreken": "Nee, liever niet", "Bellen bij voorkeur": "In de middag",
        "Taal": "Engels"}),
], ids=["nl", "en"])
def test_a_call_back_typed(full_stack, ctx, desk, language, opening, answers, expected):
    visit = open_chat(ctx, full_stack.backend_url, language)
    _summary, reference = answer_every_question(visit, opening, answers)

    page = registration_page(desk, full_stack.backend_url, reference)
    assert "Terugbelverzoek" in page and "Wil eerst teruggebeld worden" in page
    seen = facts(page)
    for label, value in expected.items():
        assert seen[label] == value, (label, seen[label])
    assert seen["Naam"] == "–" and seen["Regio"] == "Onbekend"


def test_a_referral_typed_asks_the_clients_role_and_region(full_stack, ctx, desk):
    """A professional registers a client: the client's role is asked, the region is the client's."""
    visit = open_chat(ctx, full_stack.backend_url, "nl")
    summary, reference = answer_every_question(visit, "Ik ben maatschappelijk werker en wil een cliënt aanmelden", [
        ("client_consent", "ja, mijn cliënt weet ervan en vindt het goed"),
        ("referrer_organisation", "ik werk bij Slachtofferhulp Nederland"),
        ("referrer_name", "Kim de Vries"),
        ("referrer_phone", "je kunt me bellen op 030 765 43 21"),
        ("client_role", "het is haar overkomen"),
        ("client_event_kind", "ze is vorig jaar op straat in elkaar geslagen"),
        ("client_region", "ze woont in Zwolle"),
        ("summary", "ja hoor, klopt"),
        ("consent", "akkoord"),
    ])
    assert "de regio van je cliënt" in "\n".join(visit.transcript)  # the region question is about the client
    assert "- Rol van je cliënt: Het overkwam mijn cliënt" in summary
    assert "- Regio van je cliënt: Overijssel" in summary

    page = registration_page(desk, full_stack.backend_url, reference)
    seen = facts(page)
    assert seen["Rol"] == "Ik meld een cliënt aan (als hulpverlener)"
    assert seen["Rol van de cliënt"] == "Het overkwam de cliënt"
    assert seen["Namens iemand anders"] == "Ja, Slachtofferhulp Nederland"
    assert seen["Naam"] == "Kim de Vries" and seen["Telefoon"] == "+31307654321"
    assert seen["Wat er gebeurde"] == "Geweld" and seen["Regio"] == "Overijssel"
    assert seen["Toestemming van de cliënt"] == "Ja"
