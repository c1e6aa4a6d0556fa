"""Bad input never yields a 500 or a stack trace: hostile strings in every field of the chat, the hand-off,
the web form and sign-in, and hypothesis over the same endpoints (schemathesis over every operation of the OpenAPI
schema: tests/api/test_api_description.py)."""
from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import SERVICE_TOKEN, record

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE registrations; --",
    "1 OR 1=1",
    "\x00",
    "nul\x00byte",
    "\x1b[31mrood\x1b[0m\r\n\t\x07",
    "\u202egnp.exe",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters only
    "\ud800",  # lone surrogate: valid in JSON, not encodable as UTF-8
    "😀👩🏽‍💻🏳️‍🌈" * 50,
    "ﷺ" * 300,
    "a" * 100_000,
    "%s%n{0}{{7*7}}${7*7}",
    "../../etc/passwd",
    "",
    " ",
]
IDS = [repr(s[:12]) for s in HOSTILE]
FORM_SAFE = [(v, i) for v, i in zip(HOSTILE, IDS, strict=True) if v != "\ud800"]  # a form cannot carry a lone surrogate
# A clear answer: accepted, refused for the input, refused for size or rate, or "Rasa is down" (chat only).
CLEAR = {200, 201, 400, 401, 403, 409, 413, 422, 429}

REGISTRATION_FIELDS = ("reference", "kind", "source", "role", "referrer_organisation", "event_kind", "setting",
                       "when_happened", "other_party_known", "procedures", "contact_form", "description", "name",
                       "phone", "email", "voicemail_ok", "email_ok", "call_time", "region", "language",
                       "consent_at", "consent_version", "on_behalf", "consent")


def post_json(client, path: str, body, headers: dict | None = None):
    """ASCII JSON (as `json.dumps` writes it), so lone surrogates travel as \\ud800 escapes."""
    return client.post(path, content=json.dumps(body).encode(),
                       headers={"Content-Type": "application/json", **(headers or {})})


def hand_off(client, body: dict, key: str | None = None):
    return post_json(client, "/api/internal/registrations", body,
                     {"Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": key or str(uuid.uuid4())})


def _no_trace(response) -> None:
    assert response.status_code < 500 or response.status_code == 503, response.status_code
    assert "Traceback" not in response.text and 'File "' not in response.text


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_chat_fields(client, value):
    for body in ({"sender": str(uuid.uuid4()), "message": value}, {"sender": value, "message": "hallo"},
                 {"sender": str(uuid.uuid4()), "message": "hallo", value or "x": 1}):
        r = post_json(client, "/api/chat", body)
        _no_trace(r)
        assert r.status_code in CLEAR | {503}
    # The chat echoes nothing of a rejected body back (the widget would show it).
    r = post_json(client, "/api/chat", {"sender": "not-a-uuid", "message": value})
    assert r.status_code in (413, 422) and (len(value) < 3 or value not in r.text)


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_hand_off_fields(client, value):
    for field in REGISTRATION_FIELDS:
        r = hand_off(client, record(**{field: value}))
        _no_trace(r)
        assert r.status_code in CLEAR, (field, r.status_code)
    # A header carries no NUL or non-ASCII; the rest of the string goes in as the key.
    key = value.encode("ascii", "ignore").decode().strip().replace("\x00", "")[:200] or "x"
    r = hand_off(client, record(), key=key)
    _no_trace(r)
    assert r.status_code in CLEAR


def _form_tokens(client, path: str) -> dict[str, str]:
    page = client.get(path).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    return {"csrf_token": token, "submission": submission}


FORM_FIELDS = ("referrer_organisation", "description", "name", "phone", "email", "kind", "role", "event_kind",
               "setting", "when_happened", "other_party_known", "procedures", "contact_form", "voicemail_ok",
               "email_ok", "call_time", "region", "on_behalf", "client_consent", "consent", "submission",
               "csrf_token")


@pytest.mark.parametrize("value", [v for v, _ in FORM_SAFE], ids=[i for _, i in FORM_SAFE])
def test_web_form_fields(client, value):
    for path in ("/aanmelden", "/en/aanmelden"):
        tokens = _form_tokens(client, path)
        fields = {**tokens, "phone": "0612345678", "consent": "yes"}
        fields.update({name: value for name in FORM_FIELDS if name != "csrf_token"})
        r = client.post(path, data=fields)
        _no_trace(r)
        assert r.status_code in CLEAR
        if "<script>" in value:
            assert "<script>alert(1)</script>" not in r.text  # shown again, but escaped


@pytest.mark.parametrize("value", [v for v, _ in FORM_SAFE], ids=[i for _, i in FORM_SAFE])
def test_sign_in_fields(client, staff_user, value):
    email, password, _secret = staff_user
    for form in ({"username": value, "password": password}, {"username": email, "password": value},
                 {"username": email, "password": password, "otp": value}):
        r = client.post("/api/auth/token", data=form)
        _no_trace(r)
        assert r.status_code in CLEAR


QUICK = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY_TEXT = st.one_of(st.text(), st.sampled_from(HOSTILE), st.text(st.characters(codec="utf-8"), min_size=1))
FORM_TEXT = st.one_of(st.text(st.characters(codec="utf-8")), st.sampled_from([v for v in HOSTILE if v != "\ud800"]))
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                          max_leaves=6)


@QUICK
@given(sender=st.one_of(st.uuids(version=4).map(str), ANY_TEXT), message=JSON_VALUE)
def test_chat_property(client, sender, message):
    r = post_json(client, "/api/chat", {"sender": sender, "message": message})
    _no_trace(r)
    assert r.status_code in CLEAR | {503}


@QUICK
@given(overrides=st.dictionaries(st.sampled_from(REGISTRATION_FIELDS), JSON_VALUE, min_size=1, max_size=4))
def test_hand_off_property(client, overrides):
    r = hand_off(client, record(**overrides))
    _no_trace(r)
    assert r.status_code in CLEAR


@QUICK
@given(username=FORM_TEXT, password=FORM_TEXT, otp=FORM_TEXT)
def test_sign_in_property(client, username, password, otp):
    r = client.post("/api/auth/token", data={"username": username, "password": password, "otp": otp})
    _no_trace(r)
    assert r.status_code in CLEAR


@QUICK
@given(fields=st.dictionaries(st.sampled_from(FORM_FIELDS[:-2]), FORM_TEXT, max_size=8))
def test_web_form_property(client, fields):
    tokens = _form_tokens(client, "/aanmelden")
    r = client.post("/aanmelden", data={**tokens, **fields})
    _no_trace(r)
    assert r.status_code in CLEAR


@pytest.mark.parametrize("raw", [b"name=%FF%FE%00&phone=%C0%AF", b"\xff\xfe=\x00", b"a=1&" * 2000, b"%", b"=&=&=="])
def test_raw_form_bodies(client, raw):
    tokens = _form_tokens(client, "/aanmelden")
    prefix = f"csrf_token={tokens['csrf_token']}&submission={tokens['submission']}&consent=yes&".encode()
    for path, body in (("/aanmelden", prefix + raw), ("/api/auth/token", raw)):
        r = client.post(path, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        _no_trace(r)
        assert r.status_code in CLEAR
