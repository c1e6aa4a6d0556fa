"""The Rasa process: `python -m bot.serve run ...` is `rasa run ...` (and `... test core ...` is `rasa test core`),
with changes to how Rasa computes, not to what it computes:

- the action server's answers are checked against Rasa's answer schema compiled once. Rasa 3.6 checks every answer
  with `jsonschema.validate(answer, schema)`, and that function first checks the schema itself against JSON
  Schema's meta-schema, on every call: 1.7 of the 2.3 ms a check takes, for a schema that is a constant of Rasa's
  code, once or twice a turn (docs/PERFORMANCE.md). Here the schema is checked once, and each event of an answer
  against its own kind of event only; an answer that passes is taken as Rasa would take it, and one that fails goes
  through Rasa's own check, so it is refused with Rasa's own error;
- each tracker carries its applied events forward instead of recomputing them (bot/applied_events.py);
- graphs run node after node, without Dask's scheduler (bot/graph_runner.py);
- the requests to the action server are written by orjson (bot/action_calls.py);
- events read back (from Redis, from the action server) find their class by name once (bot/event_types.py).

Before Rasa reads its files, the start-up refuses what must not run: `--enable-api` (Rasa's HTTP API loads models and
rewrites conversations for anyone who reaches it) and `--cors`, a missing or weak INTAKE_BOT_SECRET (the secret of the
REST channel and of the calls to the action server), and an INTAKE_REDIS_TLS it cannot read.
"""
from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot.action_calls import write_bodies_with_orjson
from bot.applied_events import carry_applied_events_forward
from bot.event_types import find_event_classes_once
from bot.graph_runner import run_graphs_in_order

REFUSED_OPTIONS = ("--enable-api", "--cors")
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")

_rasa_check = RemoteAction._validate_action_result


def check_answers_with_compiled_schema() -> None:
    """Make every RemoteAction of this process check answers against the schema compiled here (idempotent)."""
    if RemoteAction._validate_action_result is not _rasa_check:
        return
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate does on each call, done once
    # An event must match exactly one of the schema's 23 kinds (`oneOf`), each named by a constant `event`: only
    # its own kind can match, so it is checked against that one instead of trying all 23 (0.56 ms an answer).
    event_schema = schema["properties"]["events"]["items"]
    kinds = {kind["properties"]["event"]["const"]: cls({**event_schema, "oneOf": [kind]})
             for kind in event_schema["oneOf"]}
    if len(kinds) != len(event_schema["oneOf"]):  # not so in Rasa 3.6.21; another Rasa may differ
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
        return _rasa_check(self, result)  # raises Rasa's ValidationError, with its message

    RemoteAction._validate_action_result = _validate_action_result


def change_rasa() -> None:
    """All five changes, for this process (the conversation tests' agent makes them too)."""
    check_answers_with_compiled_schema()
    carry_applied_events_forward()
    run_graphs_in_order()
    write_bodies_with_orjson()
    find_event_classes_once()


def refused_option(argv: Sequence[str]) -> str | None:
    """The first of REFUSED_OPTIONS on the command line, also abbreviated (argparse takes `--enable` for it)."""
    for arg in argv:
        name = arg.split("=", 1)[0]
        if name.startswith("--") and len(name) > 2:
            for option in REFUSED_OPTIONS:
                if option.startswith(name):
                    return option
    return None


def prepare_environment(env: MutableMapping[str, str]) -> str | None:
    """What is wrong with the environment, in one line naming the variable (never its value); else None, with the
    optional Redis variables of bot/endpoints.redis.yml given the values Rasa and redis-py read as "off"."""
    from actions.config import BOT_SECRET_VARIABLE, MIN_SECRET_LENGTH, is_weak_secret

    if is_weak_secret(env.get(BOT_SECRET_VARIABLE, "")):
        return (f"refusing to start: {BOT_SECRET_VARIABLE} is missing, shorter than {MIN_SECRET_LENGTH} characters "
                "or a published value")
    tls = env.get("INTAKE_REDIS_TLS", "").strip().lower()
    if tls not in TRUE + FALSE:
        return "refusing to start: INTAKE_REDIS_TLS must be true or false"
    env["INTAKE_REDIS_TLS"] = "true" if tls in TRUE else ""  # Rasa passes a string: any non-empty one is TLS on
    env.setdefault("INTAKE_REDIS_PASSWORD", "")  # empty: no AUTH
    ca_file = env.setdefault("INTAKE_REDIS_CA_CERTS", "")
    if tls in TRUE and not Path(ca_file).is_file():
        return "refusing to start: INTAKE_REDIS_TLS is on and INTAKE_REDIS_CA_CERTS is not a file"
    return None


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    option = refused_option(argv)
    if option:
        sys.exit(f"bot.serve: {option} is refused: it opens Rasa to anyone who can reach it")
    # Only the server reads the channel's credentials and the endpoints (`test core` reads neither).
    problem = prepare_environment(os.environ) if argv[:1] == ["run"] else None
    if problem:
        sys.exit(f"bot.serve: {problem}")  # one line on stderr, exit status 1
    from rasa.__main__ import main as rasa_main

    change_rasa()
    rasa_main()  # reads the command line as `rasa` does


if __name__ == "__main__":
    main()
