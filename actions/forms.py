"""Shared behaviour of the three forms: one validator per slot, counting invalid answers.

After two invalid answers to the same question the visitor is offered a way out (skip, stop, or call
the office) instead of being asked forever (pattern of RasaHQ/financial-demo)."""
from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.choices import UNKNOWN, is_skip, match_choice, plain_yes_no
from actions.contact import normalise_email, normalise_phone
from contract import MAX_LENGTH

INVALID_COUNT = "invalid_answers"
OFFER_AFTER = 2
# Typed answers that mean "I'd rather not give a name / organisation".
DECLINE_WORDS = {"nee", "no", "liever niet", "geen", "anoniem", "anonymous", "rather not", "-"}
# Fields whose answer only matters because of another one: reset together when that one changes.
DEPENDENT = {"event_kind": ("setting",), "phone": ("voicemail_ok", "call_time"), "email": ("email_ok",)}
# Where it happened helps only for sexually boundary-crossing behaviour (work, club, school, therapist...).
SETTING_FOR = frozenset({"sexual_boundary"})
# Questions answered in free text: while one is open, every message but stop/crisis is the answer
# (slot awaiting_text, which the rules read), unless it is a question: that gets its FAQ answer.
FREE_TEXT = frozenset({"description", "name", "phone", "email", "referrer_organisation"})
AWAITING_TEXT = "awaiting_text"
# Steps after the questions: they have no "skip".
ALWAYS_REQUIRED = frozenset({"summary_ok", "change_field", "consent"})
# "Klopt" on the summary and the consent must be meant: a button, a typed word from the lists below, or a message
# the model is sure of. A classifier always picks some intent: keyboard mash like "kjhkjh" scored affirm 0.63.
CLEAR_INTENT = 0.9
SUMMARY_YES = ("yes", "klopt", "ja", "correct", "that's right")
SUMMARY_CHANGE = ("change", "iets aanpassen", "aanpassen", "change something", "nee", "no")
CONSENT_YES = ("yes", "ja", "ja, ik geef toestemming", "yes, i agree", "akkoord")
CONSENT_NO = ("no", "nee", "nee, liever niet")


def clearly_meant(tracker: Tracker, words: tuple[str, ...]) -> bool:
    """The latest message is a button, one of `words`, or classified with confidence >= CLEAR_INTENT."""
    message = tracker.latest_message or {}
    text = str(message.get("text") or "").strip().lower()
    confidence = (message.get("intent") or {}).get("confidence") or 0.0
    return text.startswith("/") or text in words or confidence >= CLEAR_INTENT


# A number or an address at the end of a sentence that introduces it ("mijn nummer is 06 41 23 45 67", "you can
# mail me at sam@example.org."): that part alone, which the rules (actions/contact.py, the same as the backend's) then
# judge. Anything after it, or no words before it, and the whole message is judged as typed (tests/data/contact_cases).
_NUMBER_IN_SENTENCE = re.compile(r"^\D*[^\W\d_]\D*\s(\+?\(?\d[\d ()./-]*\d)\s*[.!]?$")
_ADDRESS_IN_SENTENCE = re.compile(r"^[^@]*[^\W\d_][^@]*\s(\S+@\S+?)\s*[.!]?$")
# Said before a name or an organisation: "ik heet Fenna", "noem me maar Sam", "ik werk bij Slachtofferhulp".
_LEAD_IN = {
    "name": re.compile(r"^(?:(?:hoi|hallo|hi|hello)[,!.]?\s+)?(?:ik heet|mijn naam is|je mag me|jullie mogen me|noem me"
                       r"(?: maar)?|zeg maar|ik ben|my name is|call me|you can call me|i am|i'm|it's)\s+",
                       re.IGNORECASE),
    "referrer_organisation": re.compile(r"^(?:ik werk (?:bij|voor)|ik zit bij|ik ben van|bij|i work (?:at|for)|"
                                        r"i'm with|i am with|i'm from|i am from)\s+", re.IGNORECASE),
}
_LEAD_OUT = re.compile(r"(?:\s+(?:noemen|heten))?[.!]*$", re.IGNORECASE)


