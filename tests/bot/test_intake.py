"""Whole intake conversations against the trained model and the real action server."""
from __future__ import annotations

import pytest

from tests.bot.helpers import Chat, answer_until_summary, asks, outbox, stored
from tests.intake_script import BUTTONS, CODE, QUESTION

pytestmark = pytest.mark.session_loop


async def test_welcome_is_short_and_offers_five_ways(chat):
    await chat("/greet")
    assert "chatbot van Perspectief Herstelbemiddeling" in chat.text
    assert "60 minuten na je laatste bericht" in chat.text and "Alleen als je je aanmeldt" in chat.text
    assert [b["payload"] for b in chat.buttons] == ["/explain_service", "/explore", "/start_registration",
                                                  "/request_callback", "/ask_human"]
    assert len(chat.replies) <= 3




async def test_full_intake_by_buttons_is_handed_off_and_wiped(chat, backend):
    await chat("/start_registration")
    assert "8 of 9 korte vragen" in chat.text and "Bijna alles mag je overslaan" in chat.text
    assert asks(chat.text, "role") and chat.payload("Bel me liever terug") == "/request_callback"
    assert {"Sla over", "Weet ik niet"} <= {b["title"] for b in chat.buttons}
    summary = await answer_until_summary(chat, BUTTONS)
    for words in ("Het overkwam mij", "Seksueel grensoverschrijdend gedrag", "Bij een sportclub of vereniging",
                  "Noor", "+31612345678", "Middag", "Utrecht"):
        assert words in summary
    assert "sport_club" not in summary and "E-mail" not in summary  # a number was given: no address asked
    await chat(chat.payload("Klopt"))
    # Who reads it, how long it is kept, how to have it erased, and what "Nee" does.
    assert asks(chat.text, "consent") and "één bemiddelaar" in chat.text
    assert "5 jaar" in chat.text and "AVG" in chat.text and "laten wissen" in chat.text
    assert "Kies je Nee? Dan sturen we niets" in chat.text
    await chat(chat.payload("Ja, ik geef toestemming"))
    reference = CODE.search(chat.text).group(0)
    if backend.up:
        assert "Je aanmelding is binnen" in chat.text
        # What happens next, as the done page and the mail say it; no promised number of days.
        assert "eerste gesprek te plannen" in chat.text and "alleen als jij dat wilt" in chat.text
        assert "werkdagen 030 234 00 45" in chat.text and "10 werkdagen" not in chat.text
    else:
        assert "je hoeft niets opnieuw te doen" in chat.text
    state, record = stored(backend, reference)
    assert state == ("delivered" if backend.up else "pending")
    assert (record["role"], record["setting"], record["phone"], record["email"], record["voicemail_ok"]) == (
        "affected", "sport_club", "+31612345678", None, "no")
    # Left to the mediator's intake talk.
    assert [record[f] for f in ("when_happened", "other_party_known", "procedures", "contact_form")] == ["unknown"] * 4
    assert record["consent"] is True and record["consent_version"] == "2026-11-v1" and record["kind"] == "registration"
    slots = await chat.slots()
    for slot in ("phone", "email", "name", "description", "role", "consent", "summary_ok"):
        assert slots[slot] is None


async def test_intake_by_free_text(chat):
    await chat("ik wil me aanmelden")
    assert asks(chat.text, "role")
    await chat("ik ben degene die het overkwam")
    assert asks(chat.text, "event_kind")
    await chat("een verkeersongeluk")
    assert asks(chat.text, "description")  # where it happened is asked only for sexual boundary-crossing
    slots = await chat.slots()
    assert (slots["role"], slots["event_kind"], slots["setting"]) == ("affected", "traffic", None)

    other = Chat(chat.agent)
    await other("ik wil me aanmelden")
    await other("ik heb het gezien")
    await other('/inform{"event_kind":"sexual_boundary"}')
    assert asks(other.text, "setting")
    await other("mijn baas")
    assert asks(other.text, "description")
    slots = await other.slots()
    assert (slots["role"], slots["event_kind"], slots["setting"]) == ("witness", "sexual_boundary", "work")


async def test_skip_everything_skippable(chat, backend):
    await chat("/start_registration")
    skips = {q: "/skip" for q in QUESTION} | {"phone": "0301234567", "voicemail_ok": "/dont_know"}
    summary = await answer_until_summary(chat, skips)
    assert summary.count("niet ingevuld") == 7  # every question asked but the phone number
    assert "+31301234567" in summary
    await chat("/affirm")
    await chat("/affirm")
    state, record = stored(backend, CODE.search(chat.text).group(0))
    assert record["role"] == "unknown" and record["name"] is None and record["description"] is None
    assert record["email"] is None and record["call_time"] == "unknown"


