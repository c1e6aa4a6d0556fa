"""The registration record of docs/ARCHITECTURE.md as pydantic models."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from api.core.ids import Id
from api.registrations.constants import Status
from api.registrations.contact import normalise_email, normalise_phone
from contract import CHOICES, MAX_LENGTH, REFERENCE_PATTERN, UNKNOWN

# The record's closed fields take their values from the contract (contract/registration.yml, which the action
# server reads too): a Literal of the contract's tuple validates them and lists them as enums in the OpenAPI
# description. mypy cannot read a Literal built from data, so it sees the plain str they are.
if TYPE_CHECKING:
    Kind: TypeAlias = str
    Source: TypeAlias = str
    Role: TypeAlias = str
    ClientRole: TypeAlias = str
    EventKind: TypeAlias = str
    Setting: TypeAlias = str
    WhenHappened: TypeAlias = str
    OtherPartyKnown: TypeAlias = str
    Procedures: TypeAlias = str
    ContactForm: TypeAlias = str
    VoicemailOk: TypeAlias = str
    EmailOk: TypeAlias = str
    CallTime: TypeAlias = str
    Region: TypeAlias = str
    Language: TypeAlias = str
    ContactFormUsed: TypeAlias = str
else:
    Kind = Literal[CHOICES["kind"]]
    Source = Literal[CHOICES["source"]]
    Role = Literal[CHOICES["role"]]
    ClientRole = Literal[CHOICES["client_role"]]
    EventKind = Literal[CHOICES["event_kind"]]
    Setting = Literal[CHOICES["setting"]]
    WhenHappened = Literal[CHOICES["when_happened"]]
    OtherPartyKnown = Literal[CHOICES["other_party_known"]]
    Procedures = Literal[CHOICES["procedures"]]
    ContactForm = Literal[CHOICES["contact_form"]]
    VoicemailOk = Literal[CHOICES["voicemail_ok"]]
    EmailOk = Literal[CHOICES["email_ok"]]
    CallTime = Literal[CHOICES["call_time"]]
    Region = Literal[CHOICES["region"]]
    Language = Literal[CHOICES["language"]]
    # The forms of contact a mediation used: the record's forms but "unknown", alphabetical.
    ContactFormUsed = Literal[tuple(sorted(form for form in CHOICES["contact_form"] if form != UNKNOWN))]
# The outcome recorded at closing (the categories of the foundation's annual report).
Initiative = Literal["affected", "caused", "other"]  # who asked for mediation: the one it happened to (or the
# bereaved), the one who caused it, or a witness or other person involved
DeclineCategory = Literal["duplicate", "out_of_scope", "no_other_party_details", "awaiting_prosecutor", "other"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SOMETHING = r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"


def _clean(value: object, *, multiline: bool) -> object:
    """Strip control and format characters (keeping newlines in free text); blank becomes None."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Cf")
    value = _CONTROL.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    else:
        value = value.replace("\r", "").replace("\t", " ")
    value = value.strip()
    return value or None


def _line(value: object) -> object:
    return _clean(value, multiline=False)


def _text(value: object) -> object:
    return _clean(value, multiline=True)


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValueError:
        raise ValueError("phone is not a valid phone number") from None


def _email(value: str) -> str:
    try:
        return normalise_email(value)
    except ValueError:
        raise ValueError("email is not a valid e-mail address") from None


Name = Annotated[Annotated[str, StringConstraints(max_length=MAX_LENGTH["name"])] | None, BeforeValidator(_line)]
Organisation = Annotated[Annotated[str, StringConstraints(max_length=MAX_LENGTH["referrer_organisation"])] | None,
                         BeforeValidator(_line)]
Description = Annotated[Annotated[str, StringConstraints(max_length=MAX_LENGTH["description"])] | None,
                        BeforeValidator(_text)]
Phone = Annotated[Annotated[str, StringConstraints(max_length=MAX_LENGTH["phone"]), AfterValidator(_phone)] | None,
                  BeforeValidator(_line)]
Email = Annotated[Annotated[str, StringConstraints(max_length=MAX_LENGTH["email"]), AfterValidator(_email)] | None,
                  BeforeValidator(_line)]


