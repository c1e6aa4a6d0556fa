"""Cookie sessions and CSRF tokens of the workspace pages.

The cookie holds the same opaque session token the API hands out as a bearer token (stored as its SHA-256, idle
expiry in api.staff.service). Every form carries a CSRF token signed for a random nonce in a second cookie
(api.pages.csrf); a foreign site can make the browser post but can read neither cookie.
"""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from api.core.config import Settings
from api.pages import csrf
from api.staff import service as staff_service
from api.staff.models import StaffUser

SESSION_COOKIE = "ph_staff"
CSRF_COOKIE = "ph_staff_csrf"
COOKIE_PATH = "/staff"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    # No max-age: a browser session cookie; the server ends the session after idle time or its lifetime.
    response.set_cookie(SESSION_COOKIE, token, path=COOKIE_PATH, httponly=True, secure=_secure(request),
                        samesite="strict")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, secure=_secure(request),
                           samesite="strict")


def session_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return token if token and len(token) <= 128 else None


def current_user(request: Request, session) -> StaffUser | None:
    """The signed-in staff user of this browser, or None (no cookie, unknown, expired, idle or deactivated)."""
    token = session_token(request)
    return staff_service.user_for_token(session, token) if token else None


def csrf_nonce(request: Request) -> str:
    nonce = request.cookies.get(CSRF_COOKIE)
    return nonce if csrf.is_nonce(nonce) else csrf.new_nonce()


def csrf_token(settings: Settings, nonce: str) -> str:
    return csrf.make_token(settings.secret_key.get_secret_value(), nonce)


def set_csrf_cookie(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(CSRF_COOKIE, nonce, max_age=csrf.TOKEN_MAX_AGE, path=COOKIE_PATH, httponly=True,
                        secure=_secure(request), samesite="strict")


def csrf_ok(request: Request, settings: Settings, form) -> bool:
    token = form.get("csrf_token")
    return csrf.token_is_valid(settings.secret_key.get_secret_value(), request.cookies.get(CSRF_COOKIE),
                               token if isinstance(token, str) else None)
