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

log = logging.getLogger("api.deadletters")


def report(session: Session, data: DeadLetterIn) -> tuple[DeadLetter, bool]:
    """Store a report; the same key again updates reason, status and attempts. Returns (row, created)."""
    row = session.scalar(select(DeadLetter).where(DeadLetter.idempotency_key == data.idempotency_key))
    created = row is None
    if created:
        row = DeadLetter(idempotency_key=data.idempotency_key, first_failed_at=utcnow())
        session.add(row)
    row.reference, row.reason = data.reference, data.reason
    row.last_status, row.attempts, row.reported_at = data.last_status, data.attempts, utcnow()
    try:
        session.commit()
    except IntegrityError:  # the same key reported twice at once: the other report won, update that row
        session.rollback()
        if not created:
            raise
        return report(session, data)
    log.warning("dead letter %s reason=%s status=%s", row.reference, row.reason, row.last_status)
    return row, created


def open_letters(session: Session) -> list[DeadLetter]:
    """Oldest first. A "failing" item that has since been delivered (its key is known) needs no action."""
    delivered = exists().where(IdempotencyKey.key == DeadLetter.idempotency_key)
    query = select(DeadLetter).where(or_(DeadLetter.reason == "rejected", ~delivered))
    return list(session.scalars(query.order_by(DeadLetter.first_failed_at, DeadLetter.id)))


def remove(session: Session, dead_letter_id: int, actor) -> bool:
    """Forget a dead letter (an admin resolved it in the outbox), audited as done by `actor`; False when there
    is none with this id. The API's DELETE and the workspace button both come here."""
    row = session.get(DeadLetter, dead_letter_id)
    if row is None:
        return False
    audit.record(session, actor, "dead_letter", None, f"resolved {row.reason} attempts={row.attempts}",
                 reference=row.reference)
    session.delete(row)
    session.commit()
    log.info("dead letter %s removed", row.reference)
    return True


def purge_old(session: Session, days: float) -> list[str]:
    """Notices last reported more than `days` ago go, each with an audit stub (`make purge`; the action server's
    own purge deletes the record itself after the same period, INTAKE_OUTBOX_RETENTION_DAYS)."""
    cutoff = utcnow() - timedelta(days=days)
    rows = list(session.scalars(select(DeadLetter).where(DeadLetter.reported_at < cutoff)))
    for row in rows:
        audit.record(session, None, "dead_letter", None, f"retention {row.reason}", reference=row.reference)
        session.delete(row)
    session.commit()
    return [row.reference for row in rows]


def may_see(role: str) -> bool:
    """Admins and intake staff handle undeliverable hand-offs; mediators only see assigned work."""
    return role in ("admin", "intake")
