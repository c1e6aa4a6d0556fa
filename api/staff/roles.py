"""Staff roles and what each may do; the database stores their values (a StrEnum equals its string)."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything, manages accounts, erases, reads the audit log
    INTAKE = "intake"  # the desk: sees and works every registration
    MEDIATOR = "mediator"  # only the registrations assigned to them


DESK = (Role.ADMIN, Role.INTAKE)


def is_admin(role: str) -> bool:
    return role == Role.ADMIN


def works_the_desk(role: str) -> bool:
    """Admins and intake staff: they see every registration, assign, export and handle undeliverable hand-offs."""
    return role in DESK


def is_role(role: str) -> bool:
    """One of the roles above (every one of them works the question box)."""
    return role in tuple(Role)


def parse(role: str) -> Role:
    """The role of this name; ValueError naming the roles otherwise."""
    if not is_role(role):
        raise ValueError(f"role must be one of {', '.join(Role)}")
    return Role(role)
