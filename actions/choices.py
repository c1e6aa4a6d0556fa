"""Closed answers of the forms: the values of the registration record, their words in the summary,
and a few words that people type instead of pressing a button."""
from __future__ import annotations

import re

from contract import UNKNOWN

# value -> (Dutch label, English label). Keys are the record's values (contract/registration.yml) the bot offers:
# call_time "evening" is no longer offered (nobody calls in the evening); the backend still reads stored ones.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "role": {
        "affected": ("Het overkwam mij", "It happened to me"),
        "caused": ("Ik heb het (mogelijk) veroorzaakt", "I (may have) caused it"),
        "close_one": ("Iemand dichtbij mij is betrokken", "Someone close to me is involved"),
        "witness": ("Ik heb het gezien of gehoord", "I saw or heard it"),
        "organisation": ("Ik ben van een organisatie", "I am with an organisation"),
        "professional": ("Ik meld iemand anders aan", "I am registering someone else"),
    },
    "event_kind": {
        "sexual_boundary": ("Seksueel grensoverschrijdend gedrag", "Sexually inappropriate behaviour"),
        "sexual_violence": ("Seksueel geweld", "Sexual violence"),
        "violence": ("Geweld", "Violence"),
        "domestic_violence": ("Huiselijk geweld", "Domestic violence"),
        "traffic": ("Verkeersongeval", "Traffic accident"),
        "theft_burglary": ("Diefstal of inbraak", "Theft or burglary"),
        "medical": ("Medisch incident", "Medical incident"),
        "other": ("Iets anders", "Something else"),
    },
    "setting": {
        "work": ("Op het werk", "At work"),
        "education": ("Op school of studie", "At school or college"),
        "sport_club": ("Bij een sportclub of vereniging", "At a sports club or association"),
        "public_transport": ("In het openbaar vervoer", "On public transport"),
        "online": ("Online", "Online"),
        "home_family": ("Thuis of in de familie", "At home or in the family"),
        "care_therapy": ("In de zorg of bij een therapeut", "In care or with a therapist"),
        "other": ("Ergens anders", "Somewhere else"),
    },
    "when_happened": {
        "under_1_month": ("Minder dan een maand geleden", "Less than a month ago"),
        "1_12_months": ("1 tot 12 maanden geleden", "1 to 12 months ago"),
        "1_5_years": ("1 tot 5 jaar geleden", "1 to 5 years ago"),
        "over_5_years": ("Meer dan 5 jaar geleden", "More than 5 years ago"),
    },
    "other_party_known": {"yes": ("Ja", "Yes"), "no": ("Nee", "No")},
    "procedures": {
        "police_report": ("Aangifte gedaan", "Reported to the police"),
        "criminal_case": ("Er loopt of liep een strafzaak", "There is or was a criminal case"),
        "disciplinary_or_complaint": ("Klacht of tuchtzaak", "Complaint or disciplinary case"),
        "none": ("Geen", "None"),
    },
    "contact_form": {
        "conversation": ("Een gesprek", "A conversation"),
        "letters": ("Brieven", "Letters"),
        "shuttle": ("Berichten via de bemiddelaar", "Messages through the mediator"),
        "video_message": ("Een video- of audiobericht", "A video or audio message"),
        "group_meeting": ("Een groepsbijeenkomst", "A group meeting"),
    },
    "voicemail_ok": {"yes": ("Ja", "Yes"), "no": ("Nee", "No")},
    "email_ok": {"yes": ("Ja", "Yes"), "no": ("Nee", "No")},
    "client_consent": {"yes": ("Ja", "Yes"), "no": ("Nee, nog niet", "No, not yet")},
    "call_time": {
        "morning": ("Ochtend", "Morning"),
        "afternoon": ("Middag", "Afternoon"),
        "any": ("Geen voorkeur", "No preference"),
    },
    "region": {
        "drenthe": ("Drenthe", "Drenthe"), "flevoland": ("Flevoland", "Flevoland"),
        "friesland": ("Friesland", "Friesland"), "gelderland": ("Gelderland", "Gelderland"),
        "groningen": ("Groningen", "Groningen"), "limburg": ("Limburg", "Limburg"),
        "noord-brabant": ("Noord-Brabant", "North Brabant"), "noord-holland": ("Noord-Holland", "North Holland"),
        "overijssel": ("Overijssel", "Overijssel"), "utrecht": ("Utrecht", "Utrecht"),
        "zeeland": ("Zeeland", "Zeeland"), "zuid-holland": ("Zuid-Holland", "South Holland"),
        "abroad": ("Buitenland", "Abroad"),
    },
}

