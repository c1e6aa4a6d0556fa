"""Security headers on every response: a strict Content-Security-Policy and friends.

Pure ASGI middleware (not BaseHTTPMiddleware) so streaming responses and background tasks are untouched.
Include it in the app factory: ``app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=...)``.
"""
from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The only pages another site may frame (INTAKE_FRAME_ANCESTORS): the chat alone, for api/static/embed.js. Every
# other answer may be framed by nobody, so a host page can never wrap the sign-up form or the workspace.
EMBED_PATHS = ("/chat/embed", "/en/chat/embed")


def content_security_policy(frame_ancestors: str) -> str:
    """The policy for our pages: only our own origin, no inline script or style, no plugins."""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        f"frame-ancestors {frame_ancestors}",
    ))


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, no-referrer and a Permissions-Policy; `Cache-Control: no-store` on HTML and on every
    /api and /staff answer; HSTS on https."""

    def __init__(self, app: ASGIApp, frame_ancestors: str = "'none'") -> None:
        """`frame_ancestors`: who may frame the pages of EMBED_PATHS."""
        self.app = app
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        self.csp = content_security_policy("'none'")
        self.embed_csp = content_security_policy(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                path = scope.get("path", "")
                if path in EMBED_PATHS:
                    headers.setdefault("Content-Security-Policy", self.embed_csp)
                else:  # X-Frame-Options for browsers without frame-ancestors (it has no list of allowed sites)
                    headers.setdefault("Content-Security-Policy", self.csp)
                    headers.setdefault("X-Frame-Options", "DENY")
                # A page about a sensitive subject, and every API or workspace answer (JSON and exports carry
                # decrypted details), must not linger in the browser's or a proxy's cache.
                if (headers.get("content-type", "").startswith("text/html") or path.startswith(("/api/", "/staff"))
                        or path in ("/api", "/docs")):
                    headers["Cache-Control"] = "no-store"
                # Over https, the browser must never try plain http again (a network could strip the TLS).
                if scope.get("scheme") == "https":
                    headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
            await send(message)

        await self.app(scope, receive, send_with_headers)
