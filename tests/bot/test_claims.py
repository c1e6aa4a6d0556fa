"""Claims that keep the facts fixed: what the bot, the pages and the confirmation mail may and may not say.

Each claim names where it is made (response names in bot/domain, keys of api/pages/texts.py, the templates, the
mail texts, the widget's notice) and is checked against a small table of facts quoted from ../shared/BRIEF.md.
Plain file reading only: no trained model, and nothing of the backend's environment is imported.
"""
from __future__ import annotations

import ast
import re
import runpy

import pytest
import yaml

import contract
from tests import stack

ROOT = stack.ROOT
BRIEF = ROOT.parent / "shared" / "BRIEF.md"
EN = [{"type": "slot", "name": "language", "value": "en"}]

# --- the facts, quoted from BRIEF.md ------------------------------------------------------------------
FACTS = {
    "office_phone": "030 234 00 45",
    "ministry": "Ministry of Justice and Security",
    "veilig_thuis": "Veilig Thuis, 0800-2000",
    "sexual_violence_centre": "Centrum Seksueel Geweld, 0800-0188",
    "suicide_line": "113 or 0800-0113",
    "victim_support": "Slachtofferhulp Nederland, 0900-0101",
    "retention": "at most 5 years after the service ends",
    "report_needed": "for most crimes a known suspect and a report to the police are needed",
    "report_not_needed": "**not** for sexual abuse (also long ago)",
    "other_after_intake": "the mediator contacts the other party (usually by letter) — only after that intake",
    "mediator_calls": "a **mediator (bemiddelaar)** in the person's region, who calls back for an intake",
    "confidential": "unless both agree otherwise",
}


@pytest.mark.skipif(not BRIEF.exists(), reason="the shared brief is not next to this repository")
@pytest.mark.parametrize("name", sorted(FACTS))
def test_each_fact_is_quoted_from_the_brief(name):
    brief = re.sub(r"\s+", " ", BRIEF.read_text(encoding="utf-8"))
    assert FACTS[name] in brief


# --- where the claims are made ---------------------------------------------------------------------
def _responses() -> dict[str, dict[str, list[str]]]:
    """response name -> {"nl": [texts and button titles], "en": [...]} of every domain file."""
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variant in variants:
                lang = "en" if variant.get("condition") == EN else "nl"
                parts = [variant.get("text", "")] + [b["title"] for b in variant.get("buttons", [])]
                out.setdefault(name, {"nl": [], "en": []})[lang].extend(parts)
    return out


RESPONSES = _responses()
COPY = runpy.run_path(str(ROOT / "api" / "pages" / "texts.py"))
PAGES = COPY["TEXT"]


def _mail() -> dict[str, str]:
    tree = ast.parse((ROOT / "api" / "notifications" / "mail.py").read_text(encoding="utf-8"))
    node = next(n for n in tree.body
                if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "_CONFIRMATION")
    # The texts are literals around the contract's office phone (an f-string): evaluated with that name only.
    texts = eval(compile(ast.Expression(node.value), "mail.py", "eval"), {"__builtins__": {}},  # noqa: S307
                 {"OFFICE_PHONE": contract.OFFICE_PHONE})
    return {lang: " ".join(parts) for lang, parts in texts.items()}


MAIL = _mail()
_NOTICES = re.findall(r'^\s*notice: "([^"]+)",', (ROOT / "api" / "static" / "widget.js").read_text(), re.M)
WIDGET = {"nl": _NOTICES[0], "en": _NOTICES[1]}  # the widget's Dutch strings come first


def said(name: str, lang: str | None = None) -> str:
    """Everything a response says (text and button titles), in one language or both."""
    variants = RESPONSES[name]
    return " ".join(variants["nl"] + variants["en"] if lang is None else variants[lang])


def everything() -> dict[str, str]:
    """Every place a visitor reads: responses, page copy, mail, widget notice."""
    places = {f"response {n}": said(n) for n in RESPONSES}
    places.update({f"page {lang}.{key}": text for lang in PAGES for key, text in PAGES[lang].items()})
    places.update({f"choice {lang}.{field}": " ".join(label for _, label in choices)
                   for lang in COPY["CHOICES"] for field, choices in COPY["CHOICES"][lang].items()})
    places.update({f"mail {lang}": text for lang, text in MAIL.items()})
    places.update({f"widget {lang}": text for lang, text in WIDGET.items()})
    return places


def test_the_places_are_found():
    assert len(RESPONSES) > 100 and set(MAIL) == {"nl", "en"} and set(WIDGET) == {"nl", "en"}
    assert {"nl", "en"} == set(PAGES)


