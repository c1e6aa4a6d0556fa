"""Curated Dutch + English crisis phrasing, as data, with one function that reads it.

Kept free of Rasa imports so it can be read, tested and changed on its own. Missing a crisis is the
worst failure, so patterns lean towards recall; the suppressors and "past" cues below exist because a
mediation service hears a lot about harm that is over (and Dutch says "dood graag" for "very much").
"""
from __future__ import annotations

import re
import unicodedata

# Order matters only for the order of the numbers in the answer: the most urgent first.
CRISIS_TYPES = ("suicide", "danger", "sexual_violence", "domestic_violence", "general")

_ME = (r"(?:me|mij|mezelf|mijzelf|ons|"
       r"mijn (?:moeder|moeders|kind|kinderen|zoon|zoontje|dochter|dochtertje|zus|zusje|broer|broertje))")
_PARTNER_OR_FAMILY = (r"(?:man|vrouw|partner|vriend|vriendin|ex|vader|moeder|pa|ma|stiefvader|stiefmoeder|broer|zus|"
                      r"oom|zoon|husband|wife|boyfriend|girlfriend|father|dad|mother|mum|mom|stepfather|brother|uncle)")
_RECENT = (r"(?:gisteren|gisteravond|gisternacht|vannacht|vandaag|vanochtend|vanmorgen|vanmiddag|vanavond|zojuist|"
           r"net|eergisteren|afgelopen (?:nacht|weekend|week|zaterdag|vrijdag|zondag)|dit weekend|deze week|"
           r"(?:een|1|2|3|twee|drie|paar) dag(?:en)? geleden|yesterday|last night|tonight|today|this morning|"
           r"just|this weekend|last weekend|(?:a|two|three|few|couple of) days ago)")
_PAST = (r"(?:\d+ jaar|jaren|jaar geleden|maanden geleden|lang geleden|toen ik|als kind|vroeger|destijds|"
         r"in (?:19|20)\d\d|vorig jaar|mijn jeugd|tiener|klein was|years ago|months ago|long ago|as a child|"
         r"when i was|last year|in the past|back then)")

# Phrases removed before matching: idioms and other people's deaths long past.
_SUPPRESS = [
    r"\bdood ?graag\b",
    r"\bdoodgewoon\b",
    r"\b(?:heeft|had|hebben) (?:\w+ ){0,3}zelfmoord gepleegd\b",
    r"\bpleegde (?:\w+ )?zelfmoord\b",
    r"\b(?:zijn|haar|de|hun) zelfmoord\b",
    r"\b(?:committed|commited) suicide\b",
    r"\b(?:his|her|their) suicide\b",
]

