"""Dutch words for the stored codes, as staff read them. Answer labels come from the public form's texts."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from api.pages.texts import CHOICES, RETIRED_CHOICES
from api.registrations.constants import Status
from api.staff.roles import Role

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: "Beheerder", Role.INTAKE: "Medewerker aanmeldpunt", Role.MEDIATOR: "Bemiddelaar"}
STATUS_LABELS: dict[str, str] = {
    Status.NEW: "Nieuw", Status.IN_REVIEW: "In behandeling", Status.ASSIGNED: "Toegewezen",
    Status.CONTACTED: "Contact gehad", Status.INTAKE_PLANNED: "Intake gepland", Status.CLOSED: "Afgesloten",
    Status.DECLINED: "Niet in behandeling genomen", Status.WITHDRAWN: "Ingetrokken door aanmelder",
}
SOURCE_LABELS = {"chat": "Chat", "webform": "Webformulier"}
KIND_LABELS = {"registration": "Aanmelding", "callback": "Terugbelverzoek"}
LANGUAGE_LABELS = {"nl": "Nederlands", "en": "Engels"}
AUDIT_ACTIONS = {"view": "Bekeken", "export": "Geëxporteerd", "status": "Status gewijzigd", "assign": "Toegewezen",
                 "note": "Notitie", "erase": "Gewist", "create": "Aangemaakt",
                 "dead_letter": "Niet afgeleverd: afgehandeld", "history": "Geschiedenis gelezen (API)",
                 "totp_enrol": "Tweestapsverificatie ingesteld", "password": "Wachtwoord gewijzigd",
                 "outcome": "Uitkomst gewijzigd", "withdraw": "Ingetrokken door aanmelder",
                 "question_view": "Vraag bekeken",
                 "question_answer": "Vraag beantwoord", "question_handled": "Vraag afgehandeld"}
EVENT_KIND_LABELS = {"status": "Status", "assign": "Toegewezen", "note": "Notitie", "outcome": "Uitkomst",
                     "withdrawal": "Ingetrokken door aanmelder"}
# The outcome recorded at closing (schemas.Initiative, DeclineCategory, ContactFormUsed).
INITIATIVE_LABELS = {"affected": "Degene die het overkwam, of een nabestaande",
                     "caused": "Degene die het (mogelijk) veroorzaakte", "other": "Een getuige of andere betrokkene"}
CONTACT_MADE_LABELS = {"yes": "Ja, er was contact", "no": "Nee, er was geen contact"}
CONTACT_FORM_LABELS = {"conversation": "Gesprek", "group_meeting": "Groepsherstelbijeenkomst",
                       "letters": "Briefwisseling",
                       "shuttle": "Pendelbemiddeling (de bemiddelaar brengt berichten over)",
                       "video_message": "Video- of audioboodschap"}
DECLINE_LABELS = {"duplicate": "Dubbele aanmelding", "out_of_scope": "Past niet binnen onze dienstverlening",
                  "no_other_party_details": "Het OM gaf geen gegevens van de andere partij",
                  "awaiting_prosecutor": "Eerst afwachten of het OM mediation in strafzaken aanbiedt",
                  "other": "Een andere reden"}
REGIONS = [(value, label) for value, label in CHOICES["nl"]["region"] if value != "unknown"] + [
    ("unknown", "Onbekend")]

# Messages after a form post, by key: the redirect carries only the key, never text typed by people.
MESSAGES = {
    "question_answered": "Je antwoord is opgeslagen. De vrager leest het met de ophaalcode.",
    "question_handled": "De vraag is afgehandeld.",
    "status": "De status is gewijzigd.",
    "assigned": "De aanmelding is toegewezen.",
    "note": "De notitie is opgeslagen.",
    "outcome": "De uitkomst is gewijzigd.",
    "erased": "De aanmelding is gewist. In het auditlog staat alleen nog dat zij bestond.",
    "dead_letter_resolved": "De niet-afgeleverde aanmelding is als afgehandeld gemarkeerd en staat in het "
                            "auditlog.",
    "user_created": "Het account is aangemaakt. De gebruiker kiest bij de eerste keer aanmelden een eigen "
                    "wachtwoord en stelt tweestapsverificatie in.",
    "password_changed": "Je wachtwoord is gewijzigd. Je bent op je andere apparaten afgemeld.",
    "user_updated": "Het account is bijgewerkt.",
    "enrolled": "Tweestapsverificatie is ingesteld.",
    "signed_out": "Je bent afgemeld.",
    "signed_out_everywhere": "Je bent op alle apparaten afgemeld.",
    "expired": "Je sessie is verlopen. Meld je opnieuw aan.",
}


def answer(field: str, value: str | None) -> str:
    """The label of a stored answer, e.g. answer("region", "utrecht") == "Utrecht"."""
    if value is None:
        return "–"
    if field == "region":
        return dict(REGIONS).get(value, value)
    if field == "kind":
        return KIND_LABELS.get(value, value)
    return dict(CHOICES["nl"].get(field, []) + RETIRED_CHOICES.get(field, [])).get(value, value)


def status(value: str | None) -> str:
    return STATUS_LABELS.get(value or "", value or "–")


_LOCAL = ZoneInfo("Europe/Amsterdam")  # the desk works in Dutch time; the database keeps UTC


def when(moment: datetime | None) -> str:
    return moment.astimezone(_LOCAL).strftime("%d-%m-%Y %H:%M") if moment else "–"