# --- claims that must never be made -----------------------------------------------------------------
NEVER = [
    ("a promised time for the call (no source gives one)", r"\b\d+\s*(?:werkdagen|working days)\b|binnen \w+ dagen|"
                                                           r"within \w+ days"),
    ("'bewaart niets': the chat holds the conversation up to 60 minutes",
     r"\bbewaa?r(?:t|en)? niets\b|\bniets (?:is |wordt )?bewaard\b|\bkeeps? nothing\b|\bnothing (?:is |"
     r"was )?(?:kept|stored)\b"),
    ("a mediator 'woont' somewhere (they work regionally where possible)", r"bemiddelaar[^.?!]*\bwoont\b|"
                                                                           r"\bwoont[^.?!]*bemiddelaar|mediator[^.?!]*\blives\b"),
    ("a report 'is no condition' (it is, for most crimes)", r"geen voorwaarde|not a condition"),
    ("confidentiality as an absolute about employer, police or family", r"horen het niet|are not told"),
    ("the ministry without its full name", r"ministerie van Justitie(?! en Veiligheid)|"
                                           r"Ministry of Justice(?! and Security)"),
    ("'een medewerker belt' (a mediator calls back)", r"medewerker belt|someone calls you back|staff member calls"),
    ("the polite form ('u', 'uw')", r"\b[Uu]w?\b"),
    ("the bot blames the situation, not itself", r"Dit lukt nog niet goed|not working yet"),
    ("'with no strings attached'", r"strings attached"),
    ("labels for people (the brief: let people name their own role)",
     r"\b(?:[Dd]aders?|[Ss]lachtoffers?|[Pp]erpetrators?|[Vv]ictims?)\b(?! Support)"),
]


@pytest.mark.parametrize("claim, pattern", NEVER, ids=[c for c, _ in NEVER])
def test_never_said(claim, pattern):
    found = {place: text for place, text in everything().items() if re.search(pattern, text)}
    assert not found, f"{claim}: {sorted(found)}"


def test_bot_challenge_says_what_is_kept():
    assert not re.search(r"\bbewaar niets\b|\bkeep nothing\b", said("utter_bot_challenge"))
    assert "60 minuten na je laatste bericht" in said("utter_bot_challenge")


# --- numbers: written one way, and as the brief has them ----------------------------------------------
def test_the_office_number_is_written_one_way():
    numbers = {n.strip() for text in everything().values() for n in re.findall(r"\b030[\d\s-]{7,12}\d", text)}
    assert numbers == {FACTS["office_phone"]}


@pytest.mark.parametrize("name, number", [("Veilig Thuis", "0800-2000"), ("Centrum Seksueel Geweld", "0800-0188"),
                                          ("Slachtofferhulp", "0900-0101")])
def test_helplines_have_the_brief_s_numbers(name, number):
    assert number in FACTS["veilig_thuis"] + FACTS["sexual_violence_centre"] + FACTS["victim_support"]
    for place, text in everything().items():
        for sentence in re.split(r"(?<=[.?!])\s", text):
            if name in sentence and re.search(r"\d{4}-\d{4}", sentence):
                assert number in sentence, f"{place}: {sentence}"


def test_the_page_help_note_lists_all_four_lines():
    template = (ROOT / "api" / "templates" / "help_note.html").read_text()
    keys = re.findall(r"\{\{ t\.(help_\w+) \}\}", template)
    for lang in ("nl", "en"):
        note = " ".join(PAGES[lang][k] for k in keys)
        assert "112" in note and "0800-0113" in note
        assert "Veilig Thuis 0800-2000" in note and "Centrum Seksueel Geweld 0800-0188" in note
    for page in ("home.html", "done.html", "form.html"):
        assert '{% include "help_note.html" %}' in (ROOT / "api" / "templates" / page).read_text(), page


# --- claims that must be made, with their wording per place ---------------------------------------------
def test_after_sending_the_chat_the_done_page_and_the_mail_say_the_same():
    chat_nl, chat_en = said("utter_handoff_delivered", "nl"), said("utter_handoff_delivered", "en")
    done = {lang: " ".join(PAGES[lang][k] for k in ("done_step_review", "done_step_mediator", "done_step_other"))
            for lang in ("nl", "en")}
    for nl in (chat_nl, done["nl"], MAIL["nl"]):
        assert "aanmeldpunt" in nl and "bemiddelaar" in nl and "eerste gesprek" in nl
        assert "alleen als jij dat wilt" in nl and "de ander" in nl
    for en in (chat_en, done["en"], MAIL["en"]):
        assert "registration desk" in en and "mediator" in en and "first talk" in en
        assert "only if you want" in en and "the other person" in en


