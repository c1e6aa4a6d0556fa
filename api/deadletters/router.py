"""`POST /api/internal/dead-letters` (action server), `GET /api/dead-letters` (admin, intake) and
`DELETE /api/dead-letters/{id}` (admin, once the item in the outbox has been dealt with)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response, status

from api.core.errors import responses
from api.core.ids import PathId
from api.deadletters import service
from api.deadletters.schemas import DeadLetterIn, DeadLetterList, DeadLetterOut
from api.deps import AdminUser, DbSession, EnrolledUser, require_service_token
from api.staff.roles import works_the_desk

router = APIRouter(prefix="/api", tags=["dead letters"])
# Once dealt with, an admin removes the report (OpenAPI link: its id into the DELETE's path).
RESOLVE = {"remove": {"operationRef": "#/paths/~1api~1dead-letters~1{dead_letter_id}/delete",
                      "parameters": {"dead_letter_id": "$response.body#/id"}}}


@router.post("/internal/dead-letters", status_code=status.HTTP_201_CREATED, response_model=DeadLetterOut,
             dependencies=[Depends(require_service_token)],
             responses={201: {"links": RESOLVE}, 200: {"model": DeadLetterOut, "links": RESOLVE,
                                                        "description": "A repeat of this key: the report, updated"},
                        **responses(400, 401, 413, 422, 503)})
def report_dead_letter(data: DeadLetterIn, db: DbSession, response: Response) -> DeadLetterOut:
    row, created = service.report(db, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return DeadLetterOut.model_validate(row)


@router.get("/dead-letters", response_model=DeadLetterList, responses=responses(401, 403, 503))
def list_dead_letters(user: EnrolledUser, db: DbSession) -> DeadLetterList:
    if not works_the_desk(user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only admin and intake staff see dead letters")
    rows = service.open_letters(db)
    return DeadLetterList(items=[DeadLetterOut.model_validate(r) for r in rows], total=len(rows))


@router.delete("/dead-letters/{dead_letter_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=responses(401, 403, 404, 422, 503))
def remove_dead_letter(dead_letter_id: PathId, admin: AdminUser, db: DbSession) -> Response:
    if not service.remove(db, dead_letter_id, admin):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dead letter not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
