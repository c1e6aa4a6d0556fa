"""The safety net: every held-out crisis is caught (or asked about), ordinary messages almost never alarm, numbers
come first; an unsure message is asked about, and the answer decides."""
from __future__ import annotations

import pytest

from bot.evaluate import MAX_FALSE_ALARM, holdout

pytestmark = pytest.mark.session_loop


async def intent_of(agent, text: str) -> dict:
    return (await agent.parse_message(text))


async def test_every_held_out_crisis_is_recognised_or_asked_about(agent):
    crises = holdout()["crisis"]
    assert len(crises) >= 40
    missed = [e.text for e in crises
              if (await intent_of(agent, e.text))["intent"]["name"] not in ("crisis", "crisis_check")]
    assert missed == []


async def test_ordinary_messages_rarely_raise_a_crisis_alarm(agent):
    ordinary = holdout()["ordinary"]
    assert len(ordinary) >= 100
    alarms = [e.text for e in ordinary if (await intent_of(agent, e.text))["intent"]["name"] == "crisis"]
    assert len(alarms) / len(ordinary) <= MAX_FALSE_ALARM, alarms


@pytest.mark.parametrize("text, crisis_type", [
    ("ik zie het niet meer zitten", "suicide"),
    ("hij staat voor de deur", "danger"),
    ("gisteren verkracht", "sexual_violence"),
    ("mijn man slaat me", "domestic_violence"),
])
async def test_the_crisis_type_is_named(agent, text, crisis_type):
    parsed = await intent_of(agent, text)
    assert parsed["intent"] == {"name": "crisis", "confidence": 1.0}
    assert crisis_type in [e["value"] for e in parsed["entities"] if e["entity"] == "crisis_type"]


@pytest.mark.parametrize("text", ["ik wil dood graag weten hoe het werkt", "het ongeluk was vijf jaar geleden",
                                  "de mishandeling is al lang voorbij", "hij sloeg me toen"])
async def test_hard_negatives_are_no_crisis(agent, text):
    assert (await intent_of(agent, text))["intent"]["name"] != "crisis"


@pytest.mark.parametrize("text, first_number, also", [
    ("eerlijk gezegd zie ik het allemaal niet meer zitten", "113", ["0800-0113"]),
    ("hij staat nu voor mijn deur", "112", []),
    ("ik ben vannacht verkracht", "0800-0188", []),
    ("mijn vriend slaat me", "0800-2000", []),
    ("ik heb net alle pillen genomen", "113", ["Is het nu acuut? Bel 112."]),
    ('/crisis{"crisis_type":"general"}', "112", ["113"]),
])
async def test_the_right_numbers_come_first(chat, text, first_number, also):
    await chat(text)
    first = chat.replies[0]["text"]
    assert first_number in first
    for number in also:
        assert number in chat.text
    assert "Wij doen geen crisishulp" in chat.text and "verder met je vraag" in chat.text
    assert "/resume_form" not in [b["payload"] for b in chat.buttons]


async def test_a_child_in_danger_tonight_gets_veilig_thuis_and_112(chat):
    await chat("mijn stiefvader komt vannacht weer naar mijn kamer en ik durf niet te slapen")
    assert "0800-2000" in chat.replies[0]["text"]
    assert "Bel 112" in chat.text


@pytest.mark.parametrize("answer, expected", [
    ("nee", "Dat is goed. Zorg goed voor jezelf."),
    ("nee hoor", "Dat is goed. Zorg goed voor jezelf."),
    ("ja", "Goed. Het nummer hierboven is er voor je, en 112 bij direct gevaar. Wat wil je weten?"),
])
async def test_the_answer_to_going_on_after_the_numbers_is_understood(chat, answer, expected):
    await chat('/crisis{"crisis_type":"suicide"}')  # the dialogue after the numbers, apart from detection
    assert "verder met je vraag" in chat.text
    await chat(answer)
    assert chat.text.startswith(expected)
    assert "begreep ik niet" not in chat.text


async def test_crisis_in_english(chat):
    await chat("in English please")
    await chat("I don't want to live anymore")
    assert "113" in chat.replies[0]["text"] and "suicide" in chat.replies[0]["text"]
    assert "We do not offer crisis help" in chat.text


async def test_crisis_mid_form_gets_the_number_first_and_the_form_waits(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"affected"}')
    assert "Wat is er gebeurd?" in chat.text
    await chat("ik wil er eigenlijk niet meer zijn")
    assert "113" in chat.replies[0]["text"]
    assert [b["payload"] for b in chat.buttons] == ["/resume_form", "/stop"]
    slots = await chat.slots()
    assert slots["paused_form"] == "intake_form" and slots["role"] == "affected"
    tracker = await chat.agent.processor.get_tracker(chat.sender)
    assert tracker.active_loop_name is None
    await chat("/resume_form")
    assert "Wat is er gebeurd?" in chat.text


async def test_ask_human_answers_the_request_first(chat):
    await chat("ik wil liever met een echt mens praten")
    assert chat.text.startswith("Je kunt met ons praten. Bel op werkdagen 030 234 00 45")
    assert "info@perspectiefherstelbemiddeling.nl" in chat.text
    assert [b["payload"] for b in chat.buttons] == ["/request_callback", "/ask_question_box"]
    # The helplines only as one conditional line, at the end.
    assert "113" not in chat.text and chat.text.endswith("Is het dringend en ben je in gevaar? Bel 112.")


async def test_bot_challenge_is_answered_honestly(chat):
    await chat("ben jij een robot?")
    assert "chatbot" in chat.text and "Niemand leest mee" in chat.text
    assert "60 minuten na je laatste bericht is het weg" in chat.text and "bewaar niets" not in chat.text


@pytest.mark.parametrize("text", ["dankje", "oke dankje", "bedankt", "dank je wel!", "thanks"])
async def test_a_thank_you_is_thanked_not_alarmed(chat, text):
    await chat(text)
    assert "112" not in chat.text and "113" not in chat.text
    assert "Graag gedaan" in chat.text or "welcome" in chat.text


@pytest.mark.parametrize("text", ["ik voel me zo slecht", "het wordt me allemaal te veel", "ik ben zo moe van alles"])
async def test_distress_is_acknowledged_first_with_one_safety_line(chat, text):
    await chat(text)
    assert chat.text.startswith("Wat zwaar voor je.")
    assert "113" in chat.text and "dat mag er zijn" not in chat.text.lower()
    assert "/ask_human" in [b["payload"] for b in chat.buttons]


async def test_an_unknown_button_payload_is_not_understood(chat):
    await chat("/no_such_intent")
    assert "begreep ik niet" in chat.text


async def test_the_anonymous_question_box_is_offered_with_a_link_by_name(chat):
    await chat("/ask_question_box")
    assert "anoniem een vraag stellen" in chat.text and "code" in chat.text
    assert {"link": "question_box"} in [r.get("custom") for r in chat.replies]


async def test_the_question_box_in_english(chat):
    await chat("in English please")
    await chat("/ask_question_box")
    assert "anonymously" in chat.text and {"link": "question_box"} in [r.get("custom") for r in chat.replies]


async def test_asked_about_anonymity_the_question_box_is_offered_and_the_code_explained(chat):
    await chat("kan ik anoniem blijven?")
    assert "naam niet te geven" in chat.text and "/ask_question_box" in [b["payload"] for b in chat.buttons]
    await chat("/ask_question_box")
    assert "zonder code kun je het antwoord niet meer lezen" in chat.text
    assert {"link": "question_box"} in [r.get("custom") for r in chat.replies]
