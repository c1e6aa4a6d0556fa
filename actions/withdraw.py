"""Withdrawing the registration made in this conversation ("trek mijn aanmelding in"). Only the code that this
conversation's hand-off put in its slot is withdrawn, never a code the visitor types: anyone could type someone
else's. The withdrawal goes through the hand-off's outbox, after the hand-off (actions/outbox.py)."""
from __future__ import annotations

import asyncio
import logging
import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend import Delivery
from actions.config import get_settings
from actions.handoff import FIRST_ATTEMPT_HOLD, REFERENCE_SLOT
from actions.outbox import get_outbox

# Without a registration in this conversation: how to withdraw one made before (phone or mail).
HOW_TO = "utter_faq/withdraw"
ANSWERS = {Delivery.DELIVERED: "utter_withdraw_done", Delivery.RETRY: "utter_withdraw_pending",
           Delivery.REJECTED: "utter_withdraw_failed"}

log = logging.getLogger(__name__)


class ActionOfferWithdrawal(Action):
    """Ask first ("Ja, trek in" / "Nee, laat staan") when this conversation handed off a registration."""

    def name(self) -> str:
        return "action_offer_withdrawal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        reference = tracker.get_slot(REFERENCE_SLOT)
        if reference:
            dispatcher.utter_message(response="utter_withdraw_confirm", reference=reference)
        else:
            dispatcher.utter_message(response=HOW_TO)
        return []


class ActionWithdrawRegistration(Action):
    """The visitor said yes: queue the withdrawal in the outbox and try it at once (after the hand-off)."""

    def name(self) -> str:
        return "action_withdraw_registration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        reference = tracker.get_slot(REFERENCE_SLOT)
        if not reference:
            dispatcher.utter_message(response=HOW_TO)
            return []
        outbox = get_outbox(get_settings())
        key = str(uuid.uuid4())
        # Durable first, like the hand-off: if the backend is away, the retry loop sends it later, in order.
        await asyncio.to_thread(outbox.add_withdrawal, key, reference, FIRST_ATTEMPT_HOLD)
        outcome = await asyncio.to_thread(outbox.attempt, key)
        log.info("withdrawal %s stored, first attempt: %s", reference, outcome.value)
        dispatcher.utter_message(response=ANSWERS[outcome], reference=reference)
        return []
