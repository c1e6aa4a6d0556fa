"""The full registration (intake_form)."""
from __future__ import annotations

from actions.forms import CountingFormValidation


class ValidateIntakeForm(CountingFormValidation):
    questions = ("role", "event_kind", "setting", "when_happened", "other_party_known", "procedures",
                 "contact_form", "description", "name", "phone", "email", "voicemail_ok", "email_ok",
                 "call_time", "region")

    def name(self) -> str:
        return "validate_intake_form"
