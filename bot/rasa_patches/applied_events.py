"""Rasa's `DialogueStateTracker.applied_events()`, carried forward as a conversation grows instead of recomputed
from its first event on every call.

Rasa 3.6 calls it several times a turn (processor, form, both policies) and each call starts again from the first
event; in a form it is quadratic, as every form step searches back for the one before (docs/PERFORMANCE.md has what
carrying it forward saves). Rasa only ever appends to a tracker's
event list, so the applied events of its first n events never change: each tracker keeps them and goes on from
there. Anything else (another event list, a capped one, a form name not seen in the kept part) is computed from the
start, as Rasa does. tests/bot/test_applied_events.py compares with Rasa's own.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

PATCHED = (DialogueStateTracker, "applied_events")
rasa_original = DialogueStateTracker.applied_events


@dataclass
class _Kept:
    events: object  # the tracker's event deque these were computed from
    count: int
    loop_names: frozenset[str]
    applied: list[Event]


def _loop_names(events: Iterable[Event]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _apply(tracker: DialogueStateTracker, event: Event, applied: list[Event], loop_names: frozenset[str]) -> None:
    """One step of Rasa 3.6.21's `applied_events` loop, with Rasa's own helpers."""
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
          and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def applied_events(self: DialogueStateTracker) -> list[Event]:
    events = self.events
    if events.maxlen is not None:  # a capped history drops its first events: not carried (not used here)
        return rasa_original(self)
    kept: _Kept | None = self.__dict__.get("_kept_applied")
    still_valid = kept is not None and kept.events is events and kept.count <= len(events)
    new = list(islice(events, kept.count, None)) if still_valid else []
    if still_valid and _loop_names(new) <= kept.loop_names:
        applied, loop_names = kept.applied, kept.loop_names
    else:  # from the start (a loop name seen only now changes how earlier events count)
        new = list(events)
        applied, loop_names = [], _loop_names(new)
    for event in new:
        _apply(self, event, applied, loop_names)
    self.__dict__["_kept_applied"] = _Kept(events, len(events), loop_names, applied)
    return list(applied)  # callers may change the list they get, as they may with Rasa's


def apply() -> None:
    """Make every tracker of this process keep its applied events (idempotent)."""
    DialogueStateTracker.applied_events = applied_events
