"""The questions people go on to ask and the answers fixed for truth, on the
trained model. Every question here is worded differently from the training examples in data/nlu/faq.yml."""
from __future__ import annotations

import pytest
import yaml

from tests import stack
from tests.bot.helpers import Chat

FAQ = yaml.safe_load((stack.ROOT / "bot" / "domain" / "faq.yml").read_text(encoding="utf-8"))["responses"]
EN = [{"type": "slot", "name": "language", "value": "en"}]
SWITCH_TO_ENGLISH = '/greet{"language":"en"}'  # what the widget on the English page sends first


def answer(topic: str, language: str) -> str:
    """The text of faq/<topic> in one language, as the domain has it."""
    variants = FAQ[f"utter_faq/{topic}"]
    return next(v["text"] for v in variants if (v.get("condition") == EN) == (language == "en"))


async def selected(chat) -> str:
    """The FAQ topic the response selector chose for the latest message."""
    tracker = await chat.agent.processor.get_tracker(chat.sender)
    parse = tracker.latest_message.parse_data
    return parse["response_selector"]["faq"]["response"]["intent_response_key"]


# (topic, Dutch question, English question): typed as visitors type them, never in the training data.
QUESTIONS = [
    ("other_is_family", "het gaat om iemand uit mijn gezin, mijn stiefbroer",
     "the person who did this is my own uncle"),
    ("minor", "ik ben pas 13, mag ik dit al doen?", "I am 16 years old, am I allowed to sign up?"),
    ("used_against_me", "als ik eerlijk vertel wat ik gedaan heb, kan dat dan als bewijs tegen mij dienen?",
     "if I confess to the mediator, can that be used as proof against me?"),
    ("report_after", "is naar de politie stappen later nog mogelijk als ik nu voor bemiddeling kies",
     "if I choose mediation now, am I still allowed to file a police report next year?"),
    ("affects_sentence", "zorgt meedoen ervoor dat hij een lagere straf krijgt",
     "would joining this make the judge go easier on me?"),
    ("mediator_training", "wat hebben die bemiddelaars voor scholing gehad", "what kind of education do the "
                                                                             "mediators have?"),
    ("travel_costs", "wordt mijn buskaartje naar de afspraak betaald", "is the bus fare to the meeting paid back?"),
    ("video_call", "kunnen we het gesprek via de webcam doen", "could we talk through a video link instead of in "
                                                               "person?"),
    ("meeting_place", "in welk gebouw is zo'n ontmoeting", "at what location would we meet?"),
    ("withdraw", "hoe kan ik mijn aanmelding van vorige week terugnemen", "how can I take back my sign-up?"),
    ("got_letter", "er zat een envelop van jullie in de bus over contact",
     "you sent me a letter about someone wanting to talk to me"),
    ("other_died", "degene die het deed is een paar jaar geleden gestorven", "the man who did it is no longer alive"),
    ("other_abroad", "hij is naar marokko verhuisd, kunnen jullie hem dan nog bereiken",
     "she lives in another country now, can this still work?"),
    ("fear_revenge", "straks zoekt hij wraak als hij hoort dat ik dit wil",
     "I worry he will retaliate once he hears from you"),
    ("other_unknown", "ik weet niet hoe ze heet, alleen dat ze in mijn klas zat", "I never learned his name"),
    ("compensation", "kan ik via jullie een vergoeding voor mijn kapotte fiets krijgen",
     "will you make him pay me back for what he broke?"),
    ("memory", "veel weet ik er niet meer van, is dat een probleem", "I have only fuzzy memories of that night"),
    ("other_denies", "ze blijft volhouden dat er niks gebeurd is", "he keeps saying it never happened"),
    ("several_people", "het waren vier mannen, kan het dan ook", "a group of boys did this"),
    ("waiting_time", "hoeveel weken zit er tussen aanmelden en het eerste telefoontje",
     "do people have to wait long before someone calls?"),
    ("who_attends", "wie is er allemaal in de kamer tijdens zo'n gesprek", "who will be there when we talk?"),
    ("records", "leggen jullie een map over mij aan", "do you write down everything in a case file?"),
]


# How many of the 44 questions below must get their own answer. A floor against regressions, at what the model
# reached when it was last raised; how well the bot answers questions it never saw is make eval's (blind sets).
MIN_OWN_ANSWERS = 30


def test_every_new_topic_has_a_question_in_each_language():
    assert {t for t, _, _ in QUESTIONS} == {
        "other_is_family", "minor", "used_against_me", "report_after", "affects_sentence", "mediator_training",
        "travel_costs", "video_call", "meeting_place", "withdraw", "got_letter", "other_died", "other_abroad",
        "fear_revenge", "other_unknown", "compensation", "memory", "other_denies", "several_people",
        "waiting_time", "who_attends", "records"}


