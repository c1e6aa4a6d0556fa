"""The statuses a registration moves through; the database stores their values (a StrEnum equals its string)."""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    ASSIGNED = "assigned"
    CONTACTED = "contacted"
    INTAKE_PLANNED = "intake_planned"
    CLOSED = "closed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the registrant, in the chat that made it (never by staff)


FINAL = (Status.CLOSED, Status.DECLINED, Status.WITHDRAWN)
# The final statuses staff reach, each with an outcome (workflow.check_outcome); a withdrawal has none.
WITH_OUTCOME = (Status.CLOSED, Status.DECLINED)
# new → in review → assigned → contacted → intake planned → closed; declined (with a reason) from any open
# status. "assigned" is reached by assigning a mediator, never by a bare status change; one step back is
# allowed where a desk needs it (a mediator hands a case back for review). Withdrawn is no step staff take: the
# registrant withdraws from any open status (workflow.withdraw), so it is nobody's next status here.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.IN_REVIEW, Status.DECLINED),
    Status.IN_REVIEW: (Status.DECLINED,),
    Status.ASSIGNED: (Status.CONTACTED, Status.IN_REVIEW, Status.DECLINED),
    Status.CONTACTED: (Status.INTAKE_PLANNED, Status.CLOSED, Status.DECLINED),
    Status.INTAKE_PLANNED: (Status.CLOSED, Status.DECLINED),
    Status.CLOSED: (),
    Status.DECLINED: (),
    Status.WITHDRAWN: (),
}
ASSIGNABLE = tuple(status for status in Status if status not in FINAL)
