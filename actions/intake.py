"""The full registration (intake_form): only what a mediator needs to call back well. How the contact should go,
what was reported and when it happened are left to the mediator's intake talk (their record fields stay unknown)."""
from __future__ import annotations

from actions.forms import CountingFormValidation


class ValidateIntakeForm(CountingFormValidation):
    questions = ("role", "event_kind", "setting", "description", "name", "phone", "email", "voicemail_ok",
                 "email_ok", "call_time", "region")

    def name(self) -> str:
        return "validate_intake_form"
