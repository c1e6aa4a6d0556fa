"""Reading the workspace's forms and query strings into plain values, and their Dutch error messages."""
from __future__ import annotations

from typing import get_args

from pydantic import ValidationError
from starlette.datastructures import FormData, QueryParams

from api.registrations import schemas
from api.registrations.constants import Status
from api.registrations.schemas import Outcome, _text
from api.registrations.service import Filters
from api.workspace import labels

# Query-string values of the inbox filters; anything else is ignored (the filter shows "alle").
FILTER_CHOICES: dict[str, list[tuple[str, str]]] = {
    "status": [(s, labels.status(s)) for s in Status],
    "kind": list(labels.KIND_LABELS.items()),
    "event_kind": [(v, labels.answer("event_kind", v)) for v in get_args(schemas.EventKind)],
    "region": labels.REGIONS,
    "age": [("0-2", "0–2 dagen"), ("3-7", "3–7 dagen"), ("8-30", "8–30 dagen"), ("31-", "Meer dan 30 dagen")],
}
_AGES = {"0-2": (None, 2), "3-7": (3, 7), "8-30": (8, 30), "31-": (31, None)}

ERRORS = {
    "reason": "Kies een reden uit de lijst als je een aanmelding niet in behandeling neemt.",
    "outcome": "Vul de uitkomst in: wie nam het initiatief, kwam er contact, en zo ja in welke vorm(en).",
    "status": "Deze statuswijziging kan nu niet. Kies een van de stappen die het formulier aanbiedt.",
    "assign": "Kies een actieve bemiddelaar.",
    "note": "Een lege notitie is niet opgeslagen.",
    "confirm": "Vink aan dat je deze aanmelding definitief wilt wissen.",
}
_USER_ERRORS = {
    "role must be": "Kies een rol.",
    "at least": "Het wachtwoord is te kort.",
    "at most": "Het wachtwoord is te lang.",
    "breached": "Dit wachtwoord staat in een lijst van gelekte wachtwoorden of is te makkelijk te raden. Kies een "
                "langere zin van een paar woorden.",
    "must differ": "Kies een ander wachtwoord dan je huidige.",
    "e-mail address is not valid": "Vul een geldig e-mailadres in.",
    "exists": "Er is al een account met dit e-mailadres.",
    "own admin role": "Je kunt je eigen beheerdersrol niet afnemen.",
    "deactivate your own": "Je kunt je eigen account niet uitschakelen.",
    "reset your own": "Stel je eigen tweestapsverificatie opnieuw in via ‘Tweestapsverificatie’.",
}


def text(form: FormData, name: str, limit: int) -> str:
    """A single-line field, trimmed and cut at `limit`; "" when absent."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def note(form: FormData, name: str, limit: int) -> str | None:
    """Free text as the API cleans it (control characters out, blank is None); too long is refused as None."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    cleaned = _text(value)
    return cleaned if isinstance(cleaned, str) and len(cleaned) <= limit else None


def number(form: FormData, name: str) -> int | None:
    value = text(form, name, 12)
    return int(value) if value.isdigit() else None


def outcome(form: FormData) -> Outcome | None:
    """The outcome fields of a closing or correcting form; unknown values count as not given."""
    made = text(form, "contact_made", 4)
    values = {"initiative": text(form, "initiative", 16) or None,
              "decline_category": text(form, "decline_category", 32) or None,
              "contact_made": {"yes": True, "no": False}.get(made),
              "contact_forms": [v for v in form.getlist("contact_forms")[:5] if isinstance(v, str)]}
    try:
        return Outcome(**values)
    except ValidationError:
        return None


def region(form: FormData) -> str:
    value = text(form, "region", 32)
    return value if value in dict(labels.REGIONS) else ""


def user_error(message: str) -> str:
    return next((dutch for fragment, dutch in _USER_ERRORS.items() if fragment in message),
                "Dit kan niet worden opgeslagen.")


def inbox_filters(params: QueryParams) -> tuple[Filters, dict[str, str], int]:
    """The inbox's filters from the query string; unknown values are dropped, not an error."""
    values = {name: params.get(name, "") for name in ("status", "kind", "event_kind", "region", "age")}
    for name, choices in FILTER_CHOICES.items():
        if values[name] not in dict(choices):
            values[name] = ""
    values["reference"] = params.get("reference", "").strip()[:12]
    values["untouched"] = "1" if params.get("untouched") == "1" else ""
    min_age, max_age = _AGES.get(values["age"], (None, None))
    page_text = params.get("page", "1")
    page = min(int(page_text), 10_000) if page_text.isdigit() and int(page_text) > 0 else 1
    filters = Filters(status=values["status"] or None, kind=values["kind"] or None,
                      event_kind=values["event_kind"] or None, region=values["region"] or None,
                      min_age_days=min_age, max_age_days=max_age, reference=values["reference"] or None,
                      untouched=bool(values["untouched"]))
    return filters, values, page