_PATTERNS: dict[str, list[str]] = {
    "suicide": [
        r"\bzie (?:\w+ ){0,4}(?:niet|nie|nt) meer zitten\b|\bhet hoeft (?:\w+ ){0,3}niet meer\b",
        r"\b(?:wil|wil ik|wou|wilde|zou) (?:\w+ ){0,3}(?:er )?niet meer (?:zijn|leven|bestaan|wakker worden|"
        r"hier zijn)\b",
        r"\bniet meer (?:willen )?(?:leven|bestaan)\b",
        r"zelf ?moord|zelfdoding|su[i]?cid|\bsuicide",
        r"\b(?:mezelf|mijzelf) (?:\w+ ){0,2}(?:iets |wat )?aan ?(?:te )?doen\b|"
        r"\b(?:mezelf|mijzelf|me) (?:\w+ ){0,2}(?:van kant|iets aan ?(?:te )?doen|op ?(?:te )?hangen|"
        r"dood ?(?:te )?maken|"
        r"(?:te )?doden|(?:te )?snijden|(?:te )?verdrinken)",
        r"\b(?:einde|eind) (?:aan|maken aan) (?:mijn|m'n|mn|het|dit) (?:leven|bestaan)\b",
        r"\ber (?:een )?(?:einde|eind) aan (?:maken|te maken|gemaakt)\b",
        r"\b(?:wil|wou|wilde|ga) (?:ik )?(?:gewoon |echt |liever |graag |soms |het liefst |eigenlijk )*dood(?:gaan)?\b",
        r"\b(?:was|ware) ik (?:maar|liever) dood\b|\bliever dood\b|\bdood (?:willen|wil) (?:zijn|gaan)\b",
        r"\bbeter af (?:\w+ )?zonder (?:mij|me)\b|\b(?:beter|"
        r"makkelijker) (?:af )?als ik (?:er )?niet (?:meer )?(?:ben|was|besta)\b",
        r"\bpillen (?:\w+ ){0,2}(?:slikken|innemen|ingenomen|geslikt|gespaard|verzameld)\b|\b(?:alle|al mijn|"
        r"een doos|strip) pillen\b",
        r"\b(?:voor de trein|van (?:een|de) (?:brug|flat) )|\bspringen van\b|"
        r"(?:brug|flat|dak|spoor|trein)\b.{0,40}\bspring|\bspring\w*\b.{0,40}(?:brug|flat|dak|spoor|trein)",
        r"\bgeen zin meer in (?:het|mijn) leven\b|\b(?:leven|bestaan) (?:heeft|is) (?:\w+ )?(?:geen zin|zinloos)\b",
        r"\bafscheidsbrief\b",
        r"\bik kan (?:het |echt |gewoon )?niet meer(?: verder)?\s*[.!]*\s*$|\bkan niet meer verder\b",
        r"\bhou (?:het )?(?:\w+ )?niet meer vol\b|\btrek (?:het )?(?:\w+ )?niet meer\b",
        r"\bkill(?:ing)? my ?self\b|\bend (?:it all|my life)\b|\btake my (?:own )?life\b",
        r"\b(?:don'?t|do not|dont) want to (?:live|be here|be alive|exist|wake up)\b|\bwant(?:ed)? to die\b",
        r"\bwish i (?:was|were) dead\b|\bbetter off (?:dead|without me)\b|\bhurt(?:ing)? my ?self\b",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|going on)\b|\bcan'?t go on\b|\bnot worth living\b",
    ],
    "danger": [
        r"\b(?:staat|staan|is|zit|loopt) (?:\w+ ){0,2}(?:voor|bij|aan) (?:de|mijn|m'n|onze|het) (?:deur|voordeur|"
        r"raam|huis)\b",
        r"\b(?:probeert|wil|gaat) (?:\w+ ){0,2}(?:binnen te komen|in te breken|naar binnen)\b",
        r"\b(?:heeft|pakt|zwaait met|dreigt met) (?:nu )?(?:een )?(?:mes|pistool|wapen|vuurwapen|geweer)\b",
        r"\b(?:wil|gaat|zal|komt) (?:\w+ ){0,2}me (?:vermoorden|dood ?maken|doden|iets aandoen|pakken|afmaken)\b",
        r"\bme (?:\w+ ){0,2}(?:vermoorden|dood ?(?:te )?maken|(?:te )?doden|af ?(?:te )?maken)\b",
        r"\b(?:hij|zij|ze|die) (?:\w+ ){0,3}me (?:\w+ ){0,2}(?:iets|wat) (?:aandoet|aan doet|aan gaat doen)\b",
        r"\bhelp me (?:alsjeblieft|aub|alstublieft)\b",
        r"\b(?:bedreigt|achtervolgt|volgt|stalkt) (?:me|mij)\b(?! toen)|\bword(?:t)? (?:\w+ )?(?:bedreigd|"
        r"achtervolgd|gestalkt|gevolgd)\b",
        r"\bik ben (?:\w+ ){0,2}(?:in gevaar|niet veilig)\b|\bniet veilig (?:nu|op dit moment|hier)\b|"
        r"\bnu (?:\w+ )?in gevaar\b",
        r"\bbel (?:de )?(?:politie|112)\b|\b112\b|^\W*help\b\W*$|\bhelp\s*!|\bhelp me\s*(?:nu|snel|!)|\bnoodgeval\b",
        r"\b(?:opgesloten|houdt me vast|laat me niet (?:gaan|weg))\b",
        r"\b(?:outside|at) (?:my|the) (?:door|house|window|home)\b|\bin danger\b|\bnot safe\b",
        r"\b(?:going|gonna|wants|threatening|threatens|will|trying) to (?:kill|hurt) me\b|\bhas (?:a )?(?:knife|gun|"
        r"weapon)\b",
        r"\b(?:following|stalking|threatening) me\b|\bbreaking in\b|\bhelp me now\b|\bcall (?:the )?police\b",
    ],
    "sexual_violence": [
        # Recent sexual violence: medical and forensic care is time-critical (see _recent_sexual_violence).
        r"\bword(?:t)? (?:nu |steeds |nog steeds )?(?:verkracht|aangerand|misbruikt)\b",
        r"\b(?:being) (?:raped|abused|assaulted)\b",
    ],
    "domestic_violence": [
        r"\b(?:slaat|schopt|mishandelt|wurgt|duwt|knijpt|misbruikt) (?:\w+ ){0,2}" + _ME + r"\b",
        r"\bword(?:en|t)? (?:\w+ ){0,4}(?:geslagen|mishandeld|geschopt|gewurgd)\b",
        r"\bben (?:net|gisteren|vannacht|vandaag|weer) (?:\w+ )?(?:geslagen|mishandeld|geschopt|gewurgd)\b",
        r"\b(?:doods?)?bang (?:voor|van) (?:mijn|m'n|mn) " + _PARTNER_OR_FAMILY + r"\b",
        r"\bthuis (?:\w+ ){0,4}niet (?:meer )?veilig\b|\bdurf (?:\w+ )?niet (?:meer )?(?:naar huis|thuis)\b",
        r"\b(?:hits|beats|chokes|kicks|abuses|hurts) (?:me|my (?:kid|kids|child|children|son|daughter|mum|mom|"
        r"sister))\b",
        r"\b(?:being|get|getting) (?:beaten|abused|hit)\b|\b(?:scared|afraid) (?:of|to go) (?:my|home)\b|"
        r"\bnot safe at home\b",
    ],
    "general": [
        r"\bcrisis\b|\bacute? (?:hulp|nood)\b|\bik heb (?:nu |dringend |direct )+hulp nodig\b|\bspoed\b",
        r"\bemergency\b|\bi need (?:help|someone) (?:now|right now|urgently)\b",
    ],
}

