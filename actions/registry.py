"""Which validator belongs to which form, and what kind of record each form hands off."""
from __future__ import annotations

from actions.callback import ValidateCallbackForm
from actions.forms import CountingFormValidation
from actions.intake import ValidateIntakeForm
from actions.referral import ValidateReferralForm

FORMS: dict[str, CountingFormValidation] = {
    "intake_form": ValidateIntakeForm(),
    "callback_form": ValidateCallbackForm(),
    "referral_form": ValidateReferralForm(),
}


def form_validator(form_name: str | None) -> CountingFormValidation:
    return FORMS.get(form_name or "", FORMS["intake_form"])
