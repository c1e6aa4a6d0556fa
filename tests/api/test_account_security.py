"""Account security on SQLite and PostgreSQL: throttled sign-in counted before the password is checked (also under
concurrent requests), single-use TOTP and recovery codes under concurrency, the password rule, self-service and
forced password change, and TOTP re-enrolment that needs the password and the old second factor."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.core.db import make_session_factory, utcnow
from api.staff import service, throttle
from api.staff.models import StaffSession, StaffUser
from api.staff.passwords import problem
from api.staff.service import SignInFailed, Throttled, create_user

EMAIL, PASSWORD = "medewerker@example.org", "a long staff password 42"


def concurrently(engine, count: int, call) -> list:
    """`call(session, i)` in `count` threads at once, each with its own session; returns results or exceptions."""
    factory, barrier = make_session_factory(engine), threading.Barrier(count)

    def run(i: int):
        with factory() as session:
            barrier.wait()
            try:
                return call(session, i)
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test counts
                return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def user(db):
    secret = pyotp.random_base32()
    create_user(db, EMAIL, PASSWORD, "intake", totp_secret=secret)
    return secret


# --- throttling ----------------------------------------------------------------------------------------

def test_parallel_guesses_cannot_pass_the_account_ceiling(engine, user, monkeypatch):
    """Each attempt is counted before the slow password check, by a conditional UPDATE: of 12 parallel wrong
    guesses from 12 addresses exactly the ceiling's 5 are checked, the rest are refused."""
    monkeypatch.setattr(throttle, "ACCOUNT_CEILING", 5)
    outcomes = concurrently(engine, 12, lambda s, i: service.sign_in(s, EMAIL, f"wrong guess number {i}", "000000",
                                                                      f"203.0.113.{i}"))
    assert sum(isinstance(o, SignInFailed) for o in outcomes) == 5, outcomes
    assert sum(isinstance(o, Throttled) for o in outcomes) == 7


def test_parallel_guesses_from_one_address_get_the_free_tries_only(engine, user):
    outcomes = concurrently(engine, 10, lambda s, i: service.sign_in(s, EMAIL, "wrong password!!", "000000",
                                                                      "203.0.113.9"))
    # Three free failures and the fourth (which sets the first delay) are checked; the others wait.
    assert sum(isinstance(o, SignInFailed) for o in outcomes) == throttle.FREE_FAILURES + 1
    assert all(isinstance(o, (SignInFailed, Throttled)) for o in outcomes)


def test_delays_grow_per_pair_and_the_owner_elsewhere_still_signs_in(db, user):
    now = utcnow()
    for _ in range(throttle.FREE_FAILURES + 1):
        with pytest.raises(SignInFailed):
            service.sign_in(db, EMAIL, "wrong password!!", "000000", "203.0.113.5", now=now)
    with pytest.raises(Throttled) as first:
        service.sign_in(db, EMAIL, PASSWORD, pyotp.TOTP(user).now(), "203.0.113.5", now=now)
    assert first.value.retry_after == 2
    later = now + timedelta(seconds=2)
    with pytest.raises(SignInFailed):
        service.sign_in(db, EMAIL, "wrong password!!", "000000", "203.0.113.5", now=later)
    with pytest.raises(Throttled) as second:
        service.sign_in(db, EMAIL, "wrong password!!", "000000", "203.0.113.5", now=later)
    assert second.value.retry_after == 4
    # No hard lock-out: the staff member at another address signs in at once.
    assert service.sign_in(db, EMAIL, PASSWORD, pyotp.TOTP(user).now(), "198.51.100.7", now=later)


