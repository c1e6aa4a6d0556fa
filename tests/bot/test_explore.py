"""'Is this something for me?': three questions, an answer for exactly that situation, nothing kept."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.session_loop
EXPLORE_SLOTS = ("explore_role", "explore_event", "explore_when")


async def walk(chat, role: str, event: str, when: str) -> None:
    await chat("ik weet niet of dit iets voor mij is")
    assert "Wie was jij in wat er gebeurde?" in chat.text
    await chat(chat.payload(role))
    assert "Wat voor gebeurtenis was het?" in chat.text
    await chat(chat.payload(event))
    assert "Hoe lang geleden" in chat.text
    await chat(chat.payload(when))


async def test_student_after_a_gala_years_ago(chat):
    await walk(chat, "Het overkwam mij", "Seksueel grensoverschrijdend gedrag", "Jaren geleden")
    assert "Jij bepaalt" in chat.text and "Een aangifte is niet nodig" in chat.text and "geen termijn" in chat.text
    assert [b["payload"] for b in chat.buttons] == ["/start_registration", "/request_callback", "/explore_decline"]
    slots = await chat.slots()
    assert all(slots[s] is None for s in EXPLORE_SLOTS)


async def test_teenager_unsure_whether_he_crossed_a_line(chat):
    await walk(chat, "Ik weet het niet goed", "Seksueel grensoverschrijdend gedrag", "Kort geleden")
    assert "zonder de ander" in chat.text and "kort na wat er gebeurde" in chat.text
    assert "Samen met de ander" not in chat.text  # no push towards the other person when unsure


async def test_someone_who_caused_a_traffic_accident(chat):
    await walk(chat, "Ik deed iets, of word beschuldigd", "Een verkeersongeluk", "Een paar maanden")
    assert "Die mag nee zeggen" in chat.text and "verkeersongeluk" in chat.text


async def test_nothing_now_is_fine(chat):
    await walk(chat, "Iemand die dicht bij me staat", "Geweld of een misdrijf", "Jaren geleden")
    await chat(chat.payload("Nu even niets"))
    assert "Dat is goed" in chat.text and "030 234 00 45" in chat.text


async def test_a_typed_story_skips_what_it_already_says(chat):
    await chat("mijn oud-trainer heeft me jaren geleden aangeraakt, ik weet niet of dit iets voor mij is")
    assert "Wie was jij in wat er gebeurde?" in chat.text
    await chat(chat.payload("Het overkwam mij"))
    assert "Na seksueel grensoverschrijdend gedrag" in chat.text and "geen termijn" in chat.text


async def test_english_exploration(chat):
    await chat("is this something for me?")
    assert "Who were you in what happened?" in chat.text


@pytest.mark.parametrize("text", ["ik twijfel of ik me moet aanmelden", "ik weet nog niet of ik me wil aanmelden"])
async def test_a_doubt_about_registering_explores_first(chat, text):
    await chat(text)
    assert "Wie was jij in wat er gebeurde?" in chat.text
    assert (await chat.slots()).get("requested_slot") is None


async def test_a_question_in_between_is_answered_and_the_open_question_comes_back(chat):
    await chat("ik weet niet of dit iets voor mij is")
    await chat(chat.payload("Het overkwam mij"))
    await chat("wat kost het?")
    assert "Het kost je niets" in chat.text and "Wat voor gebeurtenis was het?" in chat.text
    await chat(chat.payload("Een verkeersongeluk"))
    assert "Hoe lang geleden" in chat.text
    await chat(chat.payload("Jaren geleden"))
    assert "verkeersongeluk" in chat.text
    await chat("is het vertrouwelijk?")
    assert "Wie was jij" not in chat.text and "Hoe lang geleden" not in chat.text


async def test_something_not_understood_in_between_asks_the_open_question_again(chat):
    await chat("ik weet niet of dit iets voor mij is")
    await chat(chat.payload("Het overkwam mij"))
    await chat("qwrtzp vlkmn xxj")
    assert "begreep ik niet" in chat.text and "Wat voor gebeurtenis was het?" in chat.text
    payloads = [b["payload"] for b in chat.buttons]
    assert '/explore{"explore_event":"traffic"}' in payloads and "/ask_human" not in payloads
    await chat("zzkrv plomp qqq")  # the second time: a person to call, and still the open question
    assert "030 234 00 45" in chat.text and "Wat voor gebeurtenis was het?" in chat.text
    await chat(chat.payload("Een verkeersongeluk"))
    assert "Hoe lang geleden" in chat.text
    await chat(chat.payload("Jaren geleden"))
    assert "verkeersongeluk" in chat.text and "Wie was jij" not in chat.text
