"""After the summary: hand the registration to the backend (outbox first), or drop it when the visitor
said no. Either way every answer is wiped from the conversation afterwards."""
from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend import Delivery
from actions.config import get_settings
from actions.forms import CountingFormValidation, filled
from actions.outbox import get_outbox
from actions.registry import FORMS, form_validator
from contract import CHOICES, CONSENT_VERSION, MAX_LENGTH, UNKNOWN, new_reference

# The retry loop leaves a fresh item alone while the first delivery attempt is under way.
FIRST_ATTEMPT_HOLD = 30.0
# The record's closed and free-text fields the forms ask (contract/registration.yml); kind, source and language
# are set below from the form and the conversation, not asked.
ENUM_FIELDS = tuple(field for field in CHOICES if field not in ("kind", "source", "language"))
TEXT_FIELDS = tuple(MAX_LENGTH)

# The code of the last registration this conversation handed off: the only one it may withdraw (actions/withdraw.py).
REFERENCE_SLOT = "registration_reference"

log = logging.getLogger(__name__)


def finished_form(tracker: Tracker) -> str | None:
    """Name of the form that just ended (the last loop that was active)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") in FORMS:
            return event["name"]
    return None


def build_record(form_name: str, form: CountingFormValidation, tracker: Tracker, reference: str) -> dict[str, Any]:
    """The registration record of docs/ARCHITECTURE.md from the answers the visitor gave."""
    asked = set(form.fields(tracker))
    record: dict[str, Any] = {"reference": reference, "source": "chat",
                              "kind": "callback" if form_name == "callback_form" else "registration"}
    for field in ENUM_FIELDS:
        value = tracker.get_slot(field) if field in asked else None
        record[field] = value if filled(value) else UNKNOWN
    for field in TEXT_FIELDS:
        value = tracker.get_slot(field) if field in asked else None
        record[field] = value if filled(value) else None
    referral = form_name == "referral_form"
    record.update(
        role="professional" if referral else record["role"],
        on_behalf=referral,
        client_consent=referral and tracker.get_slot("client_consent") == "yes",
        language="en" if tracker.get_slot("language") == "en" else "nl",
        consent=True,
        consent_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        consent_version=CONSENT_VERSION,
    )
    return record


def wipe(tracker: Tracker) -> list[dict]:
    """Forget every answer; keep only the language the visitor chose, and the code of a registration this
    conversation handed off (so it can still be withdrawn here)."""
    events = [AllSlotsReset(), SlotSet("language", tracker.get_slot("language") or "nl")]
    reference = tracker.get_slot(REFERENCE_SLOT)
    return [*events, SlotSet(REFERENCE_SLOT, reference)] if reference else events


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        form_name = finished_form(tracker)
        if form_name is None or tracker.get_slot("consent") != "yes":
            not_yet = form_name == "referral_form" and tracker.get_slot("client_consent") == "no"
            dispatcher.utter_message(response="utter_client_consent_not_yet" if not_yet else "utter_consent_declined")
            return wipe(tracker)
        settings = get_settings()
        outbox = get_outbox(settings)
        key, reference = str(uuid.uuid4()), new_reference()
        record = build_record(form_name, form_validator(form_name), tracker, reference)
        # Durable first: if anything below fails, the record is still sent by the retry loop.
        await asyncio.to_thread(outbox.add, key, reference, record, FIRST_ATTEMPT_HOLD)
        outcome = await asyncio.to_thread(outbox.attempt, key)
        log.info("hand-off %s stored, first delivery: %s", reference, outcome.value)
        if outcome is Delivery.REJECTED:
            # Kept in the outbox's dead-letter state; it will not arrive by itself, so say so.
            dispatcher.utter_message(response="utter_handoff_failed", reference=reference)
            return wipe(tracker)
        response = "utter_handoff_delivered" if outcome is Delivery.DELIVERED else "utter_handoff_pending"
        if form_name == "callback_form":
            response += "_callback"
        dispatcher.utter_message(response=response, reference=reference)
        # Delivered or on its way: it can be withdrawn in this conversation.
        return [*wipe(tracker), SlotSet(REFERENCE_SLOT, reference)]
