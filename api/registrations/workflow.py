"""Working a registration: who may see it, the status workflow, assignment, notes and history.

Every change writes a history event and an audit entry in the same transaction as the change itself."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, select, true
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.db import utcnow
from api.registrations.models import Registration, RegistrationEvent
from api.registrations.schemas import Outcome
from api.staff.models import StaffUser
from api.statistics import service as statistics
from api.statistics.mapping import row_values

log = logging.getLogger("api.registrations")

STATUSES = ("new", "in_review", "assigned", "contacted", "intake_planned", "closed", "declined")
FINAL = ("closed", "declined")
# new → in review → assigned → contacted → intake planned → closed; declined (with a reason) from any open
# status. "assigned" is reached by assigning a mediator, never by a bare status change; one step back is
# allowed where a desk needs it (a mediator hands a case back for review).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_review", "declined"),
    "in_review": ("declined",),
    "assigned": ("contacted", "in_review", "declined"),
    "contacted": ("intake_planned", "closed", "declined"),
    "intake_planned": ("closed", "declined"),
    "closed": (),
    "declined": (),
}
ASSIGNABLE = ("new", "in_review", "assigned", "contacted", "intake_planned")
STATUS_LABELS = {
    "new": "Nieuw", "in_review": "In behandeling", "assigned": "Toegewezen", "contacted": "Contact gehad",
    "intake_planned": "Intake gepland", "closed": "Afgesloten", "declined": "Niet in behandeling genomen",
}


# A new registration nobody has picked up after this many working days (Monday to Friday) gets a reminder marker.
REMINDER_WORKING_DAYS = 2


def reminder_cutoff(now: datetime) -> datetime:
    """The moment REMINDER_WORKING_DAYS working days before `now`; weekend days do not count."""
    moment, left = now, REMINDER_WORKING_DAYS
    while left:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


def untouched_clause(now: datetime):
    """A WHERE clause for registrations still new after REMINDER_WORKING_DAYS working days."""
    return and_(Registration.status == "new", Registration.created_at <= reminder_cutoff(now))


def is_untouched(registration: Registration, now: datetime) -> bool:
    return registration.status == "new" and registration.created_at <= reminder_cutoff(now)


class Forbidden(Exception):
    """The user's role does not allow this on this registration."""


class NotAllowed(ValueError):
    """The change breaks a workflow rule; the message says which, in plain words."""


def can_see(user: StaffUser, registration: Registration) -> bool:
    """Admins and intake staff see everything; a mediator only what is assigned to them."""
    return user.role in ("admin", "intake") or registration.assigned_to_id == user.id


def visible_to(user: StaffUser):
    """A WHERE clause limiting a registration query to what `user` may see."""
    if user.role in ("admin", "intake"):
        return true()
    return Registration.assigned_to_id == user.id


def load(session: Session, user: StaffUser, registration_id: int) -> Registration | None:
    """The registration, None when missing; Forbidden when the user may not see it."""
    registration = session.get(Registration, registration_id)
    if registration is not None and not can_see(user, registration):
        log.info("registration refused id=%s user_id=%s role=%s", registration_id, user.id, user.role)
        raise Forbidden
    return registration


def view(session: Session, user: StaffUser, registration: Registration) -> None:
    """Record that `user` opened the decrypted details."""
    audit.record(session, user, "view", registration)
    session.commit()


def allowed_next(user: StaffUser, registration: Registration) -> tuple[str, ...]:
    """The statuses `user` may move this registration to now."""
    # Roles differ in what they can see (and assign), not in the steps: a mediator only sees assigned work.
    return TRANSITIONS[registration.status]


def check_outcome(status: str, outcome: Outcome | None) -> Outcome:
    """The outcome a closing needs: "closed" (taken on by a mediator) needs the initiative and whether contact came
    about, with its form(s) if it did; "declined" needs the category of the reason. NotAllowed says what is missing."""
    if outcome is None:
        raise NotAllowed("closing needs an outcome" if status == "closed" else "declining needs a reason from the list")
    if status == "declined":
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


