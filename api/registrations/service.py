"""Storing, finding, listing and erasing registrations, and who may see which. `create_registration` is the one
way a registration is stored; changes to a stored one are in workflow.py."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.db import utcnow
from api.registrations.constants import FINAL, Status
from api.registrations.models import IdempotencyKey, Registration, RegistrationEvent
from api.registrations.schemas import EventOut, RegistrationIn, RegistrationOut
from api.staff.models import StaffUser
from api.staff.roles import works_the_desk
from api.statistics import service as statistics
from contract import UNKNOWN, new_reference

log = logging.getLogger("api.registrations")
Scope = ColumnElement[bool]  # a WHERE clause limiting a query to the registrations one user may see

# Record fields added after the first hand-offs were stored, with their default (payload_digest).
LATER_FIELDS: dict[str, object] = {"client_role": UNKNOWN}
# A new registration nobody has picked up after this many working days (Monday to Friday) gets a reminder marker.
REMINDER_WORKING_DAYS = 2


class IdempotencyConflict(Exception):
    """The idempotency key was used before with different data."""


class ReferenceConflict(Exception):
    """Another registration already has this reference."""


@dataclass(frozen=True)
class CreateResult:
    registration: Registration
    created: bool  # False when an earlier identical request with the same key is answered again


def generate_reference() -> str:
    """A fresh `PH-XXXX-XXXX` code from the unambiguous alphabet (contract/registration.yml)."""
    return new_reference()


def payload_digest(data: RegistrationIn) -> str:
    """SHA-256 of the canonical (normalised, key-sorted) record: equal data gives an equal digest. A field added to
    the record later is left out at its default, so a hand-off stored before it existed and sent again after the
    upgrade still has the digest it was stored with (else its retry would be refused as a conflict)."""
    record = data.model_dump(mode="json")
    for field, default in LATER_FIELDS.items():
        if record.get(field) == default:
            del record[field]
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _replay(db: Session, key: str, digest: str) -> Registration | None:
    row = db.get(IdempotencyKey, key)
    if row is None:
        return None
    if row.payload_sha256 != digest:
        raise IdempotencyConflict
    return db.get(Registration, row.registration_id)


def create_registration(db: Session, data: RegistrationIn, idempotency_key: str | None = None) -> CreateResult:
    """Store `data` (generating a reference when it has none). With `idempotency_key`, a repeat of the same
    data returns the first registration, a repeat with other data raises IdempotencyConflict; concurrent
    repeats store one row (the database's unique constraints decide, the loser reads the winner's row)."""
    digest = payload_digest(data)
    if idempotency_key is not None:
        earlier = _replay(db, idempotency_key, digest)
        if earlier is not None:
            log.info("registration replayed id=%s", earlier.id)
            return CreateResult(earlier, created=False)
    # A generated reference may (very rarely) collide: try a few; a caller's own reference is tried once.
    for _attempt in range(1 if data.reference else 5):
        fields = data.model_dump(exclude={"reference"})
        registration = Registration(**fields, reference=data.reference or generate_reference(), status=Status.NEW)
        db.add(registration)
        try:
            db.flush()
            if idempotency_key is not None:
                db.add(IdempotencyKey(key=idempotency_key, payload_sha256=digest, registration_id=registration.id))
                db.flush()
            db.commit()
        except IntegrityError:
            db.rollback()
            if idempotency_key is not None:
                earlier = _replay(db, idempotency_key, digest)
                if earlier is not None:
                    log.info("registration replayed after a concurrent insert id=%s", earlier.id)
                    return CreateResult(earlier, created=False)
            if data.reference:
                raise ReferenceConflict from None
            continue
        log.info("registration created id=%s source=%s kind=%s", registration.id, registration.source,
                 registration.kind)
        return CreateResult(registration, created=True)
    raise ReferenceConflict


@dataclass(frozen=True)
class Filters:
    """Inbox filters; None means "any". Ages are whole days since the registration came in."""

    status: str | None = None
    kind: str | None = None
    event_kind: str | None = None
    region: str | None = None
    min_age_days: int | None = None
    max_age_days: int | None = None
    reference: str | None = None  # the whole code or a part of it, any case
    untouched: bool = False  # only new registrations past the reminder limit (untouched_clause)


def reminder_cutoff(now: datetime) -> datetime:
    """The moment REMINDER_WORKING_DAYS working days before `now`; weekend days do not count."""
    moment, left = now, REMINDER_WORKING_DAYS
    while left:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


def untouched_clause(now: datetime) -> ColumnElement[bool]:
    """A WHERE clause for registrations still new after REMINDER_WORKING_DAYS working days."""
    return and_(Registration.status == Status.NEW, Registration.created_at <= reminder_cutoff(now))


def is_untouched(registration: Registration, now: datetime) -> bool:
    return registration.status == Status.NEW and registration.created_at <= reminder_cutoff(now)


def can_see(user: StaffUser, registration: Registration) -> bool:
    """Admins and intake staff see everything; a mediator only what is assigned to them."""
    return works_the_desk(user.role) or registration.assigned_to_id == user.id


def visible_to(user: StaffUser) -> Scope:
    """A WHERE clause limiting a registration query to what `user` may see."""
    if works_the_desk(user.role):
        return true()
    return Registration.assigned_to_id == user.id


def _filtered(query: Select[Any], filters: Filters, now: datetime) -> Select[Any]:
    for column, value in ((Registration.status, filters.status), (Registration.kind, filters.kind),
                          (Registration.event_kind, filters.event_kind), (Registration.region, filters.region)):
        if value is not None:
            query = query.where(column == value)
    if filters.min_age_days is not None:
        query = query.where(Registration.created_at <= now - timedelta(days=filters.min_age_days))
    if filters.max_age_days is not None:
        query = query.where(Registration.created_at > now - timedelta(days=filters.max_age_days + 1))
    if filters.reference:
        needle = filters.reference.strip().upper().replace("%", "").replace("_", "")
        query = query.where(Registration.reference.contains(needle))
    if filters.untouched:
        query = query.where(untouched_clause(now))
    return query


def list_registrations(db: Session, page: int, page_size: int, filters: Filters = Filters(),
                       scope: Scope | None = None) -> tuple[list[Registration], int]:
    """One page, newest first, and the total count; `scope` is a WHERE clause (see visible_to)."""
    query = _filtered(select(Registration).where(true() if scope is None else scope), filters, utcnow())
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(
        query.order_by(Registration.created_at.desc(), Registration.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return list(rows), total


def count_by_status(db: Session, scope: Scope | None = None) -> dict[str, int]:
    rows = db.execute(select(Registration.status, func.count()).where(true() if scope is None else scope)
                           .group_by(Registration.status))
    return {status: count for status, count in rows}


def count_untouched(db: Session, scope: Scope | None = None, now: datetime | None = None) -> int:
    """How many new registrations nobody picked up within the reminder limit."""
    query = select(func.count()).select_from(Registration).where(true() if scope is None else scope,
                                                                 untouched_clause(now or utcnow()))
    return db.scalar(query) or 0


def find_by_reference(db: Session, reference: str) -> Registration | None:
    return db.scalar(select(Registration).where(Registration.reference == reference))


def get_registration(db: Session, registration_id: int) -> Registration | None:
    return db.get(Registration, registration_id)


def export(registration: Registration, events: list[RegistrationEvent]) -> dict[str, Any]:
    """Everything stored about one registration, as JSON-ready data (right of access)."""
    return {
        "registration": RegistrationOut.model_validate(registration).model_dump(mode="json"),
        "history": [EventOut.model_validate(e).model_dump(mode="json") for e in events],
        "exported_at": utcnow().isoformat(),
    }


def erase(db: Session, registration: Registration, actor: StaffUser | None = None) -> None:
    """Delete the registration with its history and idempotency keys (they cascade); the audit log keeps a
    stub: id, reference, who and when. A registration erased before closing is counted in the statistics now (a
    closed one was counted at closing). `actor` None is the retention job. The caller commits."""
    if registration.status not in FINAL:
        statistics.record(db, registration)
    audit.record(db, actor, "erase", registration, "retention" if actor is None else "request")
    db.execute(delete(Registration).where(Registration.id == registration.id))
    log.info("registration erased id=%s by=%s", registration.id, actor.id if actor else "retention")


@dataclass(frozen=True)
class PurgeResult:
    erased: int
    closed_kept: int
    not_closed: int
    cutoff: datetime


def purge_closed(db: Session, retention_days: int, now: datetime | None = None) -> PurgeResult:
    """Erase registrations closed (or declined) more than `retention_days` ago; open ones stay."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    finished = Registration.status.in_(FINAL)
    expired = db.scalars(select(Registration).where(finished, Registration.closed_at < cutoff)).all()
    for registration in expired:
        erase(db, registration)
    db.commit()
    erased = len(expired)
    closed_kept = db.scalar(select(func.count()).where(finished)) or 0
    not_closed = db.scalar(select(func.count()).where(~finished)) or 0
    log.info("purge erased=%s closed_kept=%s not_closed=%s", erased, closed_kept, not_closed)
    return PurgeResult(erased, closed_kept, not_closed, cutoff)