async def test_invalid_phone_is_asked_again_then_skip_is_offered(chat):
    await chat("/start_registration")
    await answer_until_summary_or(chat, {q: "/skip" for q in QUESTION}, stop_at="phone")
    await chat("12345")
    assert "Dat nummer herken ik niet" in chat.text and asks(chat.text, "phone")
    assert "Sla over" not in [b["title"] for b in chat.buttons]
    await chat("06 123")
    assert "Dat nummer herken ik niet" in chat.text and "030 234 00 45" in chat.text
    assert "/skip" in [b["payload"] for b in chat.buttons] and asks(chat.text, "phone")
    await chat("/skip")
    assert asks(chat.text, "email")
    # Skipping the address too is not possible: one way to reach you is needed.
    await chat("/skip")
    assert "telefoonnummer of e-mailadres nodig" in chat.text and asks(chat.text, "phone")


async def test_a_worry_about_the_number_at_the_phone_question_gets_the_answer_about_contact_details(chat):
    await chat("/start_registration")
    await answer_until_summary_or(chat, {q: "/skip" for q in QUESTION}, stop_at="phone")
    await chat("blijft mijn nummer wel geheim?")  # not a number, and not about what the mediation keeps secret
    assert "Ons aanmeldpunt en je bemiddelaar zien het" in chat.text and asks(chat.text, "phone")
    assert "Dat nummer herken ik niet" not in chat.text and "blijft tussen jou, de ander" not in chat.text
    assert (await chat.slots())["phone"] is None
    await chat("06 12345678")
    assert asks(chat.text, "voicemail_ok") and (await chat.slots())["phone"] == "+31612345678"


async def answer_until_summary_or(chat, answers, stop_at):
    for _ in range(20):
        if asks(chat.text, stop_at):
            return
        question = next(q for q in QUESTION if asks(chat.text, q))
        await chat(answers[question])
    raise AssertionError(f"never asked {stop_at}")


async def test_change_one_answer_from_the_summary(chat):
    await chat("/start_registration")
    await answer_until_summary(chat, BUTTONS)
    await chat(chat.payload("Iets aanpassen"))
    assert "Wat wil je aanpassen?" in chat.text
    assert "Regio" in [b["title"] for b in chat.buttons]
    await chat(chat.payload("Regio"))
    assert asks(chat.text, "region") and not asks(chat.text, "summary")
    await chat('/inform{"region":"limburg"}')
    assert asks(chat.text, "summary") and "Limburg" in chat.text and "Utrecht" not in chat.text
    assert "Noor" in chat.text  # the other answers are kept


async def test_declining_consent_keeps_nothing(chat, backend):
    await chat("/start_registration")
    await answer_until_summary(chat, BUTTONS | {"name": "Uniek-Weigeraar"})
    await chat("/affirm")
    before = outbox(backend).due(now=float("inf"))
    await chat(chat.payload("Nee"))
    assert "niets verstuurd" in chat.text and "gewist" in chat.text and "terugkomen" in chat.text
    assert not CODE.search(chat.text)
    assert outbox(backend).due(now=float("inf")) == before
    assert (await chat.slots())["name"] is None


async def test_free_text_answers_are_kept_and_a_question_there_is_answered(chat):
    await chat("/start_registration")
    await answer_until_summary_or(chat, BUTTONS, stop_at="description")
    story = "Mijn trainer ging over mijn grens en ik wil dat hij weet wat dat met mij deed."
    await chat(story)
    assert asks(chat.text, "name")
    await chat("blijft mijn naam geheim?")  # a question, not a name: answered, then the same question again
    assert len(chat.replies) >= 2 and asks(chat.text, "name")
    assert (await chat.slots())["name"] is None
    await chat("Noor")
    assert asks(chat.text, "phone")
    await chat("06 12345678")
    assert asks(chat.text, "voicemail_ok")
    slots = await chat.slots()
    assert (slots["description"], slots["name"], slots["phone"], slots["email"]) == (
        story, "Noor", "+31612345678", None)


async def test_e_mail_instead_of_a_phone_number(chat):
    await chat("/start_registration")
    await answer_until_summary_or(chat, BUTTONS, stop_at="phone")
    await chat(chat.payload("Liever via e-mail"))
    assert asks(chat.text, "email")
    await chat("noor@example.org")
    assert asks(chat.text, "email_ok")
    summary = await answer_until_summary(chat, BUTTONS)
    assert "noor@example.org" in summary and "Mail sturen mag: Ja" in summary
    assert "Bericht inspreken" not in summary and "Bellen het liefst" not in summary


async def test_keyboard_mash_is_not_consent(chat):
    # The model calls "kjhkjh" affirm (0.63): a classifier always picks something. Consent must be meant.
    await chat("/start_registration")
    await answer_until_summary(chat, BUTTONS)
    await chat("/affirm")
    assert asks(chat.text, "consent")
    await chat("kjhkjh")
    assert not CODE.search(chat.text) and asks(chat.text, "consent")
    assert (await chat.slots())["consent"] is None
    await chat("/affirm")
    assert CODE.search(chat.text)
