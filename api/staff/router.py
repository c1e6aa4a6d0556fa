"""Staff sign-in: OAuth2 password form plus a TOTP code."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, SessionDep, staff_bearer
from api.staff import service
from api.staff.schemas import Token

router = APIRouter(prefix="/api/auth", tags=["staff"])


@router.post("/token", response_model=Token)
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
            otp: Annotated[str | None, Form(max_length=16)] = None) -> Token:
    try:
        token = service.sign_in(session, form.username, form.password, otp)
    except service.LockedOut as locked:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Too many failed sign-ins; try again later",
                            headers={"Retry-After": str(locked.retry_after)}) from None
    except service.SignInFailed:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect e-mail address, password or code",
                            headers={"WWW-Authenticate": "Bearer"}) from None
    return Token(access_token=token)


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(user: CurrentUser, session: SessionDep, token: Annotated[str | None, Depends(staff_bearer)]) -> Response:
    """End this bearer token's session (the others stay; the workspace has "Overal afmelden" for those)."""
    service.sign_out(session, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
