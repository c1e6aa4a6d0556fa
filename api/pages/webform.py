"""The plain web form: from posted fields to a `RegistrationIn`, or to per-field messages for the visitor.

The rules themselves live once, in `api.registrations.schemas.RegistrationIn`; this module only maps its
errors to the form's fields and to plain-language messages.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.pages.texts import CHOICES
from api.registrations.schemas import RegistrationIn
from contract import CONSENT_VERSION

TEXT_FIELDS = ("referrer_organisation", "description", "name", "phone", "email")
CHOICE_FIELDS = ("kind", "role", "client_role", "event_kind", "setting", "when_happened", "other_party_known",
                 "procedures", "contact_form", "voicemail_ok", "email_ok", "call_time", "region")
CHECKBOX_FIELDS = ("on_behalf", "client_consent", "consent")
# Upper bound on what we even look at; RegistrationIn enforces the real limits with a clear message.
MAX_FIELD_CHARS = 5000

# Model-level rules of RegistrationIn have no field in their error location: attach them to the field to fix
# (message fragment, field, a valid stand-in to look past the rule). Most specific fragment first.
_MODEL_RULES = (
    ("client_consent must be true", "client_consent", True),
    ("consent must be true", "consent", True),
    ("phone and email", "phone", "+31612345678"),
)
# Valid stand-ins for fields that failed, so the model rules can still be checked in the same answer.
_FIELD_STAND_INS = {"phone": "+31612345678", "email": "stand-in@example.org"}


def blank_values(language: str) -> dict[str, str]:
    """What an empty form shows: each choice at its first option (the "unknown"/default answer)."""
    values = {name: "" for name in TEXT_FIELDS + CHECKBOX_FIELDS}
    values.update({name: CHOICES[language][name][0][0] for name in CHOICE_FIELDS})
    return values


def read_values(form: FormData, language: str) -> dict[str, str]:
    """The visitor's input as strings (kept to show it again when something needs fixing)."""
    values = blank_values(language)
    for name in TEXT_FIELDS + CHOICE_FIELDS:
        raw = form.get(name)
        if isinstance(raw, str):
            values[name] = raw[:MAX_FIELD_CHARS]
    for name in CHECKBOX_FIELDS:
        values[name] = "yes" if form.get(name) == "yes" else ""
    return values


def _record(values: dict[str, str], language: str, consent_at: datetime) -> dict[str, object]:
    record: dict[str, object] = {name: values[name] for name in TEXT_FIELDS + CHOICE_FIELDS}
    record.update({name: values[name] == "yes" for name in CHECKBOX_FIELDS})
    record.update(source="webform", language=language, consent_at=consent_at, consent_version=CONSENT_VERSION)
    return record


def _message_key(field: str, error_type: str) -> str:
    if error_type == "string_too_long":
        return "error_too_long"
    if error_type == "literal_error":
        return "error_choice"
    if field in ("phone", "email"):
        return f"error_{field}"
    return "error_generic"


def validate(values: dict[str, str], language: str) -> tuple[RegistrationIn | None, dict[str, str]]:
    """A valid record, or a message key per field. Field rules and model rules are reported together:
    pydantic stops before the model rules when a field fails, so failing parts are set aside and checked again."""
    # Second precision: a double-click on "Verstuur" then carries the same data and the same idempotency key.
    consent_at = datetime.now(timezone.utc).replace(microsecond=0)
    record = _record(values, language, consent_at)
    errors: dict[str, str] = {}
    for _round in range(len(_MODEL_RULES) + 2):
        try:
            data = RegistrationIn.model_validate(record)
        except ValidationError as exc:
            for err in exc.errors():
                if err["loc"]:
                    field = str(err["loc"][0])
                    errors.setdefault(field, _message_key(field, err["type"]))
                    record[field] = _FIELD_STAND_INS.get(field, RegistrationIn.model_fields[field].default)
                    continue
                for fragment, field, stand_in in _MODEL_RULES:
                    if fragment in err["msg"]:
                        errors.setdefault(field, "error_contact" if field == "phone" else f"error_{field}")
                        record[field] = stand_in
                        break
                else:
                    errors.setdefault("form", "error_generic")
                    return None, errors
            continue
        return (None, errors) if errors else (data, {})
    return None, errors or {"form": "error_generic"}


def submission_key(value: object) -> str | None:
    """The form's idempotency key if it is a UUID4 string (a tampered one just means no replay protection)."""
    try:
        key = uuid.UUID(str(value))
    except ValueError:
        return None
    return str(key) if key.version == 4 else None