def change_status(session: Session, user: StaffUser, registration: Registration, new_status: str,
                  reason: str | None = None, outcome: Outcome | None = None) -> Registration:
    if new_status not in allowed_next(user, registration):
        if new_status == "assigned":
            raise NotAllowed("assign a mediator to move a registration to 'assigned'")
        raise NotAllowed(f"a registration with status '{registration.status}' cannot go to '{new_status}'")
    if new_status in FINAL:
        outcome = check_outcome(new_status, outcome)
    elif outcome is not None:
        raise NotAllowed("an outcome is recorded at closing only")
    old = registration.status
    now = utcnow()
    registration.status = new_status
    registration.updated_at = now
    if new_status == "declined":
        registration.decline_reason = reason
    if new_status in FINAL:
        registration.closed_at = now
        _apply_outcome(registration, outcome)
        statistics.record(session, registration)
    if new_status == "in_review" and old == "assigned":
        registration.assigned_to_id = None
    session.add(RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="status",
                                  from_status=old, to_status=new_status, text=reason, created_at=now))
    audit.record(session, user, "status", registration, f"{old}->{new_status}")
    session.commit()
    log.info("registration status id=%s %s->%s user_id=%s", registration.id, old, new_status, user.id)
    return registration


def change_outcome(session: Session, user: StaffUser, registration: Registration, outcome: Outcome) -> Registration:
    """Correct the outcome of a closed or declined registration; its statistics count moves along."""
    if registration.status not in FINAL:
        raise NotAllowed("an outcome is recorded at closing; this registration is not closed")
    outcome = check_outcome(registration.status, outcome)
    before = row_values(registration)
    _apply_outcome(registration, outcome)
    now = utcnow()
    registration.updated_at = now
    statistics.replace(session, before, registration)
    session.add(RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="outcome",
                                  from_status=registration.status, to_status=registration.status, created_at=now))
    # The audit entry outlives erasure with the reference, so it names no categories (they would link back).
    audit.record(session, user, "outcome", registration)
    session.commit()
    log.info("registration outcome changed id=%s user_id=%s", registration.id, user.id)
    return registration


def assign(session: Session, user: StaffUser, registration: Registration, mediator_id: int) -> Registration:
    if user.role not in ("admin", "intake"):
        raise Forbidden
    if registration.status not in ASSIGNABLE:
        raise NotAllowed(f"a registration with status '{registration.status}' cannot be assigned")
    mediator = session.get(StaffUser, mediator_id)
    if mediator is None or mediator.role != "mediator" or not mediator.active:
        raise NotAllowed("choose an active mediator")
    now = utcnow()
    old = registration.status
    registration.assigned_to_id = mediator.id
    registration.updated_at = now
    if old in ("new", "in_review"):
        registration.status = "assigned"
    session.add(RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="assign",
                                  from_status=old, to_status=registration.status, assigned_to_id=mediator.id,
                                  created_at=now))
    audit.record(session, user, "assign", registration, f"mediator {mediator.id}; {old}->{registration.status}")
    session.commit()
    log.info("registration assigned id=%s mediator_id=%s user_id=%s", registration.id, mediator.id, user.id)
    return registration


def add_note(session: Session, user: StaffUser, registration: Registration, text: str) -> RegistrationEvent:
    now = utcnow()
    event = RegistrationEvent(registration_id=registration.id, actor_id=user.id, kind="note", text=text,
                              created_at=now)
    registration.updated_at = now
    session.add(event)
    audit.record(session, user, "note", registration)
    session.commit()
    return event


def history(session: Session, registration: Registration) -> list[RegistrationEvent]:
    """Oldest first."""
    return list(session.scalars(select(RegistrationEvent)
                                .where(RegistrationEvent.registration_id == registration.id)
                                .order_by(RegistrationEvent.created_at, RegistrationEvent.id)))


def suggest_mediators(session: Session, registration: Registration) -> list[tuple[StaffUser, bool]]:
    """Active mediators, those working in the registration's region first (flagged True)."""
    from api.staff.service import mediators

    people = mediators(session)
    matches = [(m, True) for m in people if m.region and m.region == registration.region]
    return matches + [(m, False) for m in people if not (m.region and m.region == registration.region)]


def export(session: Session, user: StaffUser, registration: Registration) -> dict:
    """Right of access: everything stored about one registration (admin and intake only), recorded in the audit log."""
    from api.registrations.service import export as export_body

    if user.role not in ("admin", "intake"):
        raise Forbidden("only the desk exports registrations")
    body = export_body(registration, history(session, registration))
    audit.record(session, user, "export", registration)
    session.commit()
    return body
