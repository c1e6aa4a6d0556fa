"""Abuse limits: 413 above the body size on every endpoint, 429 + Retry-After on the chat, the web form and
sign-in, and a bounded number of conversations per client."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from pydantic import ValidationError

from api.core.config import Settings, get_settings
from api.core.limits import DistinctKeys, Limits, RateWindow
from api.main import create_app
from tests import stack
from tests.api.helpers import SERVICE_TOKEN, record
from tests.clock import Clock

REDIS_URL = "redis://127.0.0.1:6379/11"  # the machine's Redis; database 11 is this module's


@pytest.fixture
def limited(engine, monkeypatch):
    """Starts the real app with the given INTAKE_* limits."""

    @contextmanager
    def start(**limits) -> Iterator[TestClient]:
        for name, value in limits.items():
            monkeypatch.setenv(f"INTAKE_{name.upper()}", str(value))
        get_settings.cache_clear()
        with TestClient(create_app()) as client:
            yield client

    return start


def _chat(client, sender=None, message="hallo"):
    return client.post("/api/chat", json={"sender": sender or str(uuid.uuid4()), "message": message})


def _assert_too_many(response):
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["x-content-type-options"] == "nosniff"  # our answer still gets the security headers


def test_chat_rate_limit_answers_429_with_retry_after(limited):
    with limited(chat_rate_limit=3, chat_rate_window=60) as client:
        sender = str(uuid.uuid4())
        assert [_chat(client, sender).status_code for _ in range(3)] == [503, 503, 503]  # Rasa is down: 503
        r = _chat(client, sender)
        _assert_too_many(r)
        assert 55 <= int(r.headers["retry-after"]) <= 60
        assert "try again" in r.json()["detail"]
        assert client.get("/api/health").status_code == 200  # other endpoints are not affected


def test_conversations_per_client_are_bounded(limited):
    with limited(conversations_limit=2) as client:
        first, second = str(uuid.uuid4()), str(uuid.uuid4())
        assert _chat(client, first).status_code == 503
        assert _chat(client, second).status_code == 503
        assert _chat(client, first).status_code == 503  # a known conversation goes on
        _assert_too_many(_chat(client))  # a third one is refused


def test_web_form_rate_limit_answers_with_a_page(limited):
    with limited(form_rate_limit=2) as client:
        for _ in range(2):
            assert client.post("/aanmelden", data={"name": "x"}).status_code == 403  # no CSRF token
        r = client.post("/en/aanmelden", data={"name": "x"})
        _assert_too_many(r)
        assert r.headers["content-type"].startswith("text/html")
        assert "030 234 00 45" in r.text and r.headers["cache-control"] == "no-store"
        assert client.get("/aanmelden").status_code == 200  # reading the form is not limited


def test_sign_in_rate_limit_covers_the_api_and_the_workspace_page(limited):
    with limited(sign_in_rate_limit=3) as client:
        form = {"username": "nobody@example.org", "password": "wrong password"}
        assert [client.post("/api/auth/token", data=form).status_code for _ in range(2)] == [401, 401]
        assert client.post("/staff/aanmelden", data={"email": "x@example.org"}).status_code != 429
        _assert_too_many(client.post("/api/auth/token", data=form))
        page = client.post("/staff/aanmelden", data={"email": "x@example.org", "password": "p"})
        _assert_too_many(page)
        assert page.headers["content-type"].startswith("text/html")


def _chunks(data: bytes) -> Iterator[bytes]:
    for i in range(0, len(data), 1000):
        yield data[i:i + 1000]


JSON, FORM = "application/json", "application/x-www-form-urlencoded"


@pytest.mark.parametrize("path", ["/api/chat", "/api/internal/registrations", "/api/auth/token", "/aanmelden",
                                  "/api/health", "/api/registrations/1/notes", "/no-such-page"])
def test_body_size_limit_on_every_endpoint(limited, path):
    headers = {"Content-Type": JSON, "Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": str(uuid.uuid4())}
    with limited(max_body_bytes=4096) as client:
        r = client.post(path, content=b'{"x": "' + b"a" * 5000 + b'"}', headers=headers)
        assert r.status_code == 413 and r.json() == {"detail": "Request body too large"}


@pytest.mark.parametrize("path, content_type, expected", [
    ("/api/chat", JSON, 413), ("/api/internal/registrations", JSON, 413), ("/api/auth/token", FORM, 413),
    # The form page answers an unreadable form with its own "could not read the form" page.
    ("/aanmelden", FORM, 400),
])
def test_body_size_limit_holds_without_content_length(limited, path, content_type, expected):
    body = b"username=" + b"a" * 5000 if content_type == FORM else b'{"x": "' + b"a" * 5000 + b'"}'
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {SERVICE_TOKEN}",
               "Idempotency-Key": str(uuid.uuid4())}
    with limited(max_body_bytes=4096) as client:
        r = client.post(path, content=_chunks(body), headers=headers)
        assert "content-length" not in r.request.headers  # chunked
        assert r.status_code == expected


def test_bodies_under_the_limit_pass(limited):
    with limited(max_body_bytes=4096) as client:
        body = record()
        r = client.post("/api/internal/registrations", json=body,
                        headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": str(uuid.uuid4())})
        assert r.status_code == 201
        r = client.post("/api/internal/registrations", content=_chunks(b"x" * 5000),
                        headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": str(uuid.uuid4()),
                                 "Content-Type": "application/json"})
        assert r.status_code == 413


def test_rate_window_counts_per_key_and_forgets_old_hits():
    window = RateWindow(MemoryStorage(), "test", 2, 1)
    assert window.hit("a") is None and window.hit("a") is None
    assert window.hit("a") == pytest.approx(1, abs=0.1)
    assert window.hit("b") is None  # another client has its own budget
    time.sleep(1.05)
    assert window.hit("a") is None


def test_distinct_keys_admit_known_values_and_forget_old_ones():
    clock = Clock()
    conversations = DistinctKeys(2, 100, clock)
    assert conversations.admit("c", "s1") is None and conversations.admit("c", "s2") is None
    assert conversations.admit("c", "s1") is None
    assert conversations.admit("c", "s3") == pytest.approx(100)
    assert conversations.admit("other", "s3") is None
    clock.now += 101
    assert conversations.admit("c", "s3") is None


# Shared counters: several workers (here: two app instances, each with its own event loop) or hosts with the same
# INTAKE_LIMITS_REDIS_URL count in one Redis.

@pytest.fixture
def shared_store() -> Iterator[redis.Redis]:
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield store
    store.flushdb()
    store.close()


def test_without_redis_each_worker_counts_on_its_own(limited):
    with limited(chat_rate_limit=3) as a, limited() as b:
        sender = str(uuid.uuid4())
        assert [_chat(c, sender).status_code for c in (a, a, b, b)] == [503, 503, 503, 503]


def test_workers_share_one_chat_budget_through_redis(limited, shared_store):
    with limited(limits_redis_url=REDIS_URL, chat_rate_limit=3, chat_rate_window=60) as a, limited() as b:
        sender = str(uuid.uuid4())
        assert [_chat(c, sender).status_code for c in (a, a, b)] == [503, 503, 503]
        r = _chat(b, sender)
        _assert_too_many(r)
        assert 55 <= int(r.headers["retry-after"]) <= 60
        _assert_too_many(_chat(a, sender))
        assert a.get("/api/health").status_code == 200
    assert shared_store.keys("intake:limits:chat/*")


def test_workers_share_the_form_and_sign_in_budgets_through_redis(limited, shared_store):
    with limited(limits_redis_url=REDIS_URL, form_rate_limit=2, sign_in_rate_limit=2) as a, limited() as b:
        assert a.post("/aanmelden", data={"name": "x"}).status_code == 403  # no CSRF token
        assert b.post("/aanmelden", data={"name": "x"}).status_code == 403
        r = a.post("/en/aanmelden", data={"name": "x"})
        _assert_too_many(r)
        assert r.headers["content-type"].startswith("text/html")
        form = {"username": "nobody@example.org", "password": "wrong password"}
        assert a.post("/api/auth/token", data=form).status_code == 401
        assert b.post("/api/auth/token", data=form).status_code == 401
        _assert_too_many(a.post("/api/auth/token", data=form))


def test_workers_share_the_conversations_bound_through_redis(limited, shared_store):
    with limited(limits_redis_url=REDIS_URL, conversations_limit=2) as a, limited() as b:
        first, second = str(uuid.uuid4()), str(uuid.uuid4())
        assert _chat(a, first).status_code == 503
        assert _chat(b, second).status_code == 503
        assert _chat(b, first).status_code == 503  # a known conversation goes on, on any worker
        r = _chat(a)  # a third one is refused, on either
        _assert_too_many(r)
        assert 3590 <= int(r.headers["retry-after"]) <= 3600
        _assert_too_many(_chat(b))
    stored = b"".join(shared_store.keys("*") + shared_store.zrange("intake:limits:conversations/testclient", 0, -1))
    assert first.encode() not in stored and second.encode() not in stored  # senders are stored hashed


def test_unreachable_redis_lets_requests_through_with_one_warning_each(limited, caplog):
    url = f"redis://127.0.0.1:{stack.free_port()}/11"  # nothing listens there
    sender = str(uuid.uuid4())
    with caplog.at_level(logging.WARNING, logger="api.limits"):
        with limited(limits_redis_url=url, chat_rate_limit=1, conversations_limit=1, form_rate_limit=1) as client:
            assert [_chat(client, sender).status_code for _ in range(3)] == [503, 503, 503]
            assert _chat(client).status_code == 503  # a second conversation too
            assert [client.post("/aanmelden", data={"name": "x"}).status_code for _ in range(2)] == [403, 403]
            assert client.get("/api/health").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "api.limits"]
    assert lines == ["rate-limit store unreachable, request allowed: ConnectionError"] * 6  # one per request
    assert not any("testclient" in line or sender in line for line in lines)


def test_redis_counters_keep_the_sliding_window_rules(shared_store):
    async def run() -> None:
        limits = Limits.from_settings(Settings(limits_redis_url=REDIS_URL, chat_rate_limit=2, chat_rate_window=1,
                                               conversations_limit=2, conversations_window=100))
        try:
            window, conversations = limits.chat, limits.conversations
            assert await window.hit("a") is None and await window.hit("a") is None
            wait = await window.hit("a")
            assert 0 < wait <= 1
            assert await window.hit("b") is None  # another client has its own budget
            await asyncio.sleep(wait + 0.05)
            assert await window.hit("a") is None
            assert await conversations.admit("c", "s1") is None and await conversations.admit("c", "s2") is None
            assert await conversations.admit("c", "s1") is None
            assert await conversations.admit("c", "s3") == pytest.approx(100, abs=1)
            assert await conversations.admit("other", "s3") is None
            assert 0 < shared_store.ttl("intake:limits:conversations/c") <= 100  # Redis forgets quiet clients
        finally:
            await limits.aclose()

    asyncio.run(run())


def test_limits_redis_url_setting():
    assert Settings(limits_redis_url="").limits_redis_url is None
    assert Settings(limits_redis_url=" redis://h:6379/2 ").limits_redis_url.get_secret_value() == "redis://h:6379/2"
    assert "s3cret" not in repr(Settings(limits_redis_url="redis://:s3cret@h:6379/2"))
    with pytest.raises(ValidationError):
        Settings(limits_redis_url="http://127.0.0.1:6379")
