"""Our cookies: `__Host-` names and always Secure in production, plain names over http outside production.

`__Host-` makes the browser refuse the cookie unless it is Secure, has Path=/ and no Domain, so neither a
sub-domain nor a plain-http page can set or overwrite it. Outside production (http://127.0.0.1) a Secure
cookie would not come back, so the plain name is used there, still Secure over https.
"""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from api.core.config import Settings


def is_secure(request: Request, settings: Settings) -> bool:
    return settings.env == "production" or request.url.scheme == "https"


def name(request: Request, settings: Settings, base: str) -> str:
    return f"__Host-{base}" if is_secure(request, settings) else base


def read(request: Request, settings: Settings, base: str) -> str | None:
    return request.cookies.get(name(request, settings, base))


def write(request: Request, settings: Settings, response: Response, base: str, value: str,
          max_age: int | None = None, httponly: bool = True) -> None:
    response.set_cookie(name(request, settings, base), value, max_age=max_age, path="/", httponly=httponly,
                        secure=is_secure(request, settings), samesite="strict")


def clear(request: Request, settings: Settings, response: Response, base: str) -> None:
    response.delete_cookie(name(request, settings, base), path="/", httponly=True,
                           secure=is_secure(request, settings), samesite="strict")
