"""Typed FastAPI dependencies: settings, a database session, the staff user, the service token."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.core.config import Settings
from api.core.security import constant_time_equals
from api.staff.models import StaffUser
from api.staff.service import user_for_token

_UNAUTHORISED = {"WWW-Authenticate": "Bearer"}


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]

staff_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
_service_bearer = HTTPBearer(auto_error=False)


def get_current_user(session: SessionDep, token: Annotated[str | None, Depends(staff_bearer)]) -> StaffUser:
    user = user_for_token(session, token) if token else None
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not signed in or session expired", headers=_UNAUTHORISED)
    return user


CurrentUser = Annotated[StaffUser, Depends(get_current_user)]


def client_address(request: Request) -> str | None:
    """The peer address (the proxy's X-Forwarded-For when uvicorn runs with --proxy-headers)."""
    return request.client.host if request.client else None


def get_enrolled_user(user: CurrentUser) -> StaffUser:
    """Two-factor sign-in is required for every role: an account without TOTP may only enrol. A password an
    admin chose must be replaced first."""
    if user.must_change_password:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Change your password first (POST /api/auth/password)")
    if not user.totp_secret:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Enrol in two-factor sign-in first (/staff/tweestaps)")
    return user


def get_admin_user(user: Annotated[StaffUser, Depends(get_enrolled_user)]) -> StaffUser:
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only an admin may do this")
    return user


EnrolledUser = Annotated[StaffUser, Depends(get_enrolled_user)]
AdminUser = Annotated[StaffUser, Depends(get_admin_user)]


def require_service_token(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_bearer)]
) -> None:
    """The action server's shared secret, compared in constant time."""
    expected = settings.service_token.get_secret_value()
    if credentials is None or not constant_time_equals(credentials.credentials, expected):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid service token", headers=_UNAUTHORISED)