def test_the_account_ceiling_holds_across_addresses_and_its_window_ends(db, user, monkeypatch):
    monkeypatch.setattr(throttle, "ACCOUNT_CEILING", 3)
    now = utcnow()
    for i in range(3):
        with pytest.raises(SignInFailed):
            service.sign_in(db, EMAIL, "wrong password!!", "000000", f"203.0.113.{i}", now=now)
    with pytest.raises(Throttled) as ceiling:
        service.sign_in(db, EMAIL, PASSWORD, pyotp.TOTP(user).now(), "198.51.100.7", now=now)
    assert ceiling.value.retry_after == int(throttle.ACCOUNT_WINDOW.total_seconds())
    after = now + throttle.ACCOUNT_WINDOW
    assert service.sign_in(db, EMAIL, PASSWORD, pyotp.TOTP(user).at(after), "198.51.100.7", now=after)


def test_ipv6_clients_are_counted_per_64(db, user):
    assert throttle.network("2001:db8:1:2:aaaa::1") == throttle.network("2001:db8:1:2:bbbb:cccc:dddd:9")
    assert throttle.network("2001:db8:1:2::1") != throttle.network("2001:db8:1:3::1")
    assert throttle.network("::ffff:203.0.113.7") == "203.0.113.7" == throttle.network("203.0.113.7")
    now = utcnow()
    for i in range(throttle.FREE_FAILURES + 1):  # each from another address of the same /64
        with pytest.raises(SignInFailed):
            service.sign_in(db, EMAIL, "wrong password!!", "000000", f"2001:db8:1:2::{i + 1:x}", now=now)
    with pytest.raises(Throttled):
        service.sign_in(db, EMAIL, PASSWORD, pyotp.TOTP(user).now(), "2001:db8:1:2:ffff::1", now=now)
    assert service.sign_in(db, EMAIL, PASSWORD, pyotp.TOTP(user).now(), "2001:db8:1:3::1", now=now)


def test_the_throttle_table_names_neither_account_nor_address(db, user):
    with pytest.raises(SignInFailed):
        service.sign_in(db, EMAIL, "wrong password!!", "000000", "203.0.113.5")
    keys = " ".join(db.scalars(select(throttle.T.key)))
    assert keys and EMAIL not in keys and "203.0.113" not in keys


# --- single-use codes ----------------------------------------------------------------------------------

def test_one_totp_code_signs_in_once_under_concurrency(engine, user):
    code = pyotp.TOTP(user).now()
    outcomes = concurrently(engine, 6, lambda s, i: service.sign_in(s, EMAIL, PASSWORD, code, f"203.0.113.{i}"))
    assert sum(isinstance(o, str) for o in outcomes) == 1
    assert sum(isinstance(o, SignInFailed) for o in outcomes) == 5, outcomes


def test_one_recovery_code_signs_in_once_under_concurrency(engine, db, user):
    me = db.scalar(select(StaffUser))
    [recovery, *_] = service.enrol_totp(db, me, pyotp.random_base32(), "", now=utcnow()) or [None]
    assert recovery is None  # a wrong enrolment code changes nothing
    secret = pyotp.random_base32()
    codes = _enrol_anew(db, me, secret, user)
    outcomes = concurrently(engine, 6, lambda s, i: service.sign_in(s, EMAIL, PASSWORD, codes[0], f"203.0.113.{i}"))
    assert sum(isinstance(o, str) for o in outcomes) == 1


def _enrol_anew(db, me, secret: str, old_secret: str) -> list[str]:
    """Replace the second factor with the password and a current code of the old one."""
    now = utcnow()
    return service.enrol_totp(db, me, secret, pyotp.TOTP(secret).at(now), password=PASSWORD,
                              proof=pyotp.TOTP(old_secret).at(now), now=now)


# --- passwords -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["kort genoeg", "qwerty123456", "123456789012", "Password1234",
                                      "aaaaaaaaaaaaaaaa", "1qaz2wsx3edc4rfv", "medewerker@example.org"])
def test_short_or_breached_passwords_are_refused(password):
    assert problem(password, EMAIL) is not None


@pytest.mark.parametrize("password", [PASSWORD, "bemiddeling op dinsdag bij de koffie", "Zomer-rivier-7-kastanje"])
def test_good_passwords_pass(password):
    assert problem(password, EMAIL) is None


