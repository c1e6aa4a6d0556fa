"""Answers typed in the visitor's own words instead of pressing a button: the validators map them to the record's
values (actions/choices.py), take the number, address or name out of a sentence, and accept a plainly typed yes or
no at the summary and the consent. Each found when a browser test typed every answer (tests/e2e/test_typed_intake.py).
"""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import ValidateCallbackForm
from actions.choices import match_choice, plain_yes_no
from actions.intake import ValidateIntakeForm
from actions.referral import ValidateReferralForm
from actions.summary import ActionAskChangeField, summary_text
from tests.actions.helpers import ANSWERED, make_tracker, responses

pytestmark = pytest.mark.asyncio


async def run(form, domain, slots, requested, value, text, intent=("inform", 0.5)):
    """validate_<form> with `value` as the candidate (what a slot mapping found) and `text` as the message."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots, form=form.form_name(), requested=requested, candidates={requested: value},
                           text=text, intent=intent)
    events = await form.run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, responses(dispatcher)


@pytest.mark.parametrize("field, typed, expected", [
    ("role", "het is bij mij gebeurd", "affected"),
    ("role", "ik ben het zelf die het heeft meegemaakt, het overkwam mij", "affected"),
    ("role", "it happened to me, years ago", "affected"),
    ("role", "ik word ervan beschuldigd", "caused"),
    ("role", "het overkwam mijn zoon", "close_one"),
    ("role", "it happened to my sister", "close_one"),
    ("role", "ik was getuige op het feest", "witness"),
    ("event_kind", "hij raakte me steeds aan", "sexual_boundary"),
    ("event_kind", "ik ben mishandeld door een onbekende", "violence"),
    ("event_kind", "we were robbed on holiday", "theft_burglary"),
    ("setting", "bij ons op kantoor", "work"),
    ("setting", "tijdens de training bij de voetbalvereniging", "sport_club"),
    ("setting", "in the office", "work"),
    ("call_time", "'s ochtends graag", "morning"),
    ("call_time", "liefst voor de middag", "morning"),
    ("call_time", "na de lunch is fijn", "afternoon"),
    ("call_time", "bel maar 's middags", "afternoon"),
    ("call_time", "afternoons please", "afternoon"),
    ("call_time", "het maakt me niet uit", "any"),
    ("region", "ik woon vlak bij Utrecht", "utrecht"),
    ("region", "in de buurt van Nijmegen", "gelderland"),
    ("region", "we live in Groningen", "groningen"),
    ("region", "near The Hague", "zuid-holland"),
    ("voicemail_ok", "ja hoor, spreek maar in", "yes"),
    ("voicemail_ok", "nee, liever geen bericht", "no"),
    ("voicemail_ok", "please don't, someone else listens to it", "no"),
    ("voicemail_ok", "I don't know", "unknown"),
    ("client_role", "zij is het slachtoffer", "affected"),
    ("client_role", "hij wordt verdacht van de mishandeling", "caused"),
    ("client_role", "de moeder van het meisje", "close_one"),
    ("client_role", "he saw it happen", "witness"),
])
def test_typed_words_map_to_record_values(field, typed, expected):
    assert match_choice(field, typed) == expected


@pytest.mark.parametrize("field, typed", [
    ("call_time", "'s avonds na het eten"),      # not offered: nobody calls in the evening
    ("region", "amsterdam of rotterdam"),         # two answers as long as each other: neither
    ("region", "blauw"),
])
def test_what_fits_no_answer_is_no_answer(field, typed):
    assert match_choice(field, typed) is None


async def test_a_part_of_the_message_nlu_took_is_read_with_the_whole_message(domain):
    """NLU took "degene" as the role; the words list does not know it, the whole sentence says who."""
    slots, said = await run(ValidateIntakeForm(), domain, {}, "role", "degene",
                            "ik ben degene bij wie het is gebeurd")
    assert slots["role"] == "affected" and said == []


async def test_a_button_is_never_read_as_words(domain):
    slots, said = await run(ValidateIntakeForm(), domain, {}, "role", "paars", '/inform{"role":"paars"}')
    assert slots["role"] is None and said == ["utter_invalid_choice"]


@pytest.mark.parametrize("typed, expected", [
    ("ja dat klopt helemaal", "yes"), ("jazeker, stuur maar door", "yes"), ("yes, that's all correct", "yes"),
    ("that looks fine", "yes"), ("nee, dat klopt niet", "no"), ("no thanks", "no"), ("liever niet", "no"),
    ("ja maar mijn nummer is anders", None), ("kjhkjh", None), ("ik weet het niet", None),
])
def test_a_plainly_typed_yes_or_no(typed, expected):
    assert plain_yes_no(typed) == expected


@pytest.mark.parametrize("slot, typed, expected", [
    ("summary_ok", "ja hoor, dat klopt allemaal", "yes"),
    ("summary_ok", "nee dat klopt niet helemaal", "change"),
    ("consent", "ja, dat is goed", "yes"),
    ("consent", "yes you may send it", "yes"),
    ("consent", "nee, liever niet", "no"),
])
async def test_summary_and_consent_take_a_plainly_typed_answer_however_the_model_scored_it(domain, slot, typed,
                                                                                          expected):
    known = {**ANSWERED, "summary_ok": "yes"} if slot == "consent" else ANSWERED
    # The text mapping gives the message itself; the model was unsure (0.4) or gave up (nlu_fallback).
    slots, said = await run(ValidateIntakeForm(), domain, known, slot, typed, typed, intent=("nlu_fallback", 0.4))
    assert slots[slot] == expected and said == []


@pytest.mark.parametrize("typed, number", [
    ("mijn nummer is 06 41 23 45 67", "+31641234567"),
    ("je kunt me bellen op 0641234567.", "+31641234567"),
    ("you can reach me on +31 6 4123 4567", "+31641234567"),
    ("06 41 23 45 67", "+31641234567"),
])
async def test_a_phone_number_in_a_sentence(domain, typed, number):
    slots, said = await run(ValidateCallbackForm(), domain, {}, "phone", typed, typed)
    assert slots["phone"] == number and said == []


async def test_an_address_in_a_sentence(domain):
    typed = "mail me maar op Kim.de.Vries@Voorbeeld.nl."
    slots, said = await run(ValidateIntakeForm(), domain, {"phone": "unknown"}, "email", typed, typed)
    assert slots["email"] == "Kim.de.Vries@voorbeeld.nl" and said == []


@pytest.mark.parametrize("form, slot, typed, kept", [
    (ValidateIntakeForm(), "name", "ik heet Noor", "Noor"),
    (ValidateIntakeForm(), "name", "Je mag me Bo noemen.", "Bo"),
    (ValidateIntakeForm(), "name", "my name is Robin", "Robin"),
    (ValidateIntakeForm(), "name", "Ilse van Dam", "Ilse van Dam"),
    (ValidateReferralForm(), "referrer_organisation", "ik werk bij Slachtofferhulp Nederland",
     "Slachtofferhulp Nederland"),
    (ValidateReferralForm(), "referrer_organisation", "I work for the probation service", "the probation service"),
])
async def test_a_name_or_organisation_without_the_words_around_it(domain, form, slot, typed, kept):
    slots, _ = await run(form, domain, {}, slot, typed, typed)
    assert slots[slot] == kept


# --- the referrer is asked the client's role ---------------------------------------------------------------

REFERRAL = {"client_consent": "yes", "referrer_organisation": "Slachtofferhulp", "name": "Kim",
            "phone": "+31612345678"}


async def test_the_referral_asks_the_clients_role_before_what_happened(domain):
    slots, _ = await run(ValidateReferralForm(), domain, REFERRAL, "phone", "06 12345678", "06 12345678")
    assert slots["requested_slot"] == "client_role"
    slots, said = await run(ValidateReferralForm(), domain, REFERRAL, "client_role", "caused",
                            '/inform{"client_role":"caused"}')
    assert slots["client_role"] == "caused" and slots["requested_slot"] == "event_kind" and said == []
    slots, said = await run(ValidateReferralForm(), domain, REFERRAL, "client_role", "unknown", "/skip")
    assert slots["client_role"] == "unknown" and slots["requested_slot"] == "event_kind"


async def test_the_intake_and_the_call_back_do_not_ask_a_clients_role():
    assert "client_role" not in ValidateIntakeForm().fields(make_tracker(ANSWERED))
    assert "client_role" not in ValidateCallbackForm().fields(make_tracker(ANSWERED))


@pytest.mark.parametrize("language, role_line, region_line", [
    ("nl", "- Rol van je cliënt: Mijn cliënt zag of hoorde het", "- Regio van je cliënt: Zeeland"),
    ("en", "- Your client's role: My client saw or heard it", "- Your client's region: Zeeland"),
])
async def test_the_referrals_summary_and_change_buttons_name_the_clients_role_and_region(language, role_line,
                                                                                        region_line):
    answers = {**REFERRAL, "client_role": "witness", "event_kind": "unknown", "region": "zeeland",
               "language": language}
    text = summary_text(ValidateReferralForm(), make_tracker(answers, form="referral_form"))
    assert role_line in text and region_line in text
    dispatcher = CollectingDispatcher()
    await ActionAskChangeField().run(dispatcher, make_tracker(answers, form="referral_form"), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert region_line[2:].split(":")[0] in titles
    # The intake's own summary still says "Regio".
    assert "- Regio: Utrecht" in summary_text(ValidateIntakeForm(), make_tracker(ANSWERED))


# --- an answer NLU read as a question ----------------------------------------------------------------------

def faq_tracker(slot: str, typed: str):
    """The tracker of a message NLU classified as the FAQ "cost" while `slot` was asked."""
    tracker = make_tracker({"phone": "+31612345678"}, requested=slot, candidates={slot: typed}, text=typed,
                           intent=("faq", 0.92))
    tracker.latest_message["response_selector"] = {"faq": {"response": {"intent_response_key": "faq/cost"}}}
    return tracker


@pytest.mark.parametrize("slot, typed, expected", [
    ("role", "ik ben degene bij wie het is gebeurd", "affected"),
    ("region", "ik woon vlak bij Amersfoort", "utrecht"),
    ("client_consent", "ja, mijn cliënt vindt het goed", "yes"),
])
async def test_an_answer_read_as_a_faq_is_still_the_answer(domain, slot, typed, expected):
    form = ValidateReferralForm() if slot == "client_consent" else ValidateIntakeForm()
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, faq_tracker(slot, typed), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots[slot] == expected and responses(dispatcher) == []


@pytest.mark.parametrize("typed", ["wat kost het als je 's middags belt",
                                   "kost het iets als jullie 's ochtends bellen?", "blabla"])
async def test_a_question_at_a_closed_question_gets_its_answer_and_the_question_again(domain, typed):
    dispatcher = CollectingDispatcher()
    events = await ValidateIntakeForm().run(dispatcher, faq_tracker("call_time", typed), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["call_time"] is None and slots["requested_slot"] == "role"
    assert responses(dispatcher) == ["utter_faq/cost"] and "invalid_answers" not in slots
