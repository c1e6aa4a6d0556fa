"""Call-back, referral, stop, restart and a crisis in the middle of a form."""
from __future__ import annotations

import pytest

from tests.bot.helpers import asks, stored
from tests.intake_script import CODE

pytestmark = pytest.mark.session_loop


async def test_callback_path(chat, backend):
    await chat("/request_callback")
    assert "belt je voor een eerste gesprek" in chat.text and "3 korte vragen" in chat.text
    assert asks(chat.text, "phone") and not asks(chat.text, "name")
    await chat("06 12345678")
    assert asks(chat.text, "voicemail_ok")
    await chat("/affirm")
    assert asks(chat.text, "call_time")
    await chat('/inform{"call_time":"morning"}')
    assert asks(chat.text, "summary") and "Ochtend" in chat.text and "+31612345678" in chat.text
    assert "Jouw rol" not in chat.text
    await chat("/affirm")
    assert asks(chat.text, "consent") and "regio" not in chat.text  # no region was asked
    await chat("/affirm")
    reference = CODE.search(chat.text).group(0)
    assert "belt een bemiddelaar je terug" in chat.text or "je hoeft niets opnieuw te doen" in chat.text
    _, record = stored(backend, reference)
    assert (record["kind"], record["name"], record["voicemail_ok"], record["call_time"]) == (
        "callback", None, "yes", "morning")


async def test_callback_without_number_is_not_possible(chat):
    await chat("/request_callback")
    await chat("/skip")
    assert "hebben we je nummer nodig" in chat.text and asks(chat.text, "phone")


async def test_the_call_back_is_the_short_way_from_the_start_of_the_intake(chat):
    await chat("/start_registration")
    await chat(chat.payload("Bel me liever terug"))
    assert "3 korte vragen" in chat.text and asks(chat.text, "phone")
    await chat("06 12345678")
    assert asks(chat.text, "voicemail_ok")
    await chat("/affirm")
    await chat('/inform{"call_time":"any"}')
    assert asks(chat.text, "summary") and "Jouw rol" not in chat.text


async def test_referral_path(chat, backend):
    await chat("/register_for_client")
    # The client's consent comes first.
    assert "Weet je cliënt van deze aanmelding" in chat.text and "Bij welke organisatie" not in chat.text
    await chat("/dont_know")
    assert "alleen aanmelden als die persoon het goed vindt" in chat.text
    await chat("/affirm")
    assert "Bij welke organisatie werk je?" in chat.text
    await chat("Slachtofferhulp Utrecht")
    await chat("Kim de Vries")
    assert "Op welk nummer ben je bereikbaar?" in chat.text
    await chat("/skip")
    await chat("kim@example.org")
    # The client's role, with buttons, before what happened.
    assert "Wie is je cliënt in wat er gebeurde?" in chat.text
    assert [b["title"] for b in chat.buttons][:4] == [
        "Het overkwam mijn cliënt", "Mijn cliënt heeft het (mogelijk) veroorzaakt",
        "Iemand dicht bij mijn cliënt is betrokken", "Mijn cliënt zag of hoorde het"]
    await chat(chat.payload("Mijn cliënt heeft het (mogelijk) veroorzaakt"))
    assert "Om wat voor gebeurtenis gaat het bij je cliënt?" in chat.text
    await chat("/skip")
    assert "in de regio van je cliënt" in chat.text
    await chat('/inform{"region":"zeeland"}')
    assert asks(chat.text, "summary") and "Slachtofferhulp Utrecht" in chat.text
    assert "- Rol van je cliënt: Mijn cliënt heeft het (mogelijk) veroorzaakt" in chat.text
    assert "- Regio van je cliënt: Zeeland" in chat.text and "- Regio:" not in chat.text
    assert "E-mail is OK" not in chat.text
    await chat("/affirm")
    await chat("/affirm")
    _, record = stored(backend, CODE.search(chat.text).group(0))
    assert (record["role"], record["on_behalf"], record["client_consent"]) == ("professional", True, True)
    assert record["client_role"] == "caused" and record["region"] == "zeeland"
    assert record["referrer_organisation"] == "Slachtofferhulp Utrecht" and record["event_kind"] == "unknown"


