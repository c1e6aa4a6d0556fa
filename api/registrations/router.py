"""Registration endpoints: the hand-off from the action server, and the staff API to read and work them."""
from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Path, Query, Response, status
from fastapi.responses import JSONResponse

from api.audit import service as audit
from api.core.db import utcnow
from api.core.errors import responses
from api.deps import AdminUser, DbSession, EnrolledUser, SettingsDep, VisibleRegistration, require_service_token
from api.notifications import mail
from api.registrations import service, workflow
from api.registrations.constants import Status
from api.registrations.schemas import (
    Assignment,
    EventKind,
    EventOut,
    HandOffIn,
    Kind,
    MediatorSuggestion,
    NoteIn,
    Outcome,
    Region,
    RegistrationCreated,
    RegistrationOut,
    RegistrationPage,
    RegistrationSummary,
    StatusChange,
    StatusCounts,
    Withdrawal,
)
from api.staff.roles import works_the_desk
from contract import REFERENCE_PATTERN

router = APIRouter(prefix="/api", tags=["registrations"])
READ = (401, 403, 404, 422, 503)  # a registration by id: signed in, enrolled, visible to this user, and there
CHANGE = (*READ, 400, 409, 413)  # ... and a body, and a state that allows the change
# What staff do next with a registration that came in (OpenAPI links: its id into their path).
CREATED_LINKS = {name: {"operationRef": f"#/paths/~1api~1registrations~1{{registration_id}}{tail}/{method}",
                        "parameters": {"registration_id": "$response.body#/id"}}
                 for name, tail, method in (("read", "", "get"), ("history", "~1history", "get"),
                                            ("note", "~1notes", "post"), ("change_status", "~1status", "post"),
                                            ("assign", "~1assign", "post"), ("erase", "", "delete"))}


@router.post("/internal/registrations", status_code=status.HTTP_201_CREATED, response_model=RegistrationCreated,
             dependencies=[Depends(require_service_token)],
             responses={201: {"links": CREATED_LINKS},
                        200: {"model": RegistrationCreated, "description": "A repeat: the registration this key made",
                              "links": CREATED_LINKS},
                        **responses(400, 401, 409, 413, 422, 503)})
def hand_off(data: HandOffIn, idempotency_key: Annotated[UUID, Header()], db: DbSession,
             response: Response, settings: SettingsDep, tasks: BackgroundTasks) -> RegistrationCreated:
    try:
        result = service.create_registration(db, data, idempotency_key=str(idempotency_key))
    except service.IdempotencyConflict:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "This Idempotency-Key was already used with different data") from None
    except service.ReferenceConflict:
        raise HTTPException(status.HTTP_409_CONFLICT, "This reference belongs to another registration") from None
    if not result.created:
        response.status_code = status.HTTP_200_OK
    else:  # after the response: a slow or absent mail server never delays or fails the hand-off
        tasks.add_task(mail.notify_new_registration, settings, mail.NewRegistration.of(result.registration))
    reg = result.registration
    return RegistrationCreated(id=reg.id, reference=reg.reference, status=reg.status)


@router.post("/internal/registrations/{reference}/withdrawal", response_model=Withdrawal,
             dependencies=[Depends(require_service_token)],
             responses={200: {"description": "Withdrawn now, or already before (withdrawing again is fine)"},
                        **responses(401, 404, 409, 422, 503)})
def withdraw(reference: Annotated[str, Path(pattern=REFERENCE_PATTERN)], db: DbSession) -> Withdrawal:
    """The registrant withdraws the registration they made in this chat (the action server sends only the code its
    own hand-off created). 404 for an unknown code, 409 when staff closed or declined it already."""
    registration = service.find_by_reference(db, reference)
    if registration is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No registration with this reference")
    try:
        workflow.withdraw(db, registration)
    except workflow.NotAllowed as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return Withdrawal(reference=registration.reference, status=Status(registration.status))


@router.get("/registrations", response_model=RegistrationPage, responses=responses(401, 403, 422, 503))
def list_registrations(user: EnrolledUser, db: DbSession,
                       page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                       page_size: Annotated[int, Query(ge=1, le=100)] = 50,
                       status_: Annotated[Status | None, Query(alias="status")] = None,
                       kind: Kind | None = None, event_kind: EventKind | None = None, region: Region | None = None,
                       min_age_days: Annotated[int | None, Query(ge=0, le=10_000)] = None,
                       max_age_days: Annotated[int | None, Query(ge=0, le=10_000)] = None,
                       reference: Annotated[str | None, Query(max_length=12)] = None,
                       untouched: bool = False) -> RegistrationPage:
    """Newest first; a mediator gets only what is assigned to them."""
    filters = service.Filters(status_, kind, event_kind, region, min_age_days, max_age_days, reference, untouched)
    rows, total = service.list_registrations(db, page, page_size, filters, service.visible_to(user))
    now = utcnow()
    return RegistrationPage(items=[RegistrationSummary.model_validate(r).model_copy(
                                update={"untouched": service.is_untouched(r, now)}) for r in rows],
                            total=total, page=page, page_size=page_size)


