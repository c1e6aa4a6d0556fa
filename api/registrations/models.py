"""Tables of registrations and of the hand-off's idempotency keys."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.crypto import EncryptedString
from api.core.db import Base, UTCDateTime, utcnow
from api.registrations.constants import WITH_OUTCOME, Status
from contract import UNKNOWN


class Registration(Base):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(32))
    on_behalf: Mapped[bool] = mapped_column(Boolean)
    client_consent: Mapped[bool] = mapped_column(Boolean)
    referrer_organisation: Mapped[str | None] = mapped_column(EncryptedString)
    # Who a referrer's client is in what happened (contract: client_role); "unknown" for everyone else.
    client_role: Mapped[str] = mapped_column(String(32), default=UNKNOWN, server_default=UNKNOWN)
    event_kind: Mapped[str] = mapped_column(String(32))
    setting: Mapped[str] = mapped_column(String(32))
    when_happened: Mapped[str] = mapped_column(String(32))
    other_party_known: Mapped[str] = mapped_column(String(32))
    procedures: Mapped[str] = mapped_column(String(32))
    contact_form: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(EncryptedString)
    name: Mapped[str | None] = mapped_column(EncryptedString)
    phone: Mapped[str | None] = mapped_column(EncryptedString)
    email: Mapped[str | None] = mapped_column(EncryptedString)
    voicemail_ok: Mapped[str] = mapped_column(String(32))
    email_ok: Mapped[str] = mapped_column(String(32))
    call_time: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default=Status.NEW, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    decline_reason: Mapped[str | None] = mapped_column(EncryptedString)  # staff's own words, optional
    # The outcome recorded at closing (workflow.check_outcome): closed lists only, so they can be counted.
    decline_category: Mapped[str | None] = mapped_column(String(32))
    initiative: Mapped[str | None] = mapped_column(String(16))
    contact_made: Mapped[str | None] = mapped_column(String(8))  # yes, no
    contact_forms: Mapped[str | None] = mapped_column(String(80))  # comma-separated codes, sorted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def outcome(self) -> dict[str, object] | None:
        """The recorded outcome (schemas.OutcomeOut) of a closed or declined registration."""
        if self.status not in WITH_OUTCOME:
            return None
        return {"initiative": self.initiative, "decline_category": self.decline_category,
                "contact_made": None if self.contact_made is None else self.contact_made == "yes",
                "contact_forms": [f for f in (self.contact_forms or "").split(",") if f]}


class IdempotencyKey(Base):
    """One row per hand-off key: the hash of what was sent and the registration it created."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegistrationEvent(Base):
    """The history of a registration: status changes, assignments and internal notes (encrypted)."""

    __tablename__ = "registration_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # status, assign, note, outcome, withdrawal
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    assigned_to_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(EncryptedString)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("StaffUser", foreign_keys=[actor_id], lazy="joined")
