"""The short path: a mediator calls the visitor back (callback_form)."""
from __future__ import annotations

from actions.forms import CountingFormValidation


class ValidateCallbackForm(CountingFormValidation):
    questions = ("name", "phone", "voicemail_ok", "call_time")
    required = frozenset({"phone"})  # a call-back needs a number

    def name(self) -> str:
        return "validate_callback_form"