_HURT_WORDS = r"\b(?:geslagen|mishandeld|geschopt|gewurgd|in elkaar geslagen|beaten up|hit me|choked)\b"
_FAMILY_RE = re.compile(r"\b(?:mijn|m'n|mn|my) " + _PARTNER_OR_FAMILY + r"\b")
_SEXUAL_VIOLENCE_WORDS = (r"\b(?:verkracht|aangerand|gedrogeerd|iets in mijn drankje|"
                          r"raped|sexually assaulted|drugged|spiked)\b")

_COMPILED = {kind: [re.compile(p) for p in pats] for kind, pats in _PATTERNS.items()}
_COMPILED_SUPPRESS = [re.compile(p) for p in _SUPPRESS]
_RECENT_RE = re.compile(r"\b" + _RECENT + r"\b")
_PAST_RE = re.compile(r"\b" + _PAST + r"\b")
_SEXUAL_RE = re.compile(_SEXUAL_VIOLENCE_WORDS)
_HURT_RE = re.compile(_HURT_WORDS)


def normalise(text: str) -> str:
    """Lower-case, strip accents (suïcide), unify apostrophes and spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("`", "'")
    return re.sub(r"\s+", " ", text).strip()


def _recent_sexual_violence(text: str) -> bool:
    # Recent, or not said to be long ago: when in doubt, give the number.
    return bool(_SEXUAL_RE.search(text)) and (bool(_RECENT_RE.search(text)) or not _PAST_RE.search(text))


def detect(text: str) -> list[str]:
    """Crisis types found in `text`, most urgent first; an empty list when none."""
    clean = normalise(text)
    for pattern in _COMPILED_SUPPRESS:
        clean = pattern.sub(" ", clean)
    found = {kind for kind, patterns in _COMPILED.items() if any(p.search(clean) for p in patterns)}
    if _recent_sexual_violence(clean):
        found.add("sexual_violence")
    if _HURT_RE.search(clean) and _RECENT_RE.search(clean):  # hurt today is not "over"
        found.add("domestic_violence" if _FAMILY_RE.search(clean) else "danger")
    if len(found) > 1:
        found.discard("general")
    return [kind for kind in CRISIS_TYPES if kind in found]


# --- cues for the classifier and for the answer -------------------------------------------------------------------
# Words that say when, who and how. They become extra tokens for the classifier (crisis_model.prepared), which learns
# how much each one counts; `acute` adds 112 to an answer whose helpline is not 112 itself.
_NOW = (r"(?:nu|nou|op dit moment|momenteel|vannacht|vanavond|vandaag|net|zojuist|nog steeds|steeds|elke dag|"
        r"iedere dag|nog altijd|weer|now|right now|tonight|today|at the moment|currently|still|every day|again|just)")
_NEGATION = r"(?:niet|geen|nooit|nee|not|no|never|don'?t|dont|didn'?t|isn'?t|wasn'?t)"
_SELF = r"(?:ik|me|mij|mezelf|mijzelf|i|i'm|im|myself|me)"
_CHILD = (r"(?:kind|kinderen|kindje|dochter|zoon|zusje|broertje|nichtje|neefje|baby|child|children|kid|kids|"
          r"daughter|son|little sister|little brother)")
_CLIENT = r"(?:client|clienten|clients|clienten|pupil|patient|patienten|cliente)"
_MEANS = (r"(?:pil|pillen|tabletten|paracetamol|slaappillen|touw|strop|mes|messen|scheermes|mesje|brug|spoor|trein|"
          r"flat|dak|pistool|wapen|hamer|pills|tablets|rope|knife|blade|razor|bridge|tracks|train|roof|gun|weapon|hammer)")
_ACUTE = (r"\b(?:ingenomen|geslikt|genomen|ingeslikt|sta (?:nu )?(?:op|bij) (?:de|het)|hier op (?:de|het)|"
          r"took|taken|swallowed|standing on|i'?m on the)\b")

_CUES = {
    "cuepast": re.compile(r"\b" + _PAST + r"\b"),
    "cuerecent": re.compile(r"\b" + _RECENT + r"\b"),
    "cuenow": re.compile(r"\b" + _NOW + r"\b"),
    "cueneg": re.compile(r"\b" + _NEGATION + r"\b"),
    "cueself": re.compile(r"\b" + _SELF + r"\b"),
    "cuechild": re.compile(r"\b" + _CHILD + r"\b"),
    "cueclient": re.compile(r"\b" + _CLIENT + r"\b"),
    "cuemeans": re.compile(r"\b" + _MEANS + r"\b"),
}
_ACUTE_RE = re.compile(_ACUTE)
_NOW_RE = _CUES["cuenow"]
# Harm expected within hours ("vannacht komt hij weer"): the helpline for the kind is not enough, 112 is the one
# that can come tonight. Narrower than _NOW, which also holds habits ("elke dag", "weer").
_IMMINENT_RE = re.compile(r"\b(?:vannacht|vanavond|straks|zo meteen|zometeen|op dit moment|nu meteen|tonight|"
                          r"right now|later today|in a minute)\b")


def cue_tokens(clean: str) -> list[str]:
    """The cue words found in a normalised text, as tokens for the classifier."""
    return [name for name, pattern in _CUES.items() if pattern.search(clean)]


def acute(text: str) -> bool:
    """Means already used, happening now by the words, or harm expected within hours: 112 belongs in the answer."""
    clean = normalise(text)
    return (bool(_ACUTE_RE.search(clean)) or bool(_IMMINENT_RE.search(clean))
            or bool(_NOW_RE.search(clean) and _CUES["cuemeans"].search(clean)))


# "Ik wil niet meer" may mean "stop this chat" or "I don't want to live any more": never taken as a plain stop.
# "Ik wil dit niet meer" names what to stop, and stays a stop.
_AMBIGUOUS_RE = re.compile(r"^\W*(?:(?:nee|ik|nou|echt)\W+)*(?:wil|kan|hoef) (?:het )?(?:echt |gewoon |eigenlijk )?"
                           r"niet meer\W*$|^\W*i (?:just )?(?:can'?t|cannot|don'?t want to)(?: do (?:this|"
                           r"it))? anymore\W*$")


def ambiguous(text: str) -> bool:
    return bool(_AMBIGUOUS_RE.search(normalise(text)))