def _bearer(client, secret: str, address: str = "testclient") -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": EMAIL, "password": PASSWORD, "otp": pyotp.TOTP(secret).now()})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_password_change_needs_the_current_password_and_ends_other_sessions(client, db, user):
    headers = _bearer(client, user)
    other = db.scalar(select(StaffSession.id))
    mine = _second_session(db)
    change = {"current_password": "not my password!", "new_password": "a new and better passphrase"}
    assert client.post("/api/auth/password", json=change, headers=headers).status_code == 403
    for weak in ("te kort", "qwerty123456"):
        r = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": weak},
                        headers=headers)
        assert r.status_code == 422, weak
    ok = client.post("/api/auth/password", json={"current_password": PASSWORD,
                                                 "new_password": "a new and better passphrase"}, headers=headers)
    assert ok.status_code == 204
    db.expire_all()
    assert db.scalars(select(StaffSession.id)).all() == [other]  # this session stays, the other ended
    assert mine != other
    assert client.get("/api/registrations", headers=headers).status_code == 200
    [entry] = db.scalars(select(AuditEntry).where(AuditEntry.action == "password")).all()
    assert entry.registration_id is None and PASSWORD not in entry.detail
    assert service.sign_in(db, EMAIL, "a new and better passphrase", pyotp.TOTP(user).at(utcnow() + timedelta(
        seconds=30)), now=utcnow() + timedelta(seconds=30))


def _second_session(db) -> int:
    from api.core import security

    me = db.scalar(select(StaffUser))
    now = utcnow()
    row = StaffSession(token_sha256=security.token_digest("another device"), user_id=me.id, created_at=now,
                       last_seen_at=now, expires_at=now + timedelta(hours=1))
    db.add(row)
    db.commit()
    return row.id


def test_a_password_an_admin_chose_must_be_changed_first(client, db):
    secret = pyotp.random_base32()
    create_user(db, EMAIL, PASSWORD, "intake", totp_secret=secret, must_change_password=True)
    headers = _bearer(client, secret)
    refused = client.get("/api/registrations", headers=headers)
    assert refused.status_code == 403 and "password" in refused.json()["detail"]
    assert client.post("/api/auth/password", json={"current_password": PASSWORD,
                                                   "new_password": "my very own passphrase"},
                       headers=headers).status_code == 204
    assert client.get("/api/registrations", headers=headers).status_code == 200


# --- TOTP re-enrolment ---------------------------------------------------------------------------------

def test_replacing_the_second_factor_needs_password_and_old_factor(db, user):
    me = db.scalar(select(StaffUser))
    _second_session(db)
    new, now = pyotp.random_base32(), utcnow()
    for password, proof in (("", ""), (PASSWORD, ""), (PASSWORD, "000000"), ("wrong password!!",
                                                                            pyotp.TOTP(user).at(now))):
        with pytest.raises((SignInFailed, Throttled)):
            service.enrol_totp(db, me, new, pyotp.TOTP(new).at(now), password=password, proof=proof,
                               address=f"203.0.113.{len(password)}", now=now)
    db.expire_all()
    assert db.scalar(select(StaffUser.totp_secret)) == user  # unchanged
    codes = _enrol_anew(db, me, new, user)
    assert len(codes) == 10
    db.expire_all()
    assert db.scalar(select(StaffUser.totp_secret)) == new
    assert db.scalars(select(StaffSession)).all() == []  # other sessions ended
    [entry] = db.scalars(select(AuditEntry).where(AuditEntry.action == "totp_enrol")).all()
    assert entry.actor_id == me.id and entry.registration_id is None
    # A recovery code of the new set also proves the old factor for the next replacement.
    newer = pyotp.random_base32()
    assert service.enrol_totp(db, me, newer, pyotp.TOTP(newer).now(), password=PASSWORD, proof=codes[0])
