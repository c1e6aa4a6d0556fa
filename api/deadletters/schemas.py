"""Dead-letter API bodies: a reference code, a key and numbers only."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.core.ids import Id
from contract import REFERENCE_PATTERN

Reason = Literal["rejected", "failing"]


class DeadLetterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a field that could carry the record is refused, not ignored

    reference: str = Field(pattern=REFERENCE_PATTERN)
    idempotency_key: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    reason: Reason
    last_status: int | None = Field(default=None, ge=100, le=599)
    attempts: int = Field(ge=0, le=1_000_000)


class DeadLetterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    reference: str
    idempotency_key: str
    reason: Reason
    last_status: int | None
    attempts: int
    first_failed_at: datetime
    reported_at: datetime


class DeadLetterList(BaseModel):
    items: list[DeadLetterOut]
    total: int
