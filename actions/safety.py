"""Crisis support: the right number(s) first, in any state; a running form waits instead of going on.

Sure (intent `crisis`): the answer for each crisis type at once. Unsure (intent `crisis_check`): one short question,
with 112 on the same line, whether it happens now; "now" or anything unclear gets the crisis answer, "over" gets
the answer the message would have had (bot/nlu/crisis.py sets crisis_type and crisis_prior for it).
"""
from __future__ import annotations

import re

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# Most urgent first; mirrors bot/nlu/crisis_lexicon.py CRISIS_TYPES (the action server cannot import bot/).
CRISIS_TYPES = ("suicide", "danger", "sexual_violence", "domestic_violence", "general")
CHECK_FORM = "crisis_check_form"
# The check's answer in the visitor's words. Anything that does not clearly say "over" counts as "now": when in
# doubt, a helpline worker gives the number.
_NOT_NOW = re.compile(r"\b(?:niet nu|not now|niet meer|not anymore|no longer)\b")
_NOW_WORDS = re.compile(r"\b(?:ja|jawel|yes|yeah|nu|now|nog|still|steeds|vandaag|vannacht|tonight|today|help)\b")
_PAST_WORDS = re.compile(r"\b(?:nee|neen|nope|no|vroeger|voorbij|geleden|destijds|past|ago|jaren|years)\b")


def crisis_types(tracker: Tracker) -> list[str]:
    """Crisis types of the latest message; `general` when none was named."""
    found = set(tracker.get_latest_entity_values("crisis_type"))
    kinds = [kind for kind in CRISIS_TYPES if kind in found]
    return kinds or ["general"]


def answer_is_past(text: str, intent: str | None) -> bool:
    """Does the visitor's answer to "does this happen now?" clearly say no?"""
    words = (text or "").lower()
    if _NOT_NOW.search(words):
        return True
    if intent == "affirm" or _NOW_WORDS.search(words):
        return False
    return intent == "deny" or bool(_PAST_WORDS.search(words))


def pause_form(tracker: Tracker) -> list[EventType]:
    """Stop the running form, remembering it to resume later (the check itself is never resumed)."""
    form = tracker.active_loop_name
    if not form:
        return []
    if form == CHECK_FORM:
        return [ActiveLoop(None)]
    return [ActiveLoop(None), SlotSet("paused_form", form)]


def give_numbers(dispatcher: CollectingDispatcher, tracker: Tracker, kinds: list[str], urgent: bool) -> None:
    """One short answer per crisis type, 112 where it is acute, then a way back."""
    for kind in kinds:
        dispatcher.utter_message(response=f"utter_crisis_{kind}")
    # 112 is part of the danger and general answers; elsewhere it is added when the words say it is acute.
    if urgent and not {"danger", "general"} & set(kinds):
        dispatcher.utter_message(response="utter_crisis_emergency")
    if tracker.active_loop_name not in (None, CHECK_FORM) or tracker.get_slot("paused_form"):
        dispatcher.utter_message(response="utter_crisis_resume_form")
    else:
        dispatcher.utter_message(response="utter_crisis_continue")


CLEARED = [SlotSet("crisis_candidate", None), SlotSet("crisis_prior", None), SlotSet("crisis_answer", None)]


class ActionCrisisSupport(Action):
    def name(self) -> str:
        return "action_crisis_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        urgent = "yes" in tracker.get_latest_entity_values("crisis_acute")
        give_numbers(dispatcher, tracker, crisis_types(tracker), urgent)
        return pause_form(tracker) + CLEARED


class ActionCrisisCheck(Action):
    """Unsure: pause what runs and ask (crisis_check_form). Unsure again while asking: give the numbers."""

    def name(self) -> str:
        return "action_crisis_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        candidate = crisis_types(tracker)[0]
        if tracker.active_loop_name == CHECK_FORM:
            give_numbers(dispatcher, tracker, [tracker.get_slot("crisis_candidate") or candidate], urgent=True)
            return pause_form(tracker) + CLEARED
        prior = next(tracker.get_latest_entity_values("crisis_prior"), None)
        return pause_form(tracker) + [SlotSet("crisis_candidate", candidate), SlotSet("crisis_prior", prior),
                                      FollowupAction(CHECK_FORM)]


class ValidateCrisisCheckForm(FormValidationAction):
    def name(self) -> str:
        return "validate_crisis_check_form"

    async def validate_crisis_answer(self, value, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict:
        if value in ("now", "past"):  # a button
            return {"crisis_answer": value}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return {"crisis_answer": "past" if answer_is_past(str(value), intent) else "now"}


class ActionCrisisResolve(Action):
    """After the check: "now" gets the numbers; "over" gets the answer the message would have had."""

    def name(self) -> str:
        return "action_crisis_resolve"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("crisis_answer") != "past":
            give_numbers(dispatcher, tracker, [tracker.get_slot("crisis_candidate") or "general"], urgent=True)
            return CLEARED
        dispatcher.utter_message(response="utter_crisis_cleared")
        prior = tracker.get_slot("crisis_prior") or ""
        if prior == "stop":  # "ik wil niet meer", and it meant this conversation
            return CLEARED + [FollowupAction("action_stop")]
        if tracker.get_slot("paused_form"):
            dispatcher.utter_message(response="utter_crisis_resume_form")
        elif prior.startswith("faq/") and f"utter_{prior}" in domain.get("responses", {}):
            dispatcher.utter_message(response=f"utter_{prior}")
        else:
            dispatcher.utter_message(response="utter_crisis_cleared_next")
        return CLEARED