# Words typed instead of a button; matched on whole words after lower-casing. NLU handles most free text
# (data/nlu/intake.yml); these catch the short answers that NLU leaves to the catch-all text mapping.
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "role": {
        "affected": ("overkwam", "overkomen", "slachtoffer", "victim", "happened to me"),
        "caused": ("veroorzaakt", "veroorzaakte", "dader", "beschuldigd", "i caused", "accused"),
        "close_one": ("partner", "ouder", "moeder", "vader", "kind", "familie", "nabestaande", "parent"),
        "witness": ("getuige", "gezien", "witness"),
        "organisation": ("werkgever", "bestuur", "school", "organisatie", "employer", "board"),
    },
    "event_kind": {
        "sexual_boundary": ("grensoverschrijdend", "grens", "ongewenst", "harassment"),
        "sexual_violence": ("verkrachting", "misbruik", "aanranding", "rape", "abuse"),
        "domestic_violence": ("huiselijk", "domestic"),
        "violence": ("geweld", "mishandeling", "geslagen", "violence", "assault"),
        "traffic": ("verkeer", "ongeluk", "aanrijding", "auto", "traffic", "accident"),
        "theft_burglary": ("diefstal", "inbraak", "beroofd", "overval", "theft", "burglary", "robbery"),
        "medical": ("medisch", "ziekenhuis", "arts", "dokter", "medical", "hospital"),
    },
    "setting": {
        "work": ("werk", "baas", "collega", "werkgever", "work", "boss", "colleague"),
        "education": ("school", "studie", "universiteit", "leraar", "docent", "college", "teacher"),
        "sport_club": ("sport", "club", "vereniging", "trainer", "coach"),
        "public_transport": ("trein", "bus", "tram", "metro", "ov", "train"),
        "online": ("online", "internet", "social", "instagram", "whatsapp"),
        "home_family": ("thuis", "familie", "huis", "home", "family"),
        "care_therapy": ("therapeut", "zorg", "psycholoog", "therapist", "care"),
    },
    "when_happened": {
        "under_1_month": ("gisteren", "vorige week", "deze week", "paar dagen", "yesterday", "last week"),
        "1_12_months": ("vorige maand", "paar maanden", "maanden", "dit jaar", "vorig jaar", "months", "last year"),
        "1_5_years": ("paar jaar", "jaren geleden", "years ago", "few years"),
        "over_5_years": ("lang geleden", "jeugd", "kind was", "jaren 90", "long ago", "childhood"),
    },
    "other_party_known": {"yes": ("ja", "yes", "weet ik wel"), "no": ("nee", "no", "onbekend")},
    "procedures": {
        "police_report": ("aangifte", "politie", "police"),
        "criminal_case": ("rechtszaak", "strafzaak", "rechter", "court", "trial"),
        "disciplinary_or_complaint": ("klacht", "tucht", "complaint", "disciplinary"),
        "none": ("nee", "geen", "niks", "niets", "none", "no"),
    },
    "contact_form": {
        "conversation": ("gesprek", "praten", "ontmoeten", "talk", "meet"),
        "letters": ("brief", "brieven", "schrijven", "letter", "letters"),
        "shuttle": ("via de bemiddelaar", "pendel", "shuttle"),
        "video_message": ("video", "audio", "filmpje"),
        "group_meeting": ("groep", "group"),
    },
    "voicemail_ok": {"yes": ("ja", "yes", "prima", "goed", "ok"), "no": ("nee", "no", "liever niet")},
    "email_ok": {"yes": ("ja", "yes", "prima", "goed", "ok"), "no": ("nee", "no", "liever niet")},
    "client_consent": {"yes": ("ja", "yes", "akkoord", "toestemming gegeven"),
                       "no": ("nee", "no", "nog niet", "not yet")},
    "call_time": {
        "morning": ("ochtend", "morgens", "morning"),
        "afternoon": ("middag", "afternoon"),
        "any": ("maakt niet uit", "geen voorkeur", "altijd", "any", "whenever", "no preference"),
    },
    "region": {
        "noord-brabant": ("brabant", "eindhoven", "tilburg", "breda", "den bosch"),
        "noord-holland": ("amsterdam", "haarlem", "alkmaar"),
        "zuid-holland": ("rotterdam", "den haag", "leiden", "delft", "dordrecht"),
        "utrecht": ("amersfoort",),
        "gelderland": ("arnhem", "nijmegen", "apeldoorn"),
        "overijssel": ("zwolle", "enschede", "deventer"),
        "limburg": ("maastricht", "venlo", "heerlen"),
        "friesland": ("leeuwarden", "fryslan"),
        "drenthe": ("assen", "emmen"),
        "flevoland": ("almere", "lelystad"),
        "zeeland": ("middelburg", "vlissingen"),
        "abroad": ("buitenland", "belgie", "duitsland", "abroad"),
    },
}

SKIP_WORDS = ("sla over", "overslaan", "weet ik niet", "weet niet", "geen idee", "liever niet zeggen",
              "skip", "don't know", "dont know", "not sure")


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def is_skip(text: str) -> bool:
    """True when free text says "skip" or "I don't know"."""
    low = text.lower().strip()
    return any(_has_phrase(low, w) for w in SKIP_WORDS)


def match_choice(field: str, value: object) -> str | None:
    """Map a button value, a label or typed words to the record value of `field`; None if nothing fits."""
    if value is None:
        return None
    text = str(value).strip().lower()
    values = LABELS[field]
    if text in values or text == UNKNOWN:
        return text
    for key, labels in values.items():
        if text == key.replace("-", " ") or text in (label.lower() for label in labels):
            return key
    if is_skip(text):
        return UNKNOWN
    # Longest phrase first, so "vorig jaar" wins over "jaar"-like shorter hints.
    hits = sorted(((len(p), key) for key, phrases in KEYWORDS.get(field, {}).items()
                   for p in phrases if _has_phrase(text, p)), reverse=True)
    return hits[0][1] if hits else None


def label(field: str, value: str | None, language: str) -> str:
    """Words for a record value in the visitor's language."""
    if value in (None, UNKNOWN):
        return "niet ingevuld" if language != "en" else "not given"
    pair = LABELS.get(field, {}).get(value)
    if pair is None:
        return str(value)
    return pair[1] if language == "en" else pair[0]
