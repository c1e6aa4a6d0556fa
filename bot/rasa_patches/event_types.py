"""Rasa's event classes found by name once, instead of by a search through all of Event's subclasses per event.

Rasa turns every stored event back into an object through `Event.resolve_by_type`, which lists every subclass of
`Event` (recursively, checking each for abstract methods) to find the one with that name. The Redis tracker store
of several Rasa processes reads the whole conversation that way twice a turn (to hand it over, and again to merge
before it saves; docs/PERFORMANCE.md has what keeping the classes saves). Each name is looked
up Rasa's way the first time and its class kept; a name Rasa does not know is not kept, so it gets Rasa's default
or Rasa's error every time. Rasa's events are all defined when its events module is imported, and this project
defines none, so the class first found for a name stays the one Rasa finds.
"""
from __future__ import annotations

from rasa.shared.core.events import Event

PATCHED = (Event, "resolve_by_type")
rasa_original = Event.resolve_by_type
_found: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _found.get(type_name) if isinstance(type_name, str) else None
    if found is None:
        found = rasa_original(type_name, default)
        if found is not None and found is not default:  # a known name: its class
            _found[type_name] = found
    return found


def apply() -> None:
    """Make every event this process reads find its class in the ones already found (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
