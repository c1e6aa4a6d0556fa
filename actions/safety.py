"""Crisis support: the right number(s) first, in any state; a running form waits instead of going on."""
from __future__ import annotations


from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# Most urgent first; mirrors bot/nlu/crisis_lexicon.py CRISIS_TYPES (the action server cannot import bot/).
CRISIS_TYPES = ("suicide", "danger", "sexual_violence", "domestic_violence", "general")


def crisis_types(tracker: Tracker) -> list[str]:
    """Crisis types of the latest message; `general` when the classifier alone recognised a crisis."""
    found = set(tracker.get_latest_entity_values("crisis_type"))
    kinds = [kind for kind in CRISIS_TYPES if kind in found]
    return kinds or ["general"]


class ActionCrisisSupport(Action):
    def name(self) -> str:
        return "action_crisis_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        kinds = crisis_types(tracker)
        for kind in kinds:
            dispatcher.utter_message(response=f"utter_crisis_{kind}")
        # 112 is part of the danger and general answers; everyone else still hears it once.
        if not {"danger", "general"} & set(kinds):
            dispatcher.utter_message(response="utter_crisis_emergency")
        dispatcher.utter_message(response="utter_crisis_not_care")

        form = tracker.active_loop_name
        if form:
            dispatcher.utter_message(response="utter_crisis_resume_form")
            return [ActiveLoop(None), SlotSet("paused_form", form)]
        dispatcher.utter_message(response="utter_crisis_continue")
        return []