async def test_referral_in_english_asks_the_clients_role_and_region(chat):
    await chat('/greet{"language":"en"}')
    await chat("/register_for_client")
    assert "6 or 7 short questions about you and your client" in chat.text
    await chat("/affirm")
    await chat("Victim Support")
    await chat("Kim")
    await chat("06 12345678")
    assert "Who is your client in what happened?" in chat.text
    assert "It happened to my client" in [b["title"] for b in chat.buttons]
    await chat("she saw it happen")  # typed: the client was a witness
    assert "What kind of event is it about for your client?" in chat.text
    await chat("/skip")
    assert "your client's region" in chat.text
    await chat("she lives in Zwolle")
    assert "- Your client's role: My client saw or heard it" in chat.text
    assert "- Your client's region: Overijssel" in chat.text


async def test_an_answer_about_the_client_does_not_start_the_referral_again(chat):
    """"Mijn cliënt ..." reads like "register a client" to NLU; inside the referral it is an answer."""
    await chat("/register_for_client")
    await chat("ja, mijn cliënt vindt het goed dat ik haar aanmeld")
    assert "Bij welke organisatie werk je?" in chat.text and "Fijn dat je iemand aanmeldt" not in chat.text


async def test_a_referral_without_the_clients_consent_yet_ends_kindly(chat):
    await chat("/register_for_client")
    await chat(chat.payload("Nee, nog niet"))
    assert "Vraag het eerst aan je cliënt" in chat.text and "030 234 00 45" in chat.text
    assert "Weet je cliënt" not in chat.text and "Bij welke organisatie" not in chat.text
    slots = await chat.slots()
    assert slots["client_consent"] is None and slots["requested_slot"] is None
    await chat("/greet")  # the form is over: the next message is not an answer
    assert "chatbot van Perspectief Herstelbemiddeling" in chat.text


@pytest.mark.parametrize("words", ["stop", "laat maar", "hou op"])
async def test_stop_mid_form_wipes_everything(chat, words):
    await chat("/start_registration")
    await chat('/inform{"role":"caused"}')
    await chat('/inform{"event_kind":"violence"}')
    assert (await chat.slots())["role"] == "caused"
    await chat(words)
    assert "gewist en niet verstuurd" in chat.text
    assert [b["payload"] for b in chat.buttons] == ["/restart"]
    slots = await chat.slots()
    assert slots["role"] is None and slots["event_kind"] is None and slots["requested_slot"] is None
    # The form is really over: the next message is not taken as an answer.
    await chat("/greet")
    assert "chatbot van Perspectief Herstelbemiddeling" in chat.text


async def test_not_wanting_this_any_more_mid_form_may_be_despair_so_it_is_asked_about_first(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"caused"}')
    await chat("ik wil dit niet meer")
    if "gewist en niet verstuurd" not in chat.text:  # asked: the numbers are on the line, "Nee" then stops
        assert "113" in chat.text and [b["title"] for b in chat.buttons] == ["Ja", "Nee"]
        await chat("Nee")
    assert "gewist en niet verstuurd" in chat.text
    assert (await chat.slots())["role"] is None


async def test_restart_starts_fresh(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"witness"}')
    await chat("opnieuw beginnen")
    assert "We beginnen opnieuw" in chat.text
    assert (await chat.slots())["role"] is None
    await chat("/start_registration")
    assert asks(chat.text, "role")


async def test_crisis_pauses_the_form_and_resume_picks_it_up(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"affected"}')
    assert asks(chat.text, "event_kind")
    await chat('/crisis{"crisis_type":"suicide"}')
    assert "113" in chat.text
    assert "/resume_form" in [b["payload"] for b in chat.buttons]
    assert (await chat.slots())["role"] == "affected"
    await chat("/resume_form")
    assert asks(chat.text, "event_kind")
    await chat('/inform{"event_kind":"violence"}')
    assert asks(chat.text, "description")


async def test_faq_inside_the_form_is_answered_and_the_form_goes_on(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"affected"}')
    await chat("wat kost het?")
    assert "niets" in chat.text.lower() or "gratis" in chat.text.lower()
    assert asks(chat.text, "event_kind")


async def test_bot_challenge_inside_the_form(chat):
    await chat("/start_registration")
    await chat("/bot_challenge")
    assert "chatbot" in chat.text and asks(chat.text, "role")
