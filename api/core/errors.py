"""The API's one error body, `{"detail": "…"}` (with `errors` naming each refused field on a 422), its handlers, and
`responses(...)`, which declares it in the OpenAPI description for the statuses a route can answer."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

log = logging.getLogger("api")

INVALID = "The request is not valid"


class FieldError(BaseModel):
    """One refused part of the request: where (`["body", "phone"]`), the rule in words, and its kind."""

    loc: list[str | int]
    msg: str
    type: str


class Error(BaseModel):
    """Every error the API answers: a sentence, and on a refused request the refused parts (never their values)."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list)


WHY = {
    400: "The body cannot be read as the media type it names",
    401: "Not signed in, session expired or wrong service token",
    403: "Signed in, but this account may not do this",
    404: "No such resource (or no longer: erased)",
    409: "The resource's state does not allow this",
    413: "Request body too large",
    422: "The request is not valid: `errors` names each refused field",
    429: "Too many requests; the Retry-After header says when to try again",
    503: "A service behind the API is not reachable; try again later",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 0}}},
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each status with the Error body (and the header it always carries)."""
    return {status: {"model": Error, "description": WHY[status], **({"headers": HEADERS[status]}
                                                                  if status in HEADERS else {})}
            for status in statuses}



async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's default body echoes the rejected input; ours names the field and the rule only.
    found = exc.errors() if isinstance(exc, RequestValidationError) else []
    errors = [FieldError(loc=list(err.get("loc", ())), msg=err.get("msg", ""), type=err.get("type", ""))
              for err in found]
    return JSONResponse(Error(detail=INVALID, errors=errors).model_dump(), status_code=422)


async def data_error(_request: Request, exc: Exception) -> JSONResponse:  # DataError, OverflowError
    # The database refused a value the validation let through (a NUL byte on PostgreSQL): bad input, not a server
    # fault. Only the class is logged; the parameters hold what the client sent.
    log.warning("database refused a value: %s", type(getattr(exc, "orig", exc)).__name__)
    return JSONResponse(Error(detail="The request holds a value that cannot be stored").model_dump(), status_code=422)


async def database_unavailable(_request: Request, exc: Exception) -> JSONResponse:  # OperationalError
    # The database is away (restart, network): a clear 503 that callers retry (the outbox does), and a log line
    # without the traceback, whose SQL and parameters may describe a registration.
    log.error("database unavailable: %s", type(getattr(exc, "orig", exc)).__name__)
    return JSONResponse(Error(detail="The database is not reachable; try again later").model_dump(), status_code=503,
                        headers={"Retry-After": "5"})
