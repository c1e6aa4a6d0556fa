"""How a test visitor walks through the intake form: which question the bot asks, and an answer to each.

Standard library only: the conversation tests (.venv/bot) and the end-to-end tests (.venv/api) share it.
"""
from __future__ import annotations

import re

CODE = re.compile(r"PH-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}")

QUESTION = {  # a phrase of each question, to know which one the bot asks
    "role": "Wie ben jij in wat er gebeurde?", "event_kind": "Wat is er gebeurd?", "setting": "Waar gebeurde het?",
    "description": "in je eigen woorden", "name": "Hoe mogen we je noemen?", "phone": "Op welk telefoonnummer",
    "email": "Wat is je e-mailadres?", "voicemail_ok": "bericht inspreken", "email_ok": "veilig om je te mailen",
    "call_time": "Wanneer kunnen we je het best bellen?", "region": "In welke provincie woon je?",
    "summary": "Dit heb je ingevuld:", "consent": "Mogen we je antwoorden bewaren en doorsturen?",
}

# Answers by button payload where the question has buttons, typed text where it asks for text.
BUTTONS = {
    "role": '/inform{"role":"affected"}', "event_kind": '/inform{"event_kind":"sexual_boundary"}',
    "setting": '/inform{"setting":"sport_club"}', "description": "Mijn trainer ging over mijn grens.",
    "name": "Noor", "phone": "06 12345678", "email": "Noor@Example.org", "voicemail_ok": "/deny",
    "email_ok": "/affirm", "call_time": '/inform{"call_time":"afternoon"}', "region": '/inform{"region":"utrecht"}',
}


def asked(text: str) -> str | None:
    """The question (a key of QUESTION) that `text` asks, if any."""
    return next((q for q in QUESTION if QUESTION[q] in text), None)
