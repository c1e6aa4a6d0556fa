"""Changes to how Rasa computes, not to what it computes: each module stands in for one symbol of Rasa's own code
(`PATCHED`: its owner and attribute), keeps Rasa's original as `rasa_original`, and has an idempotent `apply()`.
docs/PERFORMANCE.md has the table: the patched symbol, the Rasa code it stands in for, the test that proves it gives
Rasa's result, and what it saves.

They replace private internals of one Rasa release, so `apply()` refuses any other (`RasaVersionError`): a new Rasa
needs each patch compared with its code again, and the tests run. `INTAKE_RASA_PATCHES=off` runs Rasa as it is (to
debug, and to compare).
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import rasa

from bot.rasa_patches import action_calls, answer_schema, applied_events, event_types, graph_runner

RASA_VERSION = "3.6.21"  # the release whose code the patches were compared with
PATCHES = (answer_schema, applied_events, graph_runner, action_calls, event_types)
SWITCH = "INTAKE_RASA_PATCHES"


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the release the patches were written against."""


def enabled(env: Mapping[str, str] = os.environ) -> bool:
    value = env.get(SWITCH, "on").strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"{SWITCH} must be on or off")
    return value == "on"


def apply(env: Mapping[str, str] = os.environ) -> bool:
    """Apply every patch to this process (idempotent); False when INTAKE_RASA_PATCHES=off. Nothing is applied, and
    RasaVersionError raised, when the installed Rasa is not RASA_VERSION."""
    if not enabled(env):
        return False
    if rasa.__version__ != RASA_VERSION:
        raise RasaVersionError(f"the Rasa patches (bot/rasa_patches) were written for Rasa {RASA_VERSION}, this is "
                               f"Rasa {rasa.__version__}; {SWITCH}=off runs without them")
    for patch in PATCHES:
        patch.apply()
    return True