class RegistrationIn(BaseModel):
    """A registration as a caller (action server or web form) hands it in."""

    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, StringConstraints(pattern=REFERENCE_PATTERN)] | None = None
    kind: Kind = "registration"
    source: Source
    role: Role = "unknown"
    on_behalf: bool = False
    client_consent: bool = False
    referrer_organisation: Organisation = None
    client_role: ClientRole = "unknown"  # who the client of a referrer is in what happened
    event_kind: EventKind = "unknown"
    setting: Setting = "unknown"
    when_happened: WhenHappened = "unknown"
    other_party_known: OtherPartyKnown = "unknown"
    procedures: Procedures = "unknown"
    contact_form: ContactForm = "unknown"
    description: Description = None
    name: Name = None
    phone: Phone = None
    email: Email = None
    voicemail_ok: VoicemailOk = "unknown"
    email_ok: EmailOk = "unknown"
    call_time: CallTime = "unknown"
    region: Region = "unknown"
    language: Language = "nl"
    consent: bool
    consent_at: AwareDatetime
    consent_version: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,32}$")]

    @model_validator(mode="after")
    def _rules(self) -> RegistrationIn:
        if not self.consent:
            raise ValueError("consent must be true")
        if not self.phone and not self.email:
            raise ValueError("at least one of phone and email is required")
        if self.on_behalf and not self.client_consent:
            raise ValueError("client_consent must be true when on_behalf is true")
        return self


class HandOffIn(RegistrationIn):
    """The hand-off always carries the reference the caller already showed the visitor."""

    reference: Annotated[str, StringConstraints(pattern=REFERENCE_PATTERN)]


class RegistrationCreated(BaseModel):
    id: Id
    reference: str
    status: Status


class Withdrawal(BaseModel):
    """The answer to a withdrawal: the registration's code and its status now (`withdrawn`)."""

    reference: str
    status: Status


class RegistrationSummary(BaseModel):
    """A list row: no contact details or description."""

    model_config = ConfigDict(from_attributes=True)

    id: Id
    reference: str
    kind: Kind
    source: Source
    role: Role
    on_behalf: bool
    event_kind: EventKind
    region: Region
    language: Language
    status: Status
    assigned_to_id: Id | None
    voicemail_ok: VoicemailOk
    created_at: datetime
    untouched: bool = False  # still new after two working days: a reminder for the desk


class RegistrationOut(BaseModel):
    """One registration with its decrypted contact details, for staff."""

    model_config = ConfigDict(from_attributes=True)

    id: Id
    reference: str
    kind: Kind
    source: Source
    role: Role
    on_behalf: bool
    client_consent: bool
    referrer_organisation: str | None
    client_role: ClientRole
    event_kind: EventKind
    setting: Setting
    when_happened: WhenHappened
    other_party_known: OtherPartyKnown
    procedures: Procedures
    contact_form: ContactForm
    description: str | None
    name: str | None
    phone: str | None
    email: str | None
    voicemail_ok: VoicemailOk
    email_ok: EmailOk
    call_time: CallTime
    region: Region
    language: Language
    consent: bool
    consent_at: datetime
    consent_version: str
    status: Status
    assigned_to_id: Id | None
    decline_reason: str | None
    outcome: OutcomeOut | None = None  # closed and declined only
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class RegistrationPage(BaseModel):
    items: list[RegistrationSummary]
    total: int
    page: int
    page_size: int


# Something left after cleaning (JSON Schema's pattern names white space, control and the common format characters).
Note = Annotated[Annotated[str, StringConstraints(max_length=2000, pattern=_SOMETHING)], BeforeValidator(_text)]
Reason = Annotated[Annotated[str, StringConstraints(max_length=500, pattern=_SOMETHING)], BeforeValidator(_text)]


class Outcome(BaseModel):
    """What became of a registration: required when closing ("closed": initiative and contact; "declined": the
    category), changeable afterwards. Which fields belong to which status is checked in workflow.check_outcome."""

    model_config = ConfigDict(extra="forbid")

    initiative: Initiative | None = None
    contact_made: bool | None = None
    contact_forms: list[ContactFormUsed] = Field(default_factory=list, max_length=5)
    decline_category: DeclineCategory | None = None


class OutcomeOut(BaseModel):
    initiative: Initiative | None
    contact_made: bool | None
    contact_forms: list[ContactFormUsed]
    decline_category: DeclineCategory | None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    reason: Reason | None = None  # staff's own words when declining (optional; encrypted)
    outcome: Outcome | None = None  # required for "closed" and "declined"


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mediator_id: Id


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Note


class EventOut(BaseModel):
    """One line of a registration's history."""

    model_config = ConfigDict(from_attributes=True)

    id: Id
    kind: Literal["status", "assign", "note", "outcome", "withdrawal"]  # withdrawal: by the registrant (chat)
    actor_id: Id | None
    from_status: Status | None
    to_status: Status | None
    assigned_to_id: Id | None
    text: str | None
    created_at: datetime


class MediatorSuggestion(BaseModel):
    id: Id
    email: str
    region: str | None
    suggested: bool


class StatusCounts(BaseModel):
    counts: dict[str, int]
    total: int
    untouched: int = 0  # new registrations past the two-working-day reminder
