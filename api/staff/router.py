"""Staff sign-in (OAuth2 password form plus a TOTP code), sign-out and password change."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.core.errors import responses
from api.deps import CurrentUser, DbSession, client_address, staff_bearer
from api.staff import service
from api.staff.schemas import PasswordChange, Token

router = APIRouter(prefix="/api/auth", tags=["staff"])


@router.post("/token", response_model=Token, responses=responses(400, 401, 413, 422, 429, 503))
def sign_in(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], db: DbSession,
            otp: Annotated[str | None, Form(max_length=16)] = None) -> Token:
    try:
        token = service.sign_in(db, form.username, form.password, otp, client_address(request))
    except service.Throttled as throttled:
        raise _too_many(throttled) from None
    except service.SignInFailed:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect e-mail address, password or code",
                            headers={"WWW-Authenticate": "Bearer"}) from None
    return Token(access_token=token)


def _too_many(throttled: service.Throttled) -> HTTPException:
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Too many failed sign-ins; try again later",
                         headers={"Retry-After": str(throttled.retry_after)})


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT,
             responses=responses(400, 401, 403, 413, 422, 429, 503))
def change_password(request: Request, body: PasswordChange, user: CurrentUser, db: DbSession,
                    token: Annotated[str | None, Depends(staff_bearer)]) -> Response:
    """Self-service change with the current password; this session stays, the others end. 403 when the current
    password is wrong, 422 when the new one is refused (shorter than 12 characters or a breached password)."""
    try:
        service.change_password(db, user, body.current_password, body.new_password, keep_token=token,
                                address=client_address(request))
    except service.Throttled as throttled:
        raise _too_many(throttled) from None
    except service.SignInFailed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "The current password is not correct") from None
    except ValueError as refused:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(refused)) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 503))
def sign_out(user: CurrentUser, db: DbSession, token: Annotated[str | None, Depends(staff_bearer)]) -> Response:
    """End this bearer token's session (the others stay; the workspace has "Overal afmelden" for those)."""
    if token:
        service.sign_out(db, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
