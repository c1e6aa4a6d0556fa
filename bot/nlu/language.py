"""Detect English vs Dutch from function words; emit entity `language` only when confident.

An explicit request ("in English please", "kan het in het Nederlands") names its target language and wins
over the word count, so "can we switch to Dutch" gives `nl` although it is written in English.
Every entity shows up in `rasa test` comparisons, so test stories with typed text must expect it.
"""
from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.untrained import Untrained

# Words frequent in one language and rare in the other; shared ones (is, was, we, me, in, of) are left out.
ENGLISH = frozenset("""the and are i i'm im you your it it's to a what how can could do does don't my with for this
that have has be not please about would if there who when will they he she an on at from someone anyone been just
any get want need know here hello hi thanks thank yes no speak english did should myself after happened""".split())
DUTCH = frozenset("""de het een en ik je jij jouw niet wat hoe kan kun kunnen mijn mn m'n met voor dat die dit van op te
er ook maar zijn hij zij ze wij heb heeft hebt nog wel geen als om naar bij mij wil moet graag niets iets hoi hallo
ja nee dan toen waar wie wanneer u jullie doe doen weet gaat ben bent hoor dank bedankt spreek spreken
nederlands""".split())
_NAMES = {
    "en": r"\b(?:english|engels|engelse)\b",
    "nl": r"\b(?:dutch|nederlands|nederlandse|hollands|vlaams)\b",
}
_NEGATED = r"\b(?:don'?t|do not|can'?t|cannot|geen|niet)\s+(?:\w+\s+){0,2}"
_WORD = re.compile(r"[a-zà-ÿ']+")


def detect_language(text: str) -> str | None:
    """`en` or `nl` when the text clearly is (or asks for) that language, else None."""
    lower = text.lower()
    named = [lang for lang, pattern in _NAMES.items() if re.search(pattern, lower)]
    if len(named) == 1:
        lang = named[0]
        if re.search(_NEGATED + _NAMES[lang].removeprefix(r"\b"), lower):  # "I don't speak Dutch"
            return "nl" if lang == "en" else "en"
        return lang
    words = _WORD.findall(lower)
    en = sum(w in ENGLISH for w in words)
    nl = sum(w in DUTCH for w in words)
    if en >= 2 and en >= 3 * nl:
        return "en"
    # Dutch is the default, so `nl` only needs saying when the evidence is strong (switching back from
    # English); a short Dutch reply then keeps the language the visitor chose.
    if nl >= 4 and en == 0:
        return "nl"
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(Untrained):
    """Adds entity `language` (en|nl) to confident messages; fills slot `language`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # button payloads carry their own entities
                continue
            lang = detect_language(text)
            if lang:
                entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "language"]
                entities.append({"entity": "language", "value": lang, "start": 0, "end": len(text),
                                 "confidence": 1.0, "extractor": self.__class__.__name__})
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
