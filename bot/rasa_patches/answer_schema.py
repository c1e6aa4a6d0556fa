"""Rasa's check of the action server's answers (`RemoteAction._validate_action_result`), against its answer schema
compiled once.

Rasa 3.6 checks every answer with `jsonschema.validate(answer, schema)`, and that function first checks the schema
itself against JSON Schema's meta-schema, on every call, for a schema that is a constant of Rasa's code. Here the
schema is checked once, and each event of an answer against its own kind of event only (an event must match exactly
one of the schema's kinds, `oneOf`, each named by a constant `event`, so only its own kind can match). An answer that
passes is taken as Rasa would take it, and one that fails goes through Rasa's own check, so it is refused with Rasa's
own error. tests/bot/test_answer_schema.py compares both; docs/PERFORMANCE.md has what it saves.
"""
from __future__ import annotations

from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

PATCHED = (RemoteAction, "_validate_action_result")
rasa_original = RemoteAction._validate_action_result


def apply() -> None:
    """Make every RemoteAction of this process check answers against the schema compiled here (idempotent)."""
    if RemoteAction._validate_action_result is not rasa_original:
        return
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate does on each call, done once
    event_schema = schema["properties"]["events"]["items"]
    kinds = {kind["properties"]["event"]["const"]: cls({**event_schema, "oneOf": [kind]})
             for kind in event_schema["oneOf"]}
    if len(kinds) != len(event_schema["oneOf"]):  # not so in the Rasa this was written for; another may differ
        raise RuntimeError("two kinds of event share a name in Rasa's answer schema")
    outline = cls({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})

    def valid(result: Any) -> bool:
        if not outline.is_valid(result):
            return False
        for event in result.get("events", []):
            name = event.get("event") if isinstance(event, dict) else None
            if not isinstance(name, str) or name not in kinds or not kinds[name].is_valid(event):
                return False
        return True

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if valid(result):
            return True
        return rasa_original(self, result)  # raises Rasa's ValidationError, with its message

    RemoteAction._validate_action_result = _validate_action_result
