"""Staff sign-in: password, TOTP, code reuse, lockout, session expiry."""
from __future__ import annotations

from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.core.db import utcnow
from api.staff.models import StaffSession, StaffUser
from api.staff.service import create_user

GENERIC = "Incorrect e-mail address, password or code"


def sign_in(client, username, password, otp=None):
    data = {"username": username, "password": password}
    if otp is not None:
        data["otp"] = otp
    return client.post("/api/auth/token", data=data)


def test_sign_in_with_totp_gives_a_working_token(client, staff_user):
    email, password, secret = staff_user
    r = sign_in(client, email.upper(), password, pyotp.TOTP(secret).now())
    assert r.status_code == 200
    assert r.json()["token_type"] == "bearer"
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/api/registrations", headers=headers).status_code == 200


def test_enrolled_user_needs_the_code(client, staff_user):
    email, password, secret = staff_user
    assert sign_in(client, email, password).status_code == 401
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    assert sign_in(client, email, password, wrong).status_code == 401


def test_reused_code_is_refused(client, staff_user):
    email, password, secret = staff_user
    code = pyotp.TOTP(secret).now()
    assert sign_in(client, email, password, code).status_code == 200
    r = sign_in(client, email, password, code)
    assert r.status_code == 401
    assert r.json()["detail"] == GENERIC


def test_user_without_totp_signs_in_with_password(client, db):
    create_user(db, "bemiddelaar@example.org", "another long password", "mediator")
    assert sign_in(client, "bemiddelaar@example.org", "another long password").status_code == 200


def test_wrong_credentials_get_one_generic_answer(client, staff_user):
    email, password, secret = staff_user
    wrong_password = sign_in(client, email, "not the password", pyotp.TOTP(secret).now())
    unknown_user = sign_in(client, "nobody@example.org", password, pyotp.TOTP(secret).now())
    for r in (wrong_password, unknown_user):
        assert r.status_code == 401
        assert r.json() == {"detail": GENERIC}
        assert r.headers["WWW-Authenticate"] == "Bearer"


def test_failures_from_one_address_slow_that_address_down_not_the_account(client, staff_user):
    email, password, secret = staff_user
    for _ in range(4):  # three free mistakes, the fourth sets a delay
        assert sign_in(client, email, "wrong password!", "123456").status_code == 401
    slowed = sign_in(client, email, password, pyotp.TOTP(secret).now())
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["Retry-After"]) <= 2
    # The staff member at another address signs in; another account is not affected either.
    elsewhere = TestClient(client.app, client=("198.51.100.7", 40000))  # the app's lifespan is already running
    assert sign_in(elsewhere, email, password, pyotp.TOTP(secret).now()).status_code == 200
    assert sign_in(client, "someone@example.org", "x").status_code == 401


def test_inactive_user_cannot_sign_in(client, db, staff_user):
    email, password, secret = staff_user
    db.execute(update(StaffUser).values(active=False))
    db.commit()
    assert sign_in(client, email, password, pyotp.TOTP(secret).now()).status_code == 401


def test_sessions_end_after_30_idle_minutes(client, db, staff_headers):
    db.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    db.commit()
    assert client.get("/api/registrations", headers=staff_headers).status_code == 200
    db.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.commit()
    assert client.get("/api/registrations", headers=staff_headers).status_code == 401


def test_session_ends_at_its_expiry_even_when_active(client, db, staff_headers):
    db.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert client.get("/api/registrations", headers=staff_headers).status_code == 401


def test_token_is_stored_hashed(client, db, staff_headers):
    token = staff_headers["Authorization"].removeprefix("Bearer ")
    stored = db.query(StaffSession.token_sha256).scalar()
    assert stored != token and len(stored) == 64


def test_bad_form_is_422_not_500(client):
    assert client.post("/api/auth/token", data={"username": "x"}).status_code == 422
    assert client.post("/api/auth/token", json={"username": "x", "password": "y"}).status_code == 422


def test_odd_codes_are_refused_not_crashing(client, staff_user):
    email, password, secret = staff_user
    for otp in ("１２３４５６", "12345é", "", "12 34 5"):
        assert sign_in(client, email, password, otp).status_code == 401
    assert sign_in(client, email, password, "1" * 17).status_code == 422


def test_sign_out_ends_the_bearer_token(client, staff_headers):
    assert client.post("/api/auth/sign-out").status_code == 401
    assert client.post("/api/auth/sign-out", headers=staff_headers).status_code == 204
    assert client.get("/api/registrations", headers=staff_headers).status_code == 401
    assert client.post("/api/auth/sign-out", headers=staff_headers).status_code == 401
