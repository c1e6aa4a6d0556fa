"""Not understood: first say what the bot can do, and when the next message is not understood either, a person.

A custom action instead of two rules: the second stage depends on what the bot did just before, which a
rule pair expressed only loosely (RulePolicy then fell through to the core fallback). In the middle of
"is this for me" the open question is asked again, as after a question in between."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.explore import open_question


def previous_bot_action(tracker: Tracker) -> str | None:
    """The last action before the visitor's latest message (action_listen not counted)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        second_time = previous_bot_action(tracker) == self.name()
        question = open_question(tracker)
        if second_time:
            dispatcher.utter_message(response="utter_fallback_phone")
        elif question:  # in "is this for me": no menu of other topics, the open question's buttons instead
            dispatcher.utter_message(response="utter_fallback_explore")
        else:
            dispatcher.utter_message(response="utter_fallback_suggest")
        if question:
            dispatcher.utter_message(response=question)
        return []
