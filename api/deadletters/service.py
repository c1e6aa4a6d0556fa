"""Storing reports of the action server and listing what staff must act on."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.db import utcnow
from api.deadletters.models import DeadLetter
from api.deadletters.schemas import DeadLetterIn
from api.registrations.models import IdempotencyKey
from api.staff.models import StaffUser

log = logging.getLogger("api.deadletters")


def report(db: Session, data: DeadLetterIn) -> tuple[DeadLetter, bool]:
    """Store a report; the same key again updates reason, status and attempts. Returns (row, created)."""
    found = db.scalar(select(DeadLetter).where(DeadLetter.idempotency_key == data.idempotency_key))
    created = found is None
    row = found or DeadLetter(idempotency_key=data.idempotency_key, first_failed_at=utcnow())
    if created:
        db.add(row)
    row.reference, row.reason = data.reference, data.reason
    row.last_status, row.attempts, row.reported_at = data.last_status, data.attempts, utcnow()
    try:
        db.commit()
    except IntegrityError:  # the same key reported twice at once: the other report won, update that row
        db.rollback()
        if not created:
            raise
        return report(db, data)
    log.warning("dead letter %s reason=%s status=%s", row.reference, row.reason, row.last_status)
    return row, created


def open_letters(db: Session) -> list[DeadLetter]:
    """Oldest first. A "failing" item that has since been delivered (its key is known) needs no action."""
    delivered = exists().where(IdempotencyKey.key == DeadLetter.idempotency_key)
    query = select(DeadLetter).where(or_(DeadLetter.reason == "rejected", ~delivered))
    return list(db.scalars(query.order_by(DeadLetter.first_failed_at, DeadLetter.id)))


def remove(db: Session, dead_letter_id: int, actor: StaffUser) -> bool:
    """Forget a dead letter (an admin resolved it in the outbox), audited as done by `actor`; False when there
    is none with this id. The API's DELETE and the workspace button both come here."""
    row = db.get(DeadLetter, dead_letter_id)
    if row is None:
        return False
    audit.record(db, actor, "dead_letter", None, f"resolved {row.reason} attempts={row.attempts}",
                 reference=row.reference)
    db.delete(row)
    db.commit()
    log.info("dead letter %s removed", row.reference)
    return True


def purge_old(db: Session, days: float) -> list[str]:
    """Notices last reported more than `days` ago go, each with an audit stub (`make purge`; the action server's
    own purge deletes the record itself after the same period, INTAKE_OUTBOX_RETENTION_DAYS)."""
    cutoff = utcnow() - timedelta(days=days)
    rows = list(db.scalars(select(DeadLetter).where(DeadLetter.reported_at < cutoff)))
    for row in rows:
        audit.record(db, None, "dead_letter", None, f"retention {row.reason}", reference=row.reference)
        db.delete(row)
    db.commit()
    return [row.reference for row in rows]
