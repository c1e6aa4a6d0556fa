"""Writing and reading the audit log."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit.models import AuditEntry
from api.core.db import utcnow
from api.registrations.models import Registration
from api.staff.models import StaffUser

ACTIONS = ("view", "history", "export", "status", "assign", "note", "erase", "create", "dead_letter", "totp_enrol",
           "password", "outcome", "withdraw", "question_view", "question_answer", "question_handled")


def record(db: Session, actor: StaffUser | None, action: str, registration: Registration | None, detail: str = "", *,
           reference: str | None = None) -> AuditEntry:
    """Add an entry for `registration` (a Registration) by `actor` (a StaffUser, or None for the system).
    `registration` is None for a hand-off that never became one (a dead letter), named by `reference` only.
    The caller commits, so the entry and the change it describes are stored together."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(at=utcnow(), actor_id=actor.id if actor else None,
                       actor_role=actor.role if actor else "system", action=action,
                       registration_id=registration.id if registration is not None else None,
                       reference=registration.reference if registration is not None else reference,
                       detail=detail[:120])
    db.add(entry)
    return entry


def list_entries(db: Session, page: int, page_size: int, registration_id: int | None = None,
                 action: str | None = None) -> tuple[list[AuditEntry], int]:
    """Newest first."""
    query = select(AuditEntry)
    if registration_id is not None:
        query = query.where(AuditEntry.registration_id == registration_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                           .offset((page - 1) * page_size).limit(page_size)).all()
    return list(rows), total
