"""`GET /api/statistics?period=2026` (or `2026-Q3`): the registration figures of the Cijfers page, for admins;
`GET /api/statistics/chat?period=…`: the chat's own figures; `POST /api/internal/chat-counts`: the Rasa process
adds its counts (service token)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.core.db import utcnow
from api.core.errors import responses
from api.deps import AdminUser, DbSession, require_service_token
from api.statistics import chat
from api.statistics.chat_keys import METRICS
from api.statistics.figures import as_json, figures
from api.statistics.service import Period

router = APIRouter(prefix="/api", tags=["statistics"])
PERIOD_PATTERN = r"^(20[0-9]{2})(-Q[1-4])?$"
PeriodQuery = Annotated[str, Query(pattern=PERIOD_PATTERN, description="YYYY or YYYY-Qn")]


@router.get("/statistics", responses=responses(401, 403, 422, 503))
def statistics(_admin: AdminUser, session: DbSession, period: PeriodQuery) -> JSONResponse:
    """Counts of registrations that came in during `period` and have been closed, declined or erased, with the
    period before: per table and row a count (`"<5"` below five, `"x"` hidden so a small count cannot be worked
    out from the totals) and a whole-percent share (`null` where it would give a hidden count away)."""
    # Plain data: a JSONResponse spares FastAPI's encoder a second walk through every table.
    return JSONResponse(as_json(figures(session, Period.parse(period))))


@router.get("/statistics/chat", responses=responses(401, 403, 422, 503))
def chat_statistics(_admin: AdminUser, session: DbSession, period: PeriodQuery) -> JSONResponse:
    """The chat's counts in `period` and the period before, suppressed as `GET /api/statistics`: conversations
    by language, answers per FAQ topic, how far explorations, registrations and call-backs got, crisis answers by
    kind and messages not understood. Tables of stages or kinds have no total."""
    return JSONResponse(as_json(chat.figures(session, Period.parse(period))))


class ChatCountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metric: str = Field(max_length=16)
    key: str = Field(max_length=24)
    count: int = Field(ge=0, le=1_000_000)

    @model_validator(mode="after")
    def known(self) -> ChatCountIn:
        if self.key not in dict(METRICS.get(self.metric, ())):
            raise ValueError("unknown metric or key")
        return self


class ChatCountsIn(BaseModel):
    """A day's counts (a date, nothing finer) from the closed lists of api/statistics/chat_keys.py."""
    model_config = ConfigDict(extra="forbid")
    day: date
    counts: list[ChatCountIn] = Field(max_length=500)

    @field_validator("day", mode="before")
    @classmethod
    def a_date(cls, value):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError("day is YYYY-MM-DD")
        return value

    @field_validator("day")
    @classmethod
    def not_ahead(cls, value: date) -> date:
        if not date(2020, 1, 1) <= value <= utcnow().date() + timedelta(days=1):
            raise ValueError("day out of range")
        return value


@router.post("/internal/chat-counts", status_code=status.HTTP_204_NO_CONTENT,
             dependencies=[Depends(require_service_token)], responses=responses(400, 401, 413, 422, 503))
def add_chat_counts(data: ChatCountsIn, session: DbSession) -> None:
    """Adds the counts to the day's (a retry that was stored after all counts twice: accepted for counts)."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in data.counts:
        counts[item.metric, item.key] += item.count
    chat.add(session, data.day, counts)
