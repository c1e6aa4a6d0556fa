"""'Is this something for me?': three questions (role, event, when), then what fits that situation.

Buttons fill the explore_ slots through entities; a typed first message may already say some of it.
The answer is composed from domain responses, the slots are reset right after, and nothing leaves Rasa.
"""
from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

STEPS = (("explore_role", "utter_explore_ask_role"), ("explore_event", "utter_explore_ask_event"),
         ("explore_when", "utter_explore_ask_when"))

# Clear cues in a typed message; anything vaguer is asked with buttons.
HINTS: dict[str, list[tuple[str, str]]] = {
    "explore_role": [
        ("caused", r"\b(?:ik heb (?:\w+ ){0,4}(?:gedaan|aangedaan|veroorzaakt)|beschuldigd|(?:i|i've) (?:did|caused|"
                   r"hurt)|accused)\b"),
        ("close_one", r"\bmijn (?:dochter|zoon|kind|partner|vrouw|man|moeder|vader|zus|broer|vriendin?)\b(?! en ik)"),
        ("affected", r"\b(?:overkwam mij|is mij (?:\w+ )?overkomen|bij mij|mij (?:lastig|aangeraakt|geslagen)|"
                     r"happened to me)\b"),
    ],
    "explore_event": [
        ("sexual_boundary", r"seks|grens|intimid|aangerand|betast|aangeraakt|ongewenst|sexual|harass"),
        ("traffic", r"verkeer|aanrijding|ongeluk|ongeval|auto|fiets|traffic|crash|accident"),
        ("domestic", r"\bthuis\b|huiselijk|at home|domestic"),
        ("violence_crime",
         r"overval|inbraak|mishandel|geslagen|beroofd|diefstal|geweld|robbed|burglar|assault|violence"),
        ("medical", r"medisch|ziekenhuis|arts|dokter|operatie|medical|hospital"),
    ],
    "explore_when": [
        ("years", r"\b(?:\d+|twee|drie|vier|vijf|tien|veel|paar) jaar|jaren|lang geleden|vroeger|als kind|years"),
        ("months", r"maanden|vorig(?:e)? (?:maand|zomer|winter)|months"),
        ("recent", r"gisteren|vorige week|kort geleden|net gebeurd|vandaag|last week|yesterday|recently"),
    ],
}


def hints_from_text(text: str) -> dict[str, str]:
    """The explore_ values a typed message states plainly (first match per slot)."""
    lower = text.lower()
    found = {}
    for slot, options in HINTS.items():
        for value, pattern in options:
            if re.search(pattern, lower):
                found[slot] = value
                break
    return found


def open_question(tracker: Tracker) -> str | None:
    """The response that asks the exploration's open question, when one waits for its answer outside a form."""
    if not tracker.get_slot("explore_open") or (tracker.active_loop or {}).get("name"):
        return None
    return next((question for slot, question in STEPS if not tracker.get_slot(slot)), None)


class ActionExplore(Action):
    def name(self) -> str:
        return "action_explore"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        latest = tracker.latest_message or {}
        text = latest.get("text") or ""
        if text.startswith("/") or (latest.get("intent") or {}).get("name") != "explore":
            # a button answer, or back after a question in between: keep what was chosen before
            values = {slot: tracker.get_slot(slot) for slot, _ in STEPS}
        else:  # a typed question starts a fresh exploration
            values = {slot: None for slot, _ in STEPS} | hints_from_text(text)
        events: list[EventType] = [SlotSet(slot, value) for slot, value in values.items()]

        for slot, question in STEPS:
            if not values[slot]:
                dispatcher.utter_message(response=question)
                return events + [SlotSet("explore_open", True)]

        dispatcher.utter_message(response=f"utter_explore_role_{values['explore_role']}")
        dispatcher.utter_message(response=f"utter_explore_event_{values['explore_event']}")
        dispatcher.utter_message(response=f"utter_explore_when_{values['explore_when']}")
        dispatcher.utter_message(response="utter_explore_offer")
        return [SlotSet(slot, None) for slot, _ in STEPS] + [SlotSet("explore_open", False)]
