"""Working a registration: the status workflow, outcome, assignment, notes, history and export.

Every change writes a history event and an audit entry in the same transaction as the change itself."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.db import utcnow
from api.registrations import service
from api.registrations.constants import ASSIGNABLE, FINAL, TRANSITIONS, WITH_OUTCOME, Status
from api.registrations.models import Registration, RegistrationEvent
from api.registrations.schemas import Outcome
from api.staff import service as staff_service
from api.staff.models import StaffUser
from api.staff.roles import Role, works_the_desk
from api.statistics import service as statistics
from api.statistics.mapping import row_values

log = logging.getLogger("api.registrations")


class Forbidden(Exception):
    """The user's role does not allow this on this registration."""


class NotAllowed(ValueError):
    """The change breaks a workflow rule; the message says which, in plain words."""


def view(db: Session, user: StaffUser, registration: Registration) -> None:
    """Record that `user` opened the decrypted details."""
    audit.record(db, user, "view", registration)
    db.commit()


def allowed_next(registration: Registration) -> tuple[Status, ...]:
    """The statuses this registration may move to now. Roles differ in what they see (and assign), not in the
    steps: a mediator only sees assigned work."""
    return TRANSITIONS[Status(registration.status)]


def check_outcome(status: Status, outcome: Outcome | None) -> Outcome:
    """The outcome a closing needs: "closed" (taken on by a mediator) needs the initiative and whether contact came
    about, with its form(s) if it did; "declined" needs the category of the reason. NotAllowed says what is missing."""
    if outcome is None:
        raise NotAllowed("closing needs an outcome" if status == Status.CLOSED
                         else "declining needs a reason from the list")
    if status == Status.DECLINED:
        if outcome.decline_category is None:
            raise NotAllowed("declining needs a reason from the list")
        if outcome.contact_made is not None or outcome.contact_forms:
            raise NotAllowed("a declined registration has no contact")
        return outcome
    if outcome.decline_category is not None:
        raise NotAllowed("a decline reason belongs to declining, not closing")
    if outcome.initiative is None or outcome.contact_made is None:
        raise NotAllowed("closing needs who took the initiative and whether contact came about")
    if outcome.contact_made != bool(outcome.contact_forms):
        raise NotAllowed("give the form(s) of contact when, and only when, contact came about")
    return outcome


def _apply_outcome(registration: Registration, outcome: Outcome) -> None:
    registration.initiative = outcome.initiative
    registration.decline_category = outcome.decline_category
    registration.contact_made = None if outcome.contact_made is None else ("yes" if outcome.contact_made else "no")
    registration.contact_forms = ",".join(sorted(set(outcome.contact_forms))) or None


def change_status(db: Session, user: StaffUser, registration: Registration, new_status: str,
                  reason: str | None = None, outcome: Outcome | None = None) -> Registration:
    if new_status not in allowed_next(registration):
        if new_status == Status.ASSIGNED:
            raise NotAllowed("assign a mediator to move a registration to 'assigned'")
        raise NotAllowed(f"a registration with status '{registration.status}' cannot go to '{new_status}'")
    final_outcome = check_outcome(Status(new_status), outcome) if new_status in FINAL else None
    if final_outcome is None and outcome is not None:
        raise NotAllowed("an outcome is recorded at closing only")
    old = registration.status
    now = utcnow()
    registration.status = new_status
    registration.updated_at = now
    if new_status == Status.DECLINED:
        registration.decline_reason = reason
    if final_outcome is not None:
        registration.closed_at = now
        _apply_outcome(registration, final_outcome)
        statistics.record(db, registration)
    if new_status == Status.IN_REVIEW and old == Status.ASSIGNED:
        registration.assigned_to_id = None
    db.add(RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="status",
                                  from_status=old, to_status=new_status, text=reason, created_at=now))
    audit.record(db, user, "status", registration, f"{old}->{new_status}")
    db.commit()
    log.info("registration status id=%s %s->%s user_id=%s", registration.id, old, new_status, user.id)
    return registration