@pytest.mark.session_loop
async def test_most_new_topics_get_their_own_answer_in_the_visitors_language(agent):
    missed = []
    for topic, dutch, english in QUESTIONS:
        for language, question in (("nl", dutch), ("en", english)):
            chat = Chat(agent)
            if language == "en":
                await chat(SWITCH_TO_ENGLISH)  # as on the English page; recognising English alone is bot/nlu's part
            await chat(question)
            if answer(topic, language) not in chat.text:
                missed.append((language, topic, chat.text[:60]))
    assert 2 * len(QUESTIONS) - len(missed) >= MIN_OWN_ANSWERS, missed


@pytest.mark.session_loop
async def test_someone_who_got_a_letter_is_greeted_and_may_say_no(chat):
    await chat("ik heb post van jullie gehad, iemand wil met mij praten")
    assert "Nee zeggen mag" in chat.text and "niets te beslissen" in chat.text
    await chat(chat.payload("Moet ik de ander zien?"))
    assert "Een ontmoeting is maar één van de opties" in chat.text


@pytest.mark.session_loop
async def test_withdrawing_is_not_the_answer_about_registering(chat):
    # A wish to withdraw is its own intent (tests/bot/test_withdraw.py); without a registration in this
    # conversation it gets this answer too.
    await chat("ik wil mijn aanmelding toch intrekken")
    assert "030 234 00 45" in chat.text and "code" in chat.text and "Dat kan altijd" in chat.text
    await chat("kan ik mijn aanmelding later nog intrekken?")
    assert await selected(chat) == "faq/withdraw"
    assert "030 234 00 45" in chat.text and "code" in chat.text


@pytest.mark.session_loop
async def test_several_people_is_not_the_answer_about_what_is_punishable(chat):
    await chat("ze waren met z'n drieën, kan bemiddeling dan ook")
    assert await selected(chat) != "faq/not_punishable"  # whether it is several_people: the test above


@pytest.mark.session_loop
@pytest.mark.parametrize("question", ["ik ben rechercheur, hoe kan ik iemand bij jullie aanmelden",
                                      "I work as a lawyer, how do I refer someone to you?"])
async def test_a_professional_asking_how_to_refer_hears_about_consent(chat, question):
    await chat(question)
    assert "toestemming" in chat.text or "consent" in chat.text or "cliënt ermee instemt" in chat.text \
        or "your client agrees" in chat.text


@pytest.mark.session_loop
@pytest.mark.parametrize("question", ["wij zijn een basisschool en willen zelf hulp na een voorval",
                                      "our company would like to ask you for mediation ourselves"])
async def test_a_school_or_employer_asking_for_itself(chat, question):
    await chat(question)
    assert await selected(chat) == "faq/for_organisations"


# --- the answers fixed for truth, in both languages ---------------------------------------------------
FIXED = [
    ("confidential", "vertellen jullie dit aan iemand door zonder mij te vragen", "is what I say passed on to anyone?",
     "Zonder jouw toestemming", "without your consent"),
    ("police_report", "moet ik per se naar de politie zijn geweest", "is a report to the police required?",
     "ook niet als het lang geleden is", "also when it was long ago"),
    ("during_procedure", "er loopt een tuchtprocedure tegen de arts, kan het toch",
     "there is a disciplinary case against him, can we still do this?", "onder voorwaarden", "under conditions"),
    ("foundation", "wie financiert jullie eigenlijk", "who funds your organisation?",
     "ministerie van Justitie en Veiligheid", "Ministry of Justice and Security"),
    ("mediator", "wie is die persoon die ons gaat begeleiden", "who will the mediator be?",
     "zo veel mogelijk in hun eigen regio", "in their own region where possible"),
    ("privacy", "slaan jullie op wat ik hier in de chat typ", "is this chat stored somewhere?",
     "60 minuten na je laatste bericht", "60 minutes after your last message"),
]


# Of the 12 questions above, how many must reach their fixed answer (a floor against regressions, as above).
MIN_FIXED_ANSWERS = 10


@pytest.mark.parametrize("topic, nl, en, nl_fragment, en_fragment", FIXED, ids=[f[0] for f in FIXED])
def test_fixed_answers_say_it(topic, nl, en, nl_fragment, en_fragment):
    assert nl_fragment in answer(topic, "nl") and en_fragment in answer(topic, "en")


@pytest.mark.session_loop
async def test_fixed_answers_are_given_in_both_languages(agent):
    missed = []
    for topic, dutch, english, nl_fragment, en_fragment in FIXED:
        for language, question, fragment in (("nl", dutch, nl_fragment), ("en", english, en_fragment)):
            chat = Chat(agent)
            if language == "en":
                await chat(SWITCH_TO_ENGLISH)
            await chat(question)
            if fragment not in chat.text:
                missed.append((language, topic, chat.text[:60]))
    assert 2 * len(FIXED) - len(missed) >= MIN_FIXED_ANSWERS, missed


@pytest.mark.session_loop
async def test_welcome_says_what_the_chat_keeps(chat):
    await chat("/greet")
    assert "60 minuten na je laatste bericht" in chat.text and "bewaar niets" not in chat.text
