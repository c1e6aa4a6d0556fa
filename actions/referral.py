"""A professional registers a client, with that client's consent (referral_form)."""
from __future__ import annotations

from actions.forms import CountingFormValidation


class ValidateReferralForm(CountingFormValidation):
    questions = ("referrer_organisation", "name", "phone", "email", "client_consent", "event_kind", "region")
    # A referrer is reached as a professional: organisation and own name are needed.
    required = frozenset({"referrer_organisation", "name", "client_consent"})

    def name(self) -> str:
        return "validate_referral_form"
