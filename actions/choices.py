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
    # Asked of a referrer about the client (referral_form); the referrer's own role is "professional".
    "client_role": {
        "affected": ("Het overkwam mijn cliënt", "It happened to my client"),
        "caused": ("Mijn cliënt heeft het (mogelijk) veroorzaakt", "My client (may have) caused it"),
        "close_one": ("Iemand dicht bij mijn cliënt is betrokken", "Someone close to my client is involved"),
        "witness": ("Mijn cliënt zag of hoorde het", "My client saw or heard it"),
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

# Words typed instead of a button, in the visitor's own words; matched on whole words after lower-casing, the longest
# phrase that fits winning ("voor de middag" is the morning, "middag" the afternoon). A phrase ending in "*" is a stem:
# it also matches the word with any ending ("middag*": "middags", "'s middags"; "collega*": "collega's"). The answer
# buttons' own words count too, also inside a sentence ("ja, het overkwam mij"). NLU finds some answers as entities
# (data/nlu/intake.yml); everything else, and an entity NLU found but this list does not know, comes here.
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "role": {
        "affected": ("overkw*", "overkomen", "slachtoffer*", "bij wie het gebeurd*", "bij wie het is gebeurd",
                     "bij mij", "aangedaan", "is mij", "ik werd", "gebeurde met mij", "gebeurd met mij",
                     "happened to me", "the one it happened to", "done to me", "victim"),
        "caused": ("veroorzaakt*", "dader", "beschuldig*", "verdacht*", "ik heb het gedaan", "ik deed het",
                   "door mij", "mijn schuld", "ik was het", "i caused", "caused it", "accused", "i did it",
                   "my fault", "suspect*"),
        "close_one": ("partner", "ouder*", "moeder", "vader", "kind", "familie*", "nabestaand*", "parent*",
                      "mijn dochter", "mijn zoon", "mijn kind", "mijn partner", "mijn vrouw", "mijn man",
                      "mijn broer", "mijn zus", "mijn vriend*", "mijn moeder", "mijn vader", "overkwam mijn",
                      "mother", "father", "my daughter", "my son", "my child", "my partner", "my wife", "my husband",
                      "my brother", "my sister", "my friend", "happened to my", "relative", "bereaved", "close to"),
        "witness": ("getuige*", "gezien", "zag het", "zag ik", "heb het gehoord", "witness*", "i saw", "saw it"),
        "organisation": ("werkgever", "bestuur*", "school", "organisatie", "namens", "employer", "board",
                         "organisation", "organization", "on behalf of"),
    },
    "client_role": {
        "affected": ("overkw*", "overkomen", "slachtoffer*", "aangedaan", "happened to", "victim"),
        "caused": ("veroorzaakt*", "dader", "pleger", "beschuldig*", "verdacht*", "heeft het gedaan", "caused",
                   "accused", "suspect*", "offender", "did it"),
        "close_one": ("partner", "ouder*", "moeder", "vader", "familie*", "nabestaand*", "broer", "zus", "dochter",
                      "zoon", "kind van", "parent*", "mother", "father", "relative", "bereaved", "family",
                      "daughter", "son of", "close to"),
        "witness": ("getuige*", "gezien", "zag het", "witness*", "saw it", "saw"),
    },
    "event_kind": {
        "sexual_boundary": ("grensoverschrijdend", "grens*", "ongewenst*", "ongepast*", "aangeraakt", "aanrak*",
                            "zat aan me", "zat aan mij", "raakte me", "raakte mij", "betast*", "opmerkingen",
                            "seksueel", "intimid*", "harass*", "inappropriate*", "touch*", "groped", "grabbed",
                            "remarks", "comments"),
        "sexual_violence": ("verkracht*", "misbruik*", "aanrand*", "aangerand", "seksueel geweld", "rape*",
                            "abuse*", "sexual assault", "sexually assaulted", "sexual violence"),
        "domestic_violence": ("huiselijk*", "domestic*", "thuis geslagen", "mijn ex", "my ex"),
        "violence": ("geweld", "mishandel*", "geslagen", "geschopt", "bedreigd", "bedreiging*", "in elkaar geslagen",
                     "neergestoken", "vechtpartij", "violence", "violent", "assault*", "beaten", "attacked",
                     "threatened", "hit me"),
        "traffic": ("verkeer*", "ongeluk", "aanrijding", "aangereden", "auto", "fietser", "scooter", "traffic",
                    "accident", "car", "crash*", "hit by a car"),
        "theft_burglary": ("diefstal", "inbraak", "ingebroken", "beroofd", "overval*", "gestolen", "theft",
                           "burglary", "robbery", "robbed", "stolen", "break-in", "broke into"),
        "medical": ("medisch*", "ziekenhuis", "arts", "dokter", "operatie", "verpleeg*", "huisarts", "medical",
                    "hospital", "doctor", "surgery", "nurse"),
    },
    "setting": {
        "work": ("werk", "mijn werk", "kantoor", "baas", "leidinggevende", "manager", "collega*", "werkgever",
                 "stage", "work", "office", "boss", "colleague*", "job", "workplace"),
        "education": ("school", "studie", "universiteit", "hogeschool", "leraar", "docent", "les", "klas",
                      "college", "teacher", "university", "class"),
        "sport_club": ("sport*", "club", "vereniging", "studentenvereniging", "trainer", "coach", "voetbal*",
                       "hockey*", "team", "sports club", "association"),
        "public_transport": ("trein", "bus", "tram", "metro", "ov", "station", "perron", "train", "subway",
                             "public transport"),
        "online": ("online", "internet", "social*", "instagram", "whatsapp", "snapchat", "tiktok", "facebook",
                   "chat"),
        "home_family": ("thuis", "familie", "huis", "oom", "tante", "opa", "stiefvader", "home", "family",
                        "uncle", "stepfather"),
        "care_therapy": ("therapeut", "zorg", "psycholoog", "psychiater", "behandelaar", "fysio*", "therapist",
                         "care", "psychologist"),
    },
    "when_happened": {
        "under_1_month": ("gisteren", "vorige week", "deze week", "paar dagen", "yesterday", "last week"),
        "1_12_months": ("vorige maand", "paar maanden", "maanden", "dit jaar", "vorig jaar", "months", "last year"),
        "1_5_years": ("paar jaar", "jaren geleden", "jaar of twee", "jaar of drie", "years ago", "few years"),
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
    "voicemail_ok": {
        "yes": ("ja", "jawel", "jazeker", "yes", "yeah", "prima", "goed", "ok", "oké", "okay", "dat mag", "mag wel",
                "is goed", "geen probleem", "niet erg", "fine", "sure", "no problem", "don't mind", "that's fine"),
        "no": ("nee", "no", "liever niet", "niet doen", "mag niet", "niet veilig", "geen bericht", "rather not",
               "please don't", "don't", "do not", "not safe", "no message"),
    },
    "email_ok": {
        "yes": ("ja", "jawel", "jazeker", "yes", "yeah", "prima", "goed", "ok", "oké", "okay", "dat mag", "mag wel",
                "is goed", "veilig", "geen probleem", "niet erg", "fine", "sure", "safe", "no problem", "don't mind"),
        "no": ("nee", "no", "liever niet", "niet doen", "mag niet", "niet veilig", "rather not", "please don't",
               "don't", "do not", "not safe"),
    },
    "client_consent": {"yes": ("ja", "yes", "akkoord", "toestemming gegeven", "stemt in", "vindt het goed",
                               "agrees", "agreed"),
                       "no": ("nee", "no", "nog niet", "not yet")},
    "call_time": {
        "morning": ("ochtend*", "morgens", "voor de middag", "voor twaalven", "voor de lunch", "morning*",
                    "before noon", "before lunch"),
        "afternoon": ("middag*", "na de lunch", "na twaalven", "afternoon*", "after lunch"),
        "any": ("maakt niet uit", "maakt me niet uit", "geen voorkeur", "altijd", "hele dag", "de hele dag",
                "wanneer het uitkomt", "wanneer jullie willen", "any", "anytime", "any time", "whenever",
                "no preference", "doesn't matter", "does not matter", "all day", "either"),
    },
    "region": {
        "groningen": ("stad groningen", "delfzijl", "veendam", "winschoten", "hoogezand"),
        "friesland": ("leeuwarden", "fryslan", "fryslân", "drachten", "sneek", "heerenveen", "harlingen"),
        "drenthe": ("assen", "emmen", "meppel", "hoogeveen", "coevorden"),
        "overijssel": ("zwolle", "enschede", "deventer", "hengelo", "almelo", "kampen"),
        "flevoland": ("almere", "lelystad", "dronten", "emmeloord"),
        "gelderland": ("arnhem", "nijmegen", "apeldoorn", "ede", "doetinchem", "zutphen", "harderwijk", "tiel"),
        "utrecht": ("amersfoort", "zeist", "nieuwegein", "veenendaal", "houten", "woerden"),
        "noord-holland": ("amsterdam", "haarlem", "alkmaar", "zaandam", "hilversum", "hoorn", "den helder",
                          "purmerend", "amstelveen", "north holland"),
        "zuid-holland": ("rotterdam", "den haag", "the hague", "leiden", "delft", "dordrecht", "zoetermeer",
                         "gouda", "schiedam", "south holland"),
        "zeeland": ("middelburg", "vlissingen", "goes", "terneuzen"),
        "noord-brabant": ("brabant", "eindhoven", "tilburg", "breda", "den bosch", "'s-hertogenbosch", "helmond",
                          "oss", "roosendaal", "north brabant"),
        "limburg": ("maastricht", "venlo", "heerlen", "roermond", "sittard", "weert"),
        "abroad": ("buitenland", "belgie", "belgië", "duitsland", "niet in nederland", "abroad",
                   "outside the netherlands", "belgium", "germany"),
    },
}

SKIP_WORDS = ("sla over", "overslaan", "weet ik niet", "weet niet", "weet het niet", "geen idee", "liever niet zeggen",
              "skip", "don't know", "dont know", "not sure", "no idea")


def _has_phrase(text: str, phrase: str) -> bool:
    """`phrase` as whole words in `text`; a phrase ending in "*" may go on with any word ending."""
    stem = phrase.endswith("*")
    pattern = re.escape(phrase.rstrip("*")) + (r"\w*" if stem else "")
    return re.search(rf"(?<!\w){pattern}(?!\w)", text) is not None


def is_skip(text: str) -> bool:
    """True when free text says "skip" or "I don't know"."""
    low = text.lower().strip()
    return any(_has_phrase(low, w) for w in SKIP_WORDS)


def match_choice(field: str, value: object) -> str | None:
    """Map a button value, a label or typed words to the record value of `field`; None if nothing fits."""
    if value is None:
        return None
    text = " ".join(str(value).strip().lower().split())
    values = LABELS[field]
    if text in values or text == UNKNOWN:
        return text
    for key, labels in values.items():
        if text == key.replace("-", " ") or text in (label.lower() for label in labels):
            return key
    if is_skip(text):
        return UNKNOWN
    # The longest phrase that fits wins, so "voor de middag" wins over "middag"; a tie between two answers
    # ("mijn moeder of mijn vader") is no answer.
    hits = sorted({(len(p.rstrip("*")), key) for key, phrases in _phrases(field).items()
                   for p in phrases if _has_phrase(text, p)}, reverse=True)
    if hits and (len(hits) == 1 or hits[0][0] > hits[1][0]):
        return hits[0][1]
    return None


def _phrases(field: str) -> dict[str, tuple[str, ...]]:
    """KEYWORDS of `field` with the answers' own words (labels, and the value itself: "Utrecht", "morning")."""
    own = {key: (key.replace("-", " "), *(label.lower() for label in labels))
           for key, labels in LABELS[field].items()}
    return {key: own[key] + KEYWORDS.get(field, {}).get(key, ()) for key in LABELS[field]}


def label(field: str, value: str | None, language: str) -> str:
    """Words for a record value in the visitor's language."""
    if value in (None, UNKNOWN):
        return "niet ingevuld" if language != "en" else "not given"
    pair = LABELS.get(field, {}).get(value)
    if pair is None:
        return str(value)
    return pair[1] if language == "en" else pair[0]


# A typed yes or no to the summary and the consent must be meant: every word of the message is one of these (so
# "ja dat klopt helemaal", "yes, that's all correct", "nee liever niet"), with at least one that says it. Keyboard mash
# or "ja maar mijn nummer is anders" is neither.
YES_WORDS = frozenset({"ja", "jawel", "jazeker", "jep", "jup", "klopt", "correct", "akkoord", "prima", "goed", "mag",
                       "zeker", "inderdaad", "precies", "perfect", "toestemming", "yes", "yeah", "yep", "yup", "right",
                       "fine", "sure", "ok", "oke", "oké", "okay", "agree", "alright", "absoluut", "uiteraard"})
YES_FILLER = frozenset({"dat", "is", "het", "hoor", "helemaal", "zo", "alles", "allemaal", "ik", "geef", "wel", "heel",
                        "hartstikke", "graag", "dit", "hier", "mee", "eens", "en", "mijn", "antwoorden", "je", "jullie",
                        "ze", "dan", "van", "voor", "me", "mij", "that", "that's", "thats", "it's", "its", "all", "i",
                        "it", "so", "completely", "absolutely", "totally", "looks", "look", "good", "great", "go",
                        "ahead", "please", "everything", "this", "you", "can", "may", "with", "my", "answers",
                        "them", "send", "keep", "verstuur", "stuur", "maar", "door", "do", "of", "course"})
NO_WORDS = frozenset({"nee", "neen", "no", "nope", "niet", "not", "don't", "dont", "geen", "liever"})
NO_FILLER = frozenset({"dat", "klopt", "helemaal", "wil", "ik", "het", "is", "bedankt", "dank", "je", "thanks",
                       "thank", "you", "rather", "i", "agree", "want", "to", "that's", "thats", "it's", "right",
                       "correct", "quite", "doe", "maar", "toch", "mag", "geef", "toestemming", "hoor", "sorry",
                       "nog", "even", "do", "that", "it", "doen", "goed", "akkoord", "met", "eens", "yet", "please"})


def plain_yes_no(text: str) -> str | None:
    """"yes" or "no" when a typed message says just that (YES_WORDS, NO_WORDS), else None."""
    words = re.findall(r"[a-zà-ÿ']+", text.lower().replace("’", "'"))
    if not words:
        return None
    if all(w in YES_WORDS or w in YES_FILLER for w in words) and any(w in YES_WORDS for w in words):
        return "yes"
    if all(w in NO_WORDS or w in NO_FILLER for w in words) and any(w in NO_WORDS for w in words):
        return "no"
    return None
