"""From a registration to the coarse categories it is counted under in the statistics, derived where honest,
"unknown" otherwise."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from api.registrations.constants import Status
from api.registrations.models import Registration

CONTACT_FORMS = ("conversation", "group_meeting", "letters", "shuttle", "video_message")
_LOCAL = ZoneInfo("Europe/Amsterdam")  # a registration on 31 December 23:30 Dutch time belongs to that year

# Organisation types of the annual report, recognised by names a referrer writes (the field is free text).
# Anything else a professional wrote is "other"; nothing written is "unknown". Police is not a judicial
# institution in the report's sense, so it counts as "other".
REFERRER_WORDS = {
    "victim_support": ("slachtofferhulp", "shn", "victim support"),
    "probation": ("reclassering", "probation"),
    "child_protection": ("kinderbescherming", "jeugdbescherming", "child protection"),
    "judicial": ("openbaar ministerie", "justitie", "justitiële", "justitiele", "rechtbank", "penitentiaire",
                 "gevangenis", "dji", "tbs", "forensisch"),
}


def referrer_type(registration: Registration) -> str:
    if registration.role != "professional":
        return "none"
    text = (registration.referrer_organisation or "").lower()
    if not text:
        return "unknown"
    words = set(text.replace(",", " ").replace("(", " ").replace(")", " ").split())
    for kind, names in REFERRER_WORDS.items():
        if any((name in words) if " " not in name and len(name) <= 4 else (name in text) for name in names):
            return kind
    return "other"


def period_of(registration: Registration) -> tuple[int, int]:
    """Year and quarter in which the registration came in."""
    local = registration.created_at.astimezone(_LOCAL)
    return local.year, (local.month - 1) // 3 + 1


def outcome_of(registration: Registration) -> str:
    return {Status.CLOSED: "taken_on", Status.DECLINED: "declined", Status.WITHDRAWN: "withdrawn"}.get(
        Status(registration.status), "erased_open")


def row_values(registration: Registration) -> dict:
    """The categories of `registration` as it stands now (the columns of api.statistics.models.IntakeCount and
    CourseCount)."""
    year, quarter = period_of(registration)
    outcome = outcome_of(registration)
    forms = set((registration.contact_forms or "").split(",")) if outcome == "taken_on" else set()
    return {
        "year": year, "quarter": quarter, "channel": registration.source, "kind": registration.kind,
        "role": registration.role, "referrer": referrer_type(registration), "event_kind": registration.event_kind,
        "language": registration.language,
        # The region question asks for the province (or abroad), so it maps one to one.
        "province": registration.region,
        "outcome": outcome,
        "decline_reason": (registration.decline_category or "unknown") if outcome == "declined" else "none",
        "initiative": registration.initiative or "unknown",
        "contact_made": (registration.contact_made or "unknown") if outcome == "taken_on" else "none",
        **{f"form_{form}": form in forms for form in CONTACT_FORMS},
    }
