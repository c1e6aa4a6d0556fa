"""Typed FastAPI dependencies: settings, a database session, the staff user, the registration that user may see,
the service token."""
# No `from __future__ import annotations` here: FastAPI reads a dependency's annotations at run time, and those of
# visible_registration's inner function name a variable of its closure.
import logging
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.core.config import Settings
from api.core.ids import PathId
from api.core.security import constant_time_equals
from api.registrations.models import Registration
from api.registrations.service import can_see
from api.staff.models import StaffUser
from api.staff.roles import is_admin
from api.staff.service import user_for_token

log = logging.getLogger("api.registrations")
_UNAUTHORISED = {"WWW-Authenticate": "Bearer"}


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as db:
        yield db


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DbSession = Annotated[Session, Depends(get_db)]

staff_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
_service_bearer = HTTPBearer(auto_error=False)


def get_current_user(db: DbSession, token: Annotated[str | None, Depends(staff_bearer)]) -> StaffUser:
    user = user_for_token(db, token) if token else None
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
    if not is_admin(user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only an admin may do this")
    return user


EnrolledUser = Annotated[StaffUser, Depends(get_enrolled_user)]
AdminUser = Annotated[StaffUser, Depends(get_admin_user)]


def visible_registration(user_dependency: Callable[..., StaffUser], refused: str,
                         missing: str) -> Callable[..., Registration]:
    """A dependency: the registration of the path's `registration_id`, for the user `user_dependency` gives
    (the API's bearer user or the workspace's cookie user); 404 `missing` when there is none, 403 `refused` when the
    user may not see it (a mediator, another's registration)."""

    def load(registration_id: PathId, user: Annotated[StaffUser, Depends(user_dependency)],
             db: DbSession) -> Registration:
        registration = db.get(Registration, registration_id)
        if registration is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, missing)
        if not can_see(user, registration):
            log.info("registration refused id=%s user_id=%s role=%s", registration_id, user.id, user.role)
            raise HTTPException(status.HTTP_403_FORBIDDEN, refused)
        return registration

    return load


VisibleRegistration = Annotated[Registration, Depends(visible_registration(
    get_enrolled_user, refused="This registration is not assigned to you", missing="Registration not found"))]


def require_service_token(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_bearer)]
) -> None:
    """The action server's shared secret, compared in constant time."""
    expected = settings.service_secret
    if credentials is None or not constant_time_equals(credentials.credentials, expected):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid service token", headers=_UNAUTHORISED)