def change_outcome(db: Session, user: StaffUser, registration: Registration,
                   outcome: Outcome | None) -> Registration:
    """Correct the outcome of a closed or declined registration; its statistics count moves along."""
    if registration.status not in WITH_OUTCOME:
        raise NotAllowed("an outcome is recorded at closing; this registration is not closed")
    outcome = check_outcome(Status(registration.status), outcome)
    before = row_values(registration)
    _apply_outcome(registration, outcome)
    now = utcnow()
    registration.updated_at = now
    statistics.replace(db, before, registration)
    db.add(RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="outcome",
                                  from_status=registration.status, to_status=registration.status, created_at=now))
    # The audit entry outlives erasure with the reference, so it names no categories (they would link back).
    audit.record(db, user, "outcome", registration)
    db.commit()
    log.info("registration outcome changed id=%s user_id=%s", registration.id, user.id)
    return registration


def withdraw(db: Session, registration: Registration) -> bool:
    """The registrant withdraws their registration (from the chat that made it): it becomes final, with a history
    event and an audit entry without a staff actor. True when it changed; False when it was withdrawn already
    (withdrawing again is fine). NotAllowed when staff closed or declined it already."""
    if registration.status == Status.WITHDRAWN:
        return False
    if registration.status in FINAL:
        raise NotAllowed(f"a registration with status '{registration.status}' cannot be withdrawn")
    old = registration.status
    now = utcnow()
    registration.status = Status.WITHDRAWN
    registration.updated_at = registration.closed_at = now
    statistics.record(db, registration)
    db.add(RegistrationEvent(registration_id=registration.id, actor_id=None, kind="withdrawal",
                             from_status=old, to_status=Status.WITHDRAWN, created_at=now))
    audit.record(db, None, "withdraw", registration, f"registrant via chat; {old}->{Status.WITHDRAWN}")
    db.commit()
    log.info("registration withdrawn id=%s %s->%s by the registrant", registration.id, old, Status.WITHDRAWN)
    return True


def assign(db: Session, user: StaffUser, registration: Registration, mediator_id: int) -> Registration:
    if not works_the_desk(user.role):
        raise Forbidden
    if registration.status not in ASSIGNABLE:
        raise NotAllowed(f"a registration with status '{registration.status}' cannot be assigned")
    mediator = db.get(StaffUser, mediator_id)
    if mediator is None or mediator.role != Role.MEDIATOR or not mediator.active:
        raise NotAllowed("choose an active mediator")
    now = utcnow()
    old = registration.status
    registration.assigned_to_id = mediator.id
    registration.updated_at = now
    if old in (Status.NEW, Status.IN_REVIEW):
        registration.status = Status.ASSIGNED
    db.add(RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="assign",
                                  from_status=old, to_status=registration.status, assigned_to_id=mediator.id,
                                  created_at=now))
    audit.record(db, user, "assign", registration, f"mediator {mediator.id}; {old}->{registration.status}")
    db.commit()
    log.info("registration assigned id=%s mediator_id=%s user_id=%s", registration.id, mediator.id, user.id)
    return registration


def add_note(db: Session, user: StaffUser, registration: Registration, text: str) -> RegistrationEvent:
    now = utcnow()
    event = RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="note", text=text,
                              created_at=now)
    registration.updated_at = now
    db.add(event)
    audit.record(db, user, "note", registration)
    db.commit()
    return event


def history(db: Session, registration: Registration) -> list[RegistrationEvent]:
    """Oldest first."""
    return list(db.scalars(select(RegistrationEvent)
                                .where(RegistrationEvent.registration_id == registration.id)
                                .order_by(RegistrationEvent.created_at, RegistrationEvent.id)))


def suggest_mediators(db: Session, registration: Registration) -> list[tuple[StaffUser, bool]]:
    """Active mediators, those working in the registration's region first (flagged True)."""
    people = staff_service.mediators(db)
    matches = [(m, True) for m in people if m.region and m.region == registration.region]
    return matches + [(m, False) for m in people if not (m.region and m.region == registration.region)]


def export(db: Session, user: StaffUser, registration: Registration) -> dict[str, Any]:
    """Right of access: everything stored about one registration (admin and intake only), recorded in the audit log."""
    if not works_the_desk(user.role):
        raise Forbidden("only the desk exports registrations")
    body = service.export(registration, history(db, registration))
    audit.record(db, user, "export", registration)
    db.commit()
    return body