@router.get("/registrations/counts", response_model=StatusCounts, responses=responses(401, 403, 503))
def status_counts(user: EnrolledUser, db: DbSession) -> StatusCounts:
    counts = service.count_by_status(db, service.visible_to(user))
    return StatusCounts(counts={s: counts.get(s, 0) for s in Status}, total=sum(counts.values()),
                        untouched=service.count_untouched(db, service.visible_to(user)))


@router.get("/registrations/{registration_id}", response_model=RegistrationOut, responses=responses(*READ))
def get_registration(registration: VisibleRegistration, user: EnrolledUser, db: DbSession) -> RegistrationOut:
    workflow.view(db, user, registration)
    return RegistrationOut.model_validate(registration)


@router.post("/registrations/{registration_id}/status", response_model=RegistrationOut, responses=responses(*CHANGE))
def change_status(registration: VisibleRegistration, change: StatusChange, user: EnrolledUser,
                  db: DbSession) -> RegistrationOut:
    try:
        workflow.change_status(db, user, registration, change.status, change.reason, change.outcome)
    except workflow.NotAllowed as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return RegistrationOut.model_validate(registration)


@router.put("/registrations/{registration_id}/outcome", response_model=RegistrationOut,
            responses=responses(*CHANGE))
def change_outcome(registration: VisibleRegistration, outcome: Outcome, user: EnrolledUser,
                   db: DbSession) -> RegistrationOut:
    """Correct the outcome recorded at closing (audited; its statistics count moves along)."""
    try:
        workflow.change_outcome(db, user, registration, outcome)
    except workflow.NotAllowed as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return RegistrationOut.model_validate(registration)


@router.post("/registrations/{registration_id}/assign", response_model=RegistrationOut, responses=responses(*CHANGE))
def assign(registration: VisibleRegistration, assignment: Assignment, user: EnrolledUser,
           db: DbSession) -> RegistrationOut:
    try:
        workflow.assign(db, user, registration, assignment.mediator_id)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only admin and intake staff assign registrations") from None
    except workflow.NotAllowed as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return RegistrationOut.model_validate(registration)


@router.get("/registrations/{registration_id}/mediators", response_model=list[MediatorSuggestion],
            responses=responses(*READ))
def mediator_suggestions(registration: VisibleRegistration, user: EnrolledUser,
                         db: DbSession) -> list[MediatorSuggestion]:
    """Whom to assign: mediators of the registration's region first."""
    if not works_the_desk(user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only admin and intake staff assign registrations")
    return [MediatorSuggestion(id=m.id, email=m.email, region=m.region, suggested=match)
            for m, match in workflow.suggest_mediators(db, registration)]


@router.post("/registrations/{registration_id}/notes", response_model=EventOut, status_code=status.HTTP_201_CREATED,
             responses=responses(400, 401, 403, 404, 413, 422, 503))
def add_note(registration: VisibleRegistration, note: NoteIn, user: EnrolledUser, db: DbSession) -> EventOut:
    return EventOut.model_validate(workflow.add_note(db, user, registration, note.text))


@router.get("/registrations/{registration_id}/history", response_model=list[EventOut], responses=responses(*READ))
def history(registration: VisibleRegistration, user: EnrolledUser, db: DbSession) -> list[EventOut]:
    events = [EventOut.model_validate(e) for e in workflow.history(db, registration)]
    # The history holds the staff notes (decrypted): reading it is recorded like a view.
    audit.record(db, user, "history", registration)
    db.commit()
    return events


@router.get("/registrations/{registration_id}/export", responses={200: {
    "description": "Everything stored about the registration, as a download",
    "content": {"application/json": {"schema": {"type": "object"}}},
    "headers": {"Content-Disposition": {"description": "attachment; filename=\"<reference>.json\"",
                                        "schema": {"type": "string"}}}}, **responses(*READ)})
def export(registration: VisibleRegistration, user: EnrolledUser, db: DbSession) -> JSONResponse:
    """Right of access: everything stored about one registration, as a JSON download."""
    try:
        body = workflow.export(db, user, registration)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only admin and intake staff export registrations") from None
    return JSONResponse(body, headers={
        "Content-Disposition": f'attachment; filename="{registration.reference}.json"'})


@router.delete("/registrations/{registration_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(*READ))
def erase(admin: AdminUser, registration: VisibleRegistration, db: DbSession) -> Response:
    """Right to erasure (admin only): the personal data is gone; the audit log keeps a stub."""
    service.erase(db, registration, admin)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
