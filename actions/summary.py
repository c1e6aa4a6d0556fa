"""The summary shown before consent, and the question which answer to change."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.choices import LABELS, UNKNOWN, label
from actions.forms import CountingFormValidation
from actions.registry import form_validator

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "role": ("Jouw rol", "Your role"),
    "client_role": ("Rol van je cliënt", "Your client's role"),
    "event_kind": ("Wat er gebeurde", "What happened"),
    "setting": ("Waar", "Where"),
    "when_happened": ("Wanneer", "When"),
    "other_party_known": ("De ander is bekend", "The other person is known"),
    "procedures": ("Aangifte of procedure", "Report or procedure"),
    "contact_form": ("Vorm van contact", "Kind of contact"),
    "description": ("Jouw verhaal", "Your story"),
    "name": ("Naam", "Name"),
    "phone": ("Telefoon", "Phone"),
    "email": ("E-mail", "E-mail"),
    "voicemail_ok": ("Bericht inspreken mag", "Voicemail is OK"),
    "email_ok": ("Mail sturen mag", "E-mail is OK"),
    "call_time": ("Bellen het liefst", "Best time to call"),
    "region": ("Regio", "Region"),
    "referrer_organisation": ("Organisatie", "Organisation"),
    "client_consent": ("Cliënt gaf toestemming", "Client agreed"),
}
# Long free text is shortened in the summary so the message stays readable.
PREVIEW = 80


def language_of(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "nl"


def field_name(field: str, language: str, form: CountingFormValidation | None = None) -> str:
    nl, en = (form.field_names if form else {}).get(field) or FIELD_NAMES[field]
    return en if language == "en" else nl


def answer_text(field: str, value: Any, language: str) -> str:
    if field in LABELS or value in (None, UNKNOWN):
        return label(field, value, language)
    text = str(value)
    return text if len(text) <= PREVIEW else text[:PREVIEW].rstrip() + "…"


def summary_text(form: CountingFormValidation, tracker: Tracker) -> str:
    """One line per answer, in words (no codes)."""
    language = language_of(tracker)
    return "\n".join(f"- {field_name(f, language, form)}: {answer_text(f, tracker.get_slot(f), language)}"
                     for f in form.fields(tracker))


class ActionAskSummaryOk(Action):
    def name(self) -> str:
        return "action_ask_summary_ok"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        form = form_validator(tracker.active_loop.get("name"))
        dispatcher.utter_message(response="utter_summary", summary=summary_text(form, tracker))
        return []


class ActionAskChangeField(Action):
    def name(self) -> str:
        return "action_ask_change_field"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        form = form_validator(tracker.active_loop.get("name"))
        language = language_of(tracker)
        buttons = [{"title": field_name(f, language, form), "payload": f'/change_answer{{"field":"{f}"}}'}
                   for f in form.fields(tracker)]
        buttons.append({"title": "Toch niets" if language != "en" else "Nothing after all",
                        "payload": '/change_answer{"field":"none"}'})
        dispatcher.utter_message(response="utter_ask_change_field", buttons=buttons)
        return []
