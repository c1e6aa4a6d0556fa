"""The unsure band: the bot asks whether it happens now, with 112 on the same line, and the answer decides.

The check is started with the payload the detector's parse amounts to (intent crisis_check with its entities), so
that the dialogue is tested apart from which messages fall in the band; tests/bot/test_crisis_bands.py tests that.
"""
from __future__ import annotations

import pytest

CHECK = '/crisis_check{"crisis_type":"danger","crisis_prior":"faq/cost"}'


@pytest.mark.session_loop
async def test_an_unsure_message_is_asked_about_with_112_on_the_same_line(chat):
    await chat(CHECK)
    assert chat.text == ("Ik wil je goed begrijpen. Gebeurt dit nu, of gaat het over vroeger? "
                         "Ben je nu in gevaar? Bel 112.")
    assert [b["payload"] for b in chat.buttons] == ["/crisis_now", "/crisis_past"]


@pytest.mark.session_loop
async def test_a_suicide_candidate_is_asked_about_in_its_own_words(chat):
    await chat('/crisis_check{"crisis_type":"suicide","crisis_prior":"faq/cost"}')
    assert "Denk je er nu aan om een einde aan je leven te maken? Bel dan 113 of gratis 0800-0113" in chat.text
    assert [b["title"] for b in chat.buttons] == ["Ja", "Nee"]


@pytest.mark.session_loop
async def test_now_gets_the_numbers_of_the_likely_kind(chat):
    await chat(CHECK)
    await chat("/crisis_now")
    assert chat.replies[0]["text"].startswith("Ben je nu in gevaar? Bel meteen 112.")
    assert "Wij doen geen crisishulp" in chat.text
    assert (await chat.slots())["crisis_candidate"] is None


@pytest.mark.session_loop
async def test_past_gets_the_answer_the_question_would_have_had(chat):
    await chat(CHECK)
    await chat("/crisis_past")
    assert chat.replies[0]["text"] == "Dank je dat je het zegt."
    assert "Het kost je niets" in chat.text and "112" not in chat.text


@pytest.mark.session_loop
@pytest.mark.parametrize("typed, past", [("nee hoor, dat is jaren geleden", True), ("nee", True),
                                         ("ja", False), ("weet ik niet", False), ("nu ja", False)])
async def test_a_typed_answer_decides_and_anything_unclear_counts_as_now(chat, typed, past):
    await chat(CHECK)
    await chat(typed)
    if past:
        assert chat.replies[0]["text"] == "Dank je dat je het zegt." and "112" not in chat.text
    else:
        assert "Bel meteen 112" in chat.replies[0]["text"]


@pytest.mark.session_loop
async def test_a_sure_crisis_typed_as_the_answer_gets_the_numbers(chat):
    await chat(CHECK)
    await chat("ik wil niet meer leven")
    assert "113" in chat.replies[0]["text"]
    tracker = await chat.agent.processor.get_tracker(chat.sender)
    assert tracker.active_loop_name is None


@pytest.mark.session_loop
async def test_unsure_in_the_middle_of_the_intake_pauses_it_and_past_offers_to_go_on(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"affected"}')
    assert "Wat is er gebeurd?" in chat.text
    await chat('/crisis_check{"crisis_type":"domestic_violence","crisis_prior":"inform"}')
    assert "Gebeurt dit nu, of gaat het over vroeger?" in chat.text
    slots = await chat.slots()
    assert slots["paused_form"] == "intake_form" and slots["role"] == "affected"
    await chat("/crisis_past")
    assert chat.replies[0]["text"] == "Dank je dat je het zegt."
    assert [b["payload"] for b in chat.buttons] == ["/resume_form", "/stop"]
    await chat("/resume_form")
    assert "Wat is er gebeurd?" in chat.text


@pytest.mark.session_loop
async def test_in_english_the_check_is_in_english(chat):
    await chat("in English please")
    await chat(CHECK)
    assert "Is this happening now, or is it about the past? In danger right now? Call 112." in chat.text
    assert [b["title"] for b in chat.buttons] == ["It is happening now", "It is in the past"]


@pytest.mark.session_loop
async def test_ik_wil_niet_meer_is_asked_about_not_taken_as_a_stop(chat):
    await chat("/start_registration")
    await chat('/inform{"role":"affected"}')
    await chat("ik wil niet meer")
    assert "Ik wil je goed begrijpen." in chat.text and "Dat is goed. Ik ben gestopt." not in chat.text
    await chat("/crisis_past")
    assert "Ik ben gestopt" in chat.text  # it meant the registration: stopped as asked