def number_in(text: str) -> str:
    found = _NUMBER_IN_SENTENCE.match(" ".join(text.split()))
    return found.group(1) if found else ""


def address_in(text: str) -> str:
    found = _ADDRESS_IN_SENTENCE.match(" ".join(text.split()))
    return found.group(1) if found else ""


def without_lead_in(slot: str, text: str) -> str:
    """"Fenna" of "ik heet Fenna", "Slachtofferhulp" of "ik werk bij Slachtofferhulp"; the text itself otherwise."""
    pattern = _LEAD_IN.get(slot)
    if pattern is None:
        return text
    rest = _LEAD_OUT.sub("", pattern.sub("", text, count=1)).strip()
    return rest or text


# Words a question starts with ("hoe werkt dat", "what does it cost"); "kan altijd" is an answer, so not the verbs.
QUESTION_WORDS = frozenset({"wat", "wie", "waar", "waarom", "hoe", "hoeveel", "welke", "what", "who",
                            "where", "why", "how", "which"})


def looks_like_question(text: str) -> bool:
    words = text.strip().lower().split()
    return text.strip().endswith("?") or bool(words) and words[0].strip(",.!") in QUESTION_WORDS


def typed_text(tracker: Tracker) -> str:
    """What the visitor typed last; empty for a button (its payload starts with "/")."""
    text = str((tracker.latest_message or {}).get("text") or "").strip()
    return "" if text.startswith("/") else text


def filled(value: Any) -> bool:
    """True for a real answer (not empty, not skipped)."""
    return value not in (None, "", UNKNOWN)


