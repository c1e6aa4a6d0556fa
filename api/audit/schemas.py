"""Audit API bodies."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from api.core.ids import Id


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    at: datetime
    actor_id: Id | None
    actor_role: str
    action: str
    registration_id: Id | None
    reference: str | None
    detail: str


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    page: int
    page_size: int
