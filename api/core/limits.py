"""Abuse limits, applied before any route runs: body size on every request (413), per-client rate limits on
the chat, the web form, staff sign-in (API and workspace page share one budget; 429 + Retry-After) and the question
box (asking; code attempts per client and for every client together), and a bounded number of conversations per
client.

The rate windows are the `limits` package's moving window (whole seconds); the conversations bound, which that
package lacks, is counted here. Where the counters live (INTAKE_LIMITS_REDIS_URL): unset, in this process's memory,
correct for a single uvicorn worker (several workers or hosts would each count on their own); set, in Redis, so every
worker and host that has the same URL shares one budget per client (the conversations in a sorted set per client).

A client is the peer address uvicorn reports. Behind a reverse proxy, start uvicorn with `--proxy-headers
--forwarded-allow-ips=<proxy>` so that address is the visitor's, not the proxy's.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindowRateLimiter
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.config import Settings
from contract import OFFICE_PHONE

SWEEP_EVERY = 1000  # calls between removals of clients that went quiet, so memory stays bounded
FORM_PATHS = ("/aanmelden", "/en/aanmelden")
CHAT_PATH = "/api/chat"
SIGN_IN_PATHS = ("/api/auth/token", "/staff/aanmelden")
# The question box (api/questions/router.py): asking, and the posts that carry a pick-up code.
QUESTION_PATHS = ("/vraag", "/en/question")
QUESTION_CODE_PATHS = ("/vraag/ophalen", "/vraag/antwoorden", "/vraag/wissen", "/en/question/fetch",
                       "/en/question/reply", "/en/question/delete")
GLOBAL_KEY = "everyone"  # the one key of a bucket that counts every client together
HTML_PATHS = (*FORM_PATHS, "/staff/aanmelden", *QUESTION_PATHS, *QUESTION_CODE_PATHS)  # people submit these: a page
REDIS_PREFIX = "intake:limits"
REDIS_TIMEOUT = 0.5  # seconds to connect to Redis or wait for its answer before the request is let through

log = logging.getLogger("api.limits")


class BodyTooLarge(HTTPException):
    """Raised while reading a body without Content-Length that grows past the limit."""

    def __init__(self) -> None:
        super().__init__(413, "Request body too large")


class DistinctKeys:
    """At most `limit` distinct values (conversations) per key within the last `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._seen: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._calls = 0

    def admit(self, key: str, value: str) -> float | None:
        """None when `value` is known or there is room for it, else the seconds until there is."""
        now = self._clock()
        with self._lock:
            seen = {v: t for v, t in self._seen.get(key, {}).items() if t > now - self.window}
            self._seen[key] = seen
            self._calls += 1
            if self._calls % SWEEP_EVERY == 0:
                self._seen = {k: v for k, v in self._seen.items() if v}
            if value in seen:
                return None
            if len(seen) >= self.limit:
                return min(seen.values()) + self.window - now
            seen[value] = now
            return None


class RateWindow:
    """At most `limit` hits per key within the last `window` seconds, counted by the `limits` package's moving window
    (it keeps the times of the last `limit` hits per key) in this process's memory. The window counts in whole
    seconds (rounded up)."""

    def __init__(self, storage: MemoryStorage, name: str, limit: int, window: float) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerSecond(limit, max(1, math.ceil(window)), namespace=name)

    def hit(self, key: str) -> float | None:
        """Count one hit; None when allowed, else the seconds until the next hit would be."""
        if self._limiter.hit(self._item, key):
            return None
        return self._limiter.get_window_stats(self._item, key).reset_time - time.time()


class RedisRateWindow:
    """RateWindow's rule, counted in Redis (shared by every worker and host)."""

    def __init__(self, storage: RedisStorage, name: str, limit: int, window: float) -> None:
        self._limiter = AsyncMovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerSecond(limit, max(1, math.ceil(window)), namespace=name)

    async def hit(self, key: str) -> float | None:
        """Count one hit; None when allowed, else the seconds until the next hit would be."""
        if await self._limiter.hit(self._item, key):
            return None
        return (await self._limiter.get_window_stats(self._item, key)).reset_time - time.time()


# KEYS[1]: the client's sorted set (value -> first seen); ARGV: now, window, limit, value. Nil when admitted, else
# the seconds until there is room, as a string (Lua numbers come back truncated to integers).
_ADMIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
    return nil
end
if redis.call('ZCARD', KEYS[1]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(window))
return nil
"""


class RedisDistinctKeys:
    """DistinctKeys' rule in Redis: one sorted set per key, trimmed, counted and extended in one atomic script.
    Values are stored hashed, so Redis holds no conversation ids."""

    def __init__(self, client: Redis, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._admit = client.register_script(_ADMIT)

    async def admit(self, key: str, value: str) -> float | None:
        """None when `value` is known or there is room for it, else the seconds until there is."""
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        wait = await self._admit(keys=[f"{REDIS_PREFIX}:conversations/{key}"],
                                 args=[time.time(), self.window, self.limit, digest])
        return None if wait is None else float(wait)


@dataclass
class Limits:
    max_body_bytes: int
    chat: RateWindow | RedisRateWindow
    form: RateWindow | RedisRateWindow
    sign_in: RateWindow | RedisRateWindow
    conversations: DistinctKeys | RedisDistinctKeys
    question: RateWindow | RedisRateWindow | None = None
    question_code: RateWindow | RedisRateWindow | None = None
    question_code_global: RateWindow | RedisRateWindow | None = None  # code attempts of every client together
    redis: Redis | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        if settings.limits_redis_url is None:
            memory = MemoryStorage()
            return cls(
                max_body_bytes=settings.max_body_bytes,
                chat=RateWindow(memory, "chat", settings.chat_rate_limit, settings.chat_rate_window),
                form=RateWindow(memory, "form", settings.form_rate_limit, settings.form_rate_window),
                sign_in=RateWindow(memory, "sign_in", settings.sign_in_rate_limit, settings.sign_in_rate_window),
                conversations=DistinctKeys(settings.conversations_limit, settings.conversations_window),
                question=RateWindow(memory, "question", settings.question_rate_limit, settings.question_rate_window),
                question_code=RateWindow(memory, "question_code", settings.question_code_rate_limit,
                                         settings.question_code_rate_window),
                question_code_global=RateWindow(memory, "question_code_global", settings.question_code_global_limit,
                                                settings.question_code_global_window),
            )
        # Connects on first use, not here. No retries: an unreachable Redis must cost a request little (fail open).
        url = settings.limits_redis_url.get_secret_value()
        client = Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT,
                                retry=Retry(NoBackoff(), 0))
        storage = RedisStorage(f"async+{url}", implementation="redispy", key_prefix=REDIS_PREFIX,
                               connection_pool=client.connection_pool)  # type: ignore[arg-type]  # limits types its options as scalars; redis-py takes the pool
        return cls(
            max_body_bytes=settings.max_body_bytes,
            chat=RedisRateWindow(storage, "chat", settings.chat_rate_limit, settings.chat_rate_window),
            form=RedisRateWindow(storage, "form", settings.form_rate_limit, settings.form_rate_window),
            sign_in=RedisRateWindow(storage, "sign_in", settings.sign_in_rate_limit,
                                       settings.sign_in_rate_window),
            conversations=RedisDistinctKeys(client, settings.conversations_limit, settings.conversations_window),
            question=RedisRateWindow(storage, "question", settings.question_rate_limit,
                                        settings.question_rate_window),
            question_code=RedisRateWindow(storage, "question_code", settings.question_code_rate_limit,
                                             settings.question_code_rate_window),
            question_code_global=RedisRateWindow(storage, "question_code_global",
                                                    settings.question_code_global_limit,
                                                    settings.question_code_global_window),
            redis=client,
        )

    async def aclose(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


async def _ask(answer: float | None | Awaitable[float | None]) -> tuple[float | None, bool]:
    """A counter's answer and whether its store answered. In-process counters answer at once; Redis is awaited.
    Redis unreachable or failing: the request is allowed (fail open), because turning every request into a 500
    while Redis is away would take the chat and the form down with it; the limits are abuse protection, not
    access control. One warning line per request, with the exception class only (no client address, no sender).
    """
    if not inspect.isawaitable(answer):
        return answer, True
    try:
        return await answer, True
    except (RedisError, OSError) as exc:
        log.warning("rate-limit store unreachable, request allowed: %s", type(exc).__name__)
        return None, False


def too_many(path: str, wait: float) -> Response:
    seconds = max(1, math.ceil(wait))
    headers = {"Retry-After": str(seconds)}
    if path in HTML_PATHS:  # a person submitted a form: answer with a page, in both languages
        return HTMLResponse(
            '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Even wachten</title></head><body>'
            f"<h1>Even wachten</h1><p>Er is te vaak een formulier verstuurd. Probeer het over {seconds} seconden "
            f"opnieuw, of bel ons op {OFFICE_PHONE}.</p>"
            f'<p lang="en">Too many forms were sent. Please try again in {seconds} seconds, or call us.</p>'
            "</body></html>", status_code=429, headers=headers)
    return JSONResponse({"detail": f"Too many requests; try again in {seconds} seconds"}, status_code=429,
                        headers=headers)


def too_large() -> Response:
    return JSONResponse({"detail": "Request body too large"}, status_code=413)


class LimitsMiddleware:
    """Pure ASGI middleware; add it before SecurityHeadersMiddleware so its answers get the headers too."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limits = Limits.from_settings(settings)

    def _window(self, method: str, path: str) -> RateWindow | RedisRateWindow | None:
        if method != "POST":
            return None
        if path == CHAT_PATH:
            return self.limits.chat
        if path in FORM_PATHS:
            return self.limits.form
        if path in SIGN_IN_PATHS:
            return self.limits.sign_in
        if path in QUESTION_PATHS:
            return self.limits.question
        if path in QUESTION_CODE_PATHS:
            return self.limits.question_code
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan" and self.limits.redis is not None:
                receive = self._closing_on_shutdown(receive)
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        limit = self.limits.max_body_bytes
        length = _content_length(scope)
        if length is not None and length > limit:
            await too_large()(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        window = self._window(method, path)
        store_ok = True  # after one failure of Redis in this request, its other limit is not asked
        if window is not None:
            wait, store_ok = await _ask(window.hit(client))
            if wait is not None:
                await too_many(path, wait)(scope, receive, send)
                return
        if method == "POST" and path in QUESTION_CODE_PATHS and store_ok and self.limits.question_code_global:
            # Guessing codes from many addresses at once still meets one budget for everyone.
            wait, store_ok = await _ask(self.limits.question_code_global.hit(GLOBAL_KEY))
            if wait is not None:
                await too_many(path, wait)(scope, receive, send)
                return
        if method == "POST" and path == CHAT_PATH:
            body = await _read_body(receive, limit)
            if body is None:
                await too_large()(scope, receive, send)
                return
            sender = _sender(body)
            if sender is not None and store_ok:
                wait, store_ok = await _ask(self.limits.conversations.admit(client, sender))
                if wait is not None:
                    await too_many(path, wait)(scope, receive, send)
                    return
            receive = _replay(body, receive)
        else:
            receive = _counting(receive, limit)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large()(scope, receive, send)

    def _closing_on_shutdown(self, receive: Receive) -> Receive:
        """The lifespan's messages; the Redis connections are closed when the server shuts down."""

        async def closing() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.limits.aclose()
            return message

        return closing


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read ahead, then the connection's own messages (a real disconnect when it comes)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge()
        return message

    return counted


def _sender(body: bytes) -> str | None:
    """The chat's conversation id, if the body has one; the route itself rejects anything malformed."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    sender = data.get("sender") if isinstance(data, dict) else None
    return sender.strip().lower()[:64] if isinstance(sender, str) else None
