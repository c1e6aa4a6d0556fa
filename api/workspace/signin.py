"""The staff sign-in cookie and the CSRF tokens of the workspace pages.

The sign-in cookie holds the same opaque token the API hands out as a bearer token (stored as its SHA-256, idle
expiry in api.staff.service); names and flags come from api.core.cookies (`__Host-`, Secure in production). A
signed-in form carries a CSRF token bound to that token (HMAC over its digest) with the label of its form family;
the sign-in form, before anyone is signed in, is bound to a random nonce cookie.
"""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.core import cookies, security
from api.core.config import Settings
from api.pages import csrf
from api.staff import service as staff_service
from api.staff.models import StaffUser

SIGNIN_COOKIE = "ph_staff"
CSRF_COOKIE = "ph_staff_csrf"
# Form families, each signing with its own label: sign-in, the account (sign-out, two-factor, password),
# work on registrations, user management.
FAMILIES = ("sign-in", "account", "case", "admin")


def set_signin_cookie(request: Request, settings: Settings, response: Response, token: str) -> None:
    # No max-age: a browser session cookie; the server ends the session after idle time or its lifetime.
    cookies.write(request, settings, response, SIGNIN_COOKIE, token)


def clear_signin_cookie(request: Request, settings: Settings, response: Response) -> None:
    cookies.clear(request, settings, response, SIGNIN_COOKIE)


def signin_token(request: Request, settings: Settings) -> str | None:
    token = cookies.read(request, settings, SIGNIN_COOKIE)
    return token if token and len(token) <= 128 else None


def current_user(request: Request, settings: Settings, db: Session) -> StaffUser | None:
    """The signed-in staff user of this browser, or None (no cookie, unknown, expired, idle or deactivated)."""
    token = signin_token(request, settings)
    return staff_service.user_for_token(db, token) if token else None


def csrf_nonce(request: Request, settings: Settings) -> str:
    nonce = cookies.read(request, settings, CSRF_COOKIE)
    return nonce if csrf.is_nonce(nonce) else csrf.new_nonce()


def set_csrf_cookie(request: Request, settings: Settings, response: Response, nonce: str) -> None:
    cookies.write(request, settings, response, CSRF_COOKIE, nonce, max_age=csrf.TOKEN_MAX_AGE)


def _binding(request: Request, settings: Settings, family: str, nonce: str | None = None) -> str | None:
    if family == "sign-in":
        return nonce or cookies.read(request, settings, CSRF_COOKIE)
    token = signin_token(request, settings)
    return security.token_digest(token) if token else None


def csrf_token(request: Request, settings: Settings, family: str, nonce: str) -> str:
    binding = _binding(request, settings, family, nonce) or ""
    return csrf.make_token(settings.secret, binding, label=f"staff-{family}")


def csrf_ok(request: Request, settings: Settings, family: str, form: FormData) -> bool:
    token = form.get("csrf_token")
    return csrf.token_is_valid(settings.secret, _binding(request, settings, family),
                               token if isinstance(token, str) else None, label=f"staff-{family}")
