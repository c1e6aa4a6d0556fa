"""A professional registers a client, with that client's consent (referral_form)."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import CountingFormValidation


class ValidateReferralForm(CountingFormValidation):
    # The client's consent comes first: without it nothing else is asked.
    questions = ("client_consent", "referrer_organisation", "name", "phone", "email", "client_role", "event_kind",
                 "region")
    # A referrer is reached as a professional: organisation and own name are needed.
    required = frozenset({"referrer_organisation", "name", "client_consent"})
    # The region is the client's: so it is named in the summary and on the "change" buttons.
    field_names = {"region": ("Regio van je cliënt", "Your client's region")}

    def name(self) -> str:
        return "validate_referral_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("client_consent") == "no":
            return []  # "not yet": the form ends, action_handoff says what to do next and keeps nothing
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)
