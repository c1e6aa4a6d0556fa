"""Starting, stopping and picking up a conversation."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, FollowupAction, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import wipe
from actions.registry import FORMS


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "nl"


class ActionSessionStart(Action):
    """A new session forgets everything except the language (carry_over_slots_to_new_session is false)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return [SessionStarted(), SlotSet("language", _language(tracker)), ActionExecuted("action_listen")]


class ActionStop(Action):
    """"Stop" at any moment: end the form, wipe every answer, leave the door open."""

    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *wipe(tracker)]


class ActionRestart(Action):
    """"Opnieuw beginnen": a fresh conversation in the same language."""

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_restart")
        return [Restarted(), SlotSet("language", _language(tracker))]


class ActionResumeForm(Action):
    """Pick up the form that a crisis answer paused, at the first question still open."""

    def name(self) -> str:
        return "action_resume_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        form = tracker.get_slot("paused_form")
        if form not in FORMS:
            dispatcher.utter_message(response="utter_nothing_to_resume")
            return []
        dispatcher.utter_message(response="utter_resume")
        return [SlotSet("paused_form", None), FollowupAction(form)]
