"""FAQ answers for a sample of questions typed the way visitors type them (not in the training data)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.session_loop


@pytest.mark.parametrize("question, fragment", [
    ("moet ik betalen voor zo'n traject?", "gratis"),
    ("krijgt mijn baas dit te horen", "Zonder jouw toestemming geven we niets door"),
    ("kan ik er op elk moment mee kappen", "altijd een pauze nemen of stoppen"),
    ("t is al 15 jaar geleden kan het dan nog", "geen termijn"),
    ("moet ik eerst naar de politie om aangifte te doen", "Bij seksueel misbruik is dat niet nodig, ook niet als "
                                                          "het lang geleden is"),
    ("moet ik hem echt zien", "Jij kiest wat goed voelt"),
    ("wat als de ander geen contact wil", "een nee later toch een ja"),
    ("wat is jullie nummer", "030 234 00 45"),
    ("wie krijgt mijn telefoonnummer eigenlijk te zien?", "Ons aanmeldpunt en je bemiddelaar zien het"),
    ("mag ik als hulpverlener een cliënt aanmelden?", "toestemming"),
    ("is dit niet gewoon therapie?", "geen behandeling"),
    ("wat is herstelbemiddeling eigenlijk", "herstel"),
    ("kan het ook via brieven", "Brieven"),
])
async def test_faq_answers(chat, question, fragment):
    await chat(question)
    assert fragment in chat.text


async def test_follow_up_button_leads_to_the_next_answer(chat):
    await chat("het is heel lang geleden, kan het nog?")
    assert "geen termijn" in chat.text
    await chat(chat.payload("Moet ik de ander zien?"))
    assert "Een ontmoeting is maar één van de opties" in chat.text


async def test_faq_answer_in_english(chat):
    await chat("how much does it cost?")
    assert "free for everyone" in chat.text


async def test_a_professional_who_wants_to_register_someone_gets_the_referral_path(chat):
    await chat("ik ben hulpverlener en wil iemand aanmelden")
    assert "of je cliënt ermee instemt" in chat.text and "Weet je cliënt van deze aanmelding" in chat.text
