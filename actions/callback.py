"""The short path: a mediator calls the visitor back (callback_form). Only what a safe call needs: the number,
whether a message may be left, and when; the mediator asks the rest on the phone."""
from __future__ import annotations

from actions.forms import CountingFormValidation


class ValidateCallbackForm(CountingFormValidation):
    questions = ("phone", "voicemail_ok", "call_time")
    required = frozenset({"phone"})  # a call-back needs a number

    def name(self) -> str:
        return "validate_callback_form"
