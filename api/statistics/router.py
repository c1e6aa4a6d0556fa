"""`GET /api/statistics?period=2026` (or `2026-Q3`): the registration figures of the Cijfers page, for admins."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import AdminUser, SessionDep
from api.statistics.figures import as_json, figures
from api.statistics.service import Period

router = APIRouter(prefix="/api", tags=["statistics"])
PERIOD_PATTERN = r"^(20[0-9]{2})(-Q[1-4])?$"


@router.get("/statistics")
def statistics(_admin: AdminUser, session: SessionDep,
               period: Annotated[str, Query(pattern=PERIOD_PATTERN, description="YYYY or YYYY-Qn")]) -> JSONResponse:
    """Counts of registrations that came in during `period` and have been closed, declined or erased, with the
    period before: per table and row a count (`"<5"` below five, `"x"` hidden so a small count cannot be worked
    out from the totals) and a whole-percent share (`null` where it would give a hidden count away)."""
    # Plain data: a JSONResponse spares FastAPI's encoder a second walk through every table.
    return JSONResponse(as_json(figures(session, Period.parse(period))))