def test_a_call_back_is_made_by_a_mediator_everywhere():
    assert "belt een bemiddelaar je terug" in said("utter_handoff_delivered_callback", "nl")
    assert "mediator calls you back" in said("utter_handoff_delivered_callback", "en")
    assert "bemiddelaar belt je" in said("utter_callback_intro", "nl")
    assert "bemiddelaar" in PAGES["nl"]["done_step_callback"]
    assert "mediator" in PAGES["en"]["done_step_callback"]


def test_consent_shared_with_the_call_back_names_no_region():
    assert not re.search(r"regio|region", said("utter_ask_consent"))


def test_retention_as_the_brief_says():
    assert "5 years" in FACTS["retention"]
    for name in ("utter_ask_consent", "utter_faq/privacy", "utter_faq/records"):
        assert "hooguit 5 jaar" in said(name, "nl") and "at most 5 years" in said(name, "en"), name
    assert "hooguit 5" in PAGES["nl"]["consent_text"] and "at most 5 years" in PAGES["en"]["consent_text"]


def test_what_the_chat_keeps_is_said_the_same_way_everywhere():
    for nl, en in [(said("utter_welcome", "nl"), said("utter_welcome", "en")),
                   (said("utter_faq/privacy", "nl"), said("utter_faq/privacy", "en")),
                   (PAGES["nl"]["chat_text"], PAGES["en"]["chat_text"]), (WIDGET["nl"], WIDGET["en"])]:
        assert "60 minuten na je laatste bericht" in nl and "60 minutes after your last message" in en


def test_police_report_as_the_brief_says():
    assert "most crimes" in FACTS["report_needed"] and "also long ago" in FACTS["report_not_needed"]
    nl, en = said("utter_faq/police_report", "nl"), said("utter_faq/police_report", "en")
    assert "meeste misdrijven" in nl and "lang geleden" in nl
    assert "most crimes" in en and "long ago" in en


def test_confidentiality_as_the_brief_says():
    assert "both agree" in FACTS["confidential"]
    nl = said("utter_faq/confidential", "nl")
    assert "toestemming" in nl and "allebei ja" in nl
    assert "consent" in said("utter_faq/confidential", "en") and "both agree" in said("utter_faq/confidential", "en")


def test_disciplinary_cases_under_conditions():
    assert "onder voorwaarden" in said("utter_faq/during_procedure", "nl")
    assert "under conditions" in said("utter_faq/during_procedure", "en")


def test_the_ministry_by_its_full_name():
    assert "ministerie van Justitie en Veiligheid" in said("utter_faq/foundation", "nl")
    assert FACTS["ministry"] in said("utter_faq/foundation", "en")


def test_the_web_form_s_professional_registers_a_client():
    assert "cliënt" in dict(COPY["CHOICES"]["nl"]["role"])["professional"]
    assert "client" in dict(COPY["CHOICES"]["en"]["role"])["professional"]


def test_call_back_times_offered():
    """Morning, afternoon or no preference: nobody offers evening calls (the sources speak of working days)."""
    for place in ("utter_ask_call_time", "utter_callback_intro", "utter_ask_callback_form_phone"):
        assert not re.search(r"[Aa]vond|[Ee]vening", said(place)), place
    offered = [b for name in ("utter_ask_call_time",) for b in yaml.safe_load(
        (ROOT / "bot" / "domain" / "intake.yml").read_text())["responses"][name][0]["buttons"]]
    assert [b["payload"] for b in offered][:3] == ['/inform{{"call_time":"morning"}}',
                                                  '/inform{{"call_time":"afternoon"}}', '/inform{{"call_time":"any"}}']
    assert [v for v, _ in COPY["CHOICES"]["nl"]["call_time"]] == ["any", "morning", "afternoon"]


# Where the brief holds no fact, the answer says so and how to find out: never an invented age, cost or time.
UNKNOWN_FACTS = ["minor", "travel_costs", "waiting_time", "mediator_training", "video_call", "meeting_place",
                 "other_abroad", "other_died", "affects_sentence"]


@pytest.mark.parametrize("topic", UNKNOWN_FACTS)
def test_no_invented_fact(topic):
    nl, en = said(f"utter_faq/{topic}", "nl"), said(f"utter_faq/{topic}", "en")
    assert re.search(r"weet ik niet|kan ik (?:je )?niet beloven", nl) and re.search(r"I do not know|cannot promise", en)
    assert re.search(r"030 234 00 45|eerste gesprek", nl) and re.search(r"030 234 00 45|first talk", en)
    assert not re.search(r"\b\d+ (?:jaar|euro|dagen|weken|maanden)\b|€", nl)
    assert not re.search(r"\b\d+ (?:years|euro|days|weeks|months)\b|€", en)
