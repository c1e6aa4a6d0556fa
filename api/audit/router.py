"""`GET /api/audit`: the audit log, for admins."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.audit import service
from api.audit.schemas import AuditEntryOut, AuditPage
from api.core.errors import responses
from api.core.ids import QueryId
from api.deps import AdminUser, DbSession

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit", response_model=AuditPage, responses=responses(401, 403, 422, 503))
def list_audit(_admin: AdminUser, db: DbSession,
               registration_id: QueryId | None = None,
               action: Annotated[Literal[service.ACTIONS] | None, Query()] = None,  # type: ignore[valid-type]
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               page_size: Annotated[int, Query(ge=1, le=200)] = 100) -> AuditPage:
    rows, total = service.list_entries(db, page, page_size, registration_id, action)
    return AuditPage(items=[AuditEntryOut.model_validate(r) for r in rows], total=total, page=page,
                     page_size=page_size)