class CountingFormValidation(FormValidationAction):
    """Base class of validate_<form>: generic validators for every slot the forms share."""

    # Questions of the form in order; subclasses list them (without summary_ok / change_field / consent).
    questions: tuple[str, ...] = ()
    # Questions that cannot be skipped in this form.
    required: frozenset[str] = frozenset()
    # Names of answers in the summary and the "change" buttons where this form words them otherwise
    # (field -> (Dutch, English)); actions/summary.py has the common ones.
    field_names: dict[str, tuple[str, str]] = {}

    @abstractmethod
    def name(self) -> str:
        """validate_<form>"""

    async def run(self, dispatcher, tracker, domain):
        events = await super().run(dispatcher, tracker, domain)
        slots = [e for e in events if e.get("event") == "slot"]
        if all(e["name"] == "requested_slot" for e in slots):
            # Nothing was answered: Rasa rejects the form so that a rule (stop, crisis, a question) can
            # run; one more slot event here would hide that rejection.
            return events
        asked = next((e["value"] for e in reversed(slots) if e["name"] == "requested_slot"), None)
        return [*events, SlotSet(AWAITING_TEXT, asked in FREE_TEXT)]

    # --- helpers ----------------------------------------------------------------------------------
    def question_asked(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """A question typed where free text was asked ("is mijn naam geheim?"): answer it, ask again."""
        if not text.endswith("?"):
            return False
        return self.faq_answered(dispatcher, tracker)

    def faq_answered(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Answer the latest message as the FAQ the response selector found, if NLU took it for one."""
        message = tracker.latest_message or {}
        selected = (message.get("response_selector", {}).get("faq", {}).get("response", {}))
        key = selected.get("intent_response_key")
        if message.get("intent", {}).get("name") != "faq" or not key:
            return False
        dispatcher.utter_message(response=f"utter_{key}")
        return True

    def accept(self, slot: str, value: Any) -> dict[str, Any]:
        return {slot: value, INVALID_COUNT: 0}

    def reject(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker,
               response: str | None = None) -> dict[str, Any]:
        """Refuse an answer: say why, count it, and after two offer a way out; the form asks again."""
        if response:
            dispatcher.utter_message(response=response)
        count = int(tracker.get_slot(INVALID_COUNT) or 0) + 1
        if count >= OFFER_AFTER:
            cannot_skip = slot in self.required or slot in ALWAYS_REQUIRED
            dispatcher.utter_message(response="utter_offer_way_out" if cannot_skip else "utter_offer_skip")
        return {slot: None, INVALID_COUNT: count}

    def fields(self, tracker: Tracker) -> list[str]:
        """The questions this visitor is asked: the setting only for sexually boundary-crossing behaviour, the
        e-mail address only without a phone number, and the follow-ups only for the channel given."""
        phone = tracker.get_slot("phone")
        skip = set()
        if tracker.get_slot("event_kind") not in SETTING_FOR:
            skip.add("setting")
        if filled(phone):
            skip |= {"email", "email_ok"}
        else:
            skip |= set(DEPENDENT["phone"])
            if not filled(tracker.get_slot("email")):
                skip.add("email_ok")
        return [slot for slot in self.questions if slot not in skip]

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        slots = self.fields(tracker) + ["summary_ok"]
        slots.append("change_field" if tracker.get_slot("summary_ok") == "change" else "consent")
        return slots

    def choice(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
               response: str = "utter_invalid_choice") -> dict[str, Any]:
        typed = typed_text(tracker)
        matched = match_choice(slot, value)
        if matched is None and typed and typed != str(value or "").strip():
            # NLU may have taken a part of the message as the answer ("ik ben degene" of "ik ben degene bij wie het
            # gebeurd is") that the word lists do not know: the whole message may say more.
            matched = match_choice(slot, typed)
        # NLU may take an answer in the visitor's own words for a question ("ik ben degene bij wie het gebeurd is"
        # read as FAQ): an answer that names one of the choices is the answer. A question ("wat kost het", "kan
        # dat ook als het op mijn werk was?"), or what fits no choice, gets its FAQ answer and the question again.
        if typed and (matched is None or looks_like_question(typed)) and self.faq_answered(dispatcher, tracker):
            return {slot: None}
        if matched is None or (matched == UNKNOWN and slot in self.required):
            return self.reject(slot, dispatcher, tracker, response)
        return self.accept(slot, matched)

    def free_text(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                  tracker: Tracker) -> dict[str, Any]:
        text = str(value or "").strip()
        if self.question_asked(text, dispatcher, tracker):
            return {slot: None}
        if text == UNKNOWN or text.lower() in DECLINE_WORDS or (len(text) < 25 and is_skip(text)):
            if slot in self.required:
                return self.reject(slot, dispatcher, tracker, "utter_answer_needed")
            return self.accept(slot, UNKNOWN)
        if len(text) > MAX_LENGTH[slot]:
            return self.reject(slot, dispatcher, tracker, f"utter_too_long_{slot}")
        return self.accept(slot, without_lead_in(slot, text))

    # --- closed questions -------------------------------------------------------------------------
    def validate_role(self, value, dispatcher, tracker, domain):
        return self.choice("role", value, dispatcher, tracker)

    def validate_client_role(self, value, dispatcher, tracker, domain):
        return self.choice("client_role", value, dispatcher, tracker)

    def validate_event_kind(self, value, dispatcher, tracker, domain):
        return self.choice("event_kind", value, dispatcher, tracker)

    def validate_setting(self, value, dispatcher, tracker, domain):
        return self.choice("setting", value, dispatcher, tracker)

    def validate_voicemail_ok(self, value, dispatcher, tracker, domain):
        return self.choice("voicemail_ok", value, dispatcher, tracker)

    def validate_email_ok(self, value, dispatcher, tracker, domain):
        return self.choice("email_ok", value, dispatcher, tracker)

    def validate_call_time(self, value, dispatcher, tracker, domain):
        return self.choice("call_time", value, dispatcher, tracker)

    def validate_region(self, value, dispatcher, tracker, domain):
        return self.choice("region", value, dispatcher, tracker)

    def validate_client_consent(self, value, dispatcher, tracker, domain):
        # "No, not yet" is an answer too: the referral form then ends (actions/referral.py).
        return self.choice("client_consent", value, dispatcher, tracker, "utter_client_consent_needed")

    # --- free text --------------------------------------------------------------------------------
    def validate_description(self, value, dispatcher, tracker, domain):
        return self.free_text("description", value, dispatcher, tracker)

    def validate_name(self, value, dispatcher, tracker, domain):
        return self.free_text("name", value, dispatcher, tracker)

    def validate_referrer_organisation(self, value, dispatcher, tracker, domain):
        return self.free_text("referrer_organisation", value, dispatcher, tracker)

    # --- contact details: at least one way to reach the visitor -----------------------------------
    def validate_phone(self, value, dispatcher, tracker, domain):
        text = str(value or "").strip()
        if self.question_asked(text, dispatcher, tracker):
            return {"phone": None}
        address = (normalise_email(text) or normalise_email(address_in(text))
                   if "email" in self.questions and "phone" not in self.required else None)
        if address:  # an e-mail address typed where the number was asked: take it as the way to reach them
            return {**self.accept("phone", UNKNOWN), "email": address}
        if text == UNKNOWN or is_skip(text):
            if "phone" in self.required:
                return self.reject("phone", dispatcher, tracker, "utter_phone_needed")
            if tracker.get_slot("email") == UNKNOWN:
                return self.reject("phone", dispatcher, tracker, "utter_contact_needed")
            return self.accept("phone", UNKNOWN)
        number = normalise_phone(text) or normalise_phone(number_in(text))
        if number is None:
            return self.reject("phone", dispatcher, tracker, "utter_invalid_phone")
        return self.accept("phone", number)

    def validate_email(self, value, dispatcher, tracker, domain):
        text = str(value or "").strip()
        if self.question_asked(text, dispatcher, tracker):
            return {"email": None}
        if text == UNKNOWN or is_skip(text) or text.lower() in DECLINE_WORDS:
            if not filled(tracker.get_slot("phone")):
                # Neither a number nor an address: ask for the number again, the visitor may choose.
                result = self.reject("email", dispatcher, tracker, "utter_contact_needed")
                return {**result, "phone": None}
            return self.accept("email", UNKNOWN)
        address = normalise_email(text) or normalise_email(address_in(text))
        if address is None:
            return self.reject("email", dispatcher, tracker, "utter_invalid_email")
        return self.accept("email", address)

    # --- summary, change one answer, consent ------------------------------------------------------
    def validate_summary_ok(self, value, dispatcher, tracker, domain):
        text = str(value or "").strip().lower()
        typed = plain_yes_no(typed_text(tracker))
        if typed == "yes" or (typed is None and text in SUMMARY_YES and clearly_meant(tracker, SUMMARY_YES)):
            return self.accept("summary_ok", "yes")
        if typed == "no" or (text in SUMMARY_CHANGE and clearly_meant(tracker, SUMMARY_CHANGE)):
            return self.accept("summary_ok", "change")
        return self.reject("summary_ok", dispatcher, tracker, "utter_invalid_choice")

    def validate_change_field(self, value, dispatcher, tracker, domain):
        field = str(value or "").strip()
        if field == "none":  # "nothing to change after all": show the summary again
            return {"change_field": None, "summary_ok": None, INVALID_COUNT: 0}
        if field not in self.fields(tracker):
            return self.reject("change_field", dispatcher, tracker, "utter_invalid_choice")
        reset = {slot: None for slot in (field, *DEPENDENT.get(field, ()))}
        return {**reset, "change_field": None, "summary_ok": None, INVALID_COUNT: 0}

    def validate_consent(self, value, dispatcher, tracker, domain):
        text = str(value or "").strip().lower()
        typed = plain_yes_no(typed_text(tracker))
        if typed == "yes" or (typed is None and text in CONSENT_YES and clearly_meant(tracker, CONSENT_YES)):
            return self.accept("consent", "yes")
        # "no" wipes every answer: meant, too
        if typed == "no" or (typed is None and text in CONSENT_NO and clearly_meant(tracker, CONSENT_NO)):
            return self.accept("consent", "no")
        return self.reject("consent", dispatcher, tracker, "utter_invalid_choice")
