"""Staff accounts: creation, sign-in with password and TOTP (throttled: api/staff/throttle.py), password change,
two-factor (re-)enrolment, and bearer-token sessions.

One-time things are taken with a conditional UPDATE whose row count decides (a TOTP time step, a recovery code), so
two requests with the same code at the same instant cannot both succeed."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core import security
from api.core.db import rows_changed, utcnow
from api.staff import passwords, roles, throttle
from api.staff.models import RecoveryCode, StaffSession, StaffUser
from api.staff.roles import Role
from api.staff.throttle import Throttled as Throttled  # re-exported: the routers catch service.Throttled

log = logging.getLogger("api.staff")

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
MAX_PASSWORD_LENGTH = passwords.MAX_LENGTH
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE_LIMIT = timedelta(minutes=30)  # ASVS level 2
RECOVERY_CODE_COUNT = 10


class SignInFailed(Exception):
    """Wrong user name, password or code; deliberately says no more than that."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(db: Session, email: str) -> StaffUser | None:
    return db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(StaffUser)) or 0


def create_user(db: Session, email: str, password: str, role: str, totp_secret: str | None = None,
                region: str | None = None, must_change_password: bool = False) -> StaffUser:
    """A new active staff user; ValueError for a bad role or e-mail, a refused password or an existing e-mail.
    `must_change_password`: an admin chose it, so the user must replace it at their first sign-in."""
    email = normalise_email(email)
    role = roles.parse(role)
    if "@" not in email or len(email) > 254:
        raise ValueError("e-mail address is not valid")
    problem = passwords.problem(password, email)
    if problem:
        raise ValueError(problem)
    if get_user_by_email(db, email) is not None:
        raise ValueError("a staff user with this e-mail address exists")
    user = StaffUser(email=email, password_hash=security.hash_password(password), role=role,
                     totp_secret=totp_secret, active=True, region=region,
                     must_change_password=must_change_password)
    db.add(user)
    db.commit()
    log.info("staff user created id=%s role=%s totp=%s", user.id, role, totp_secret is not None)
    return user


def sign_in(db: Session, username: str, password: str, otp: str | None, address: str | None = None,
            now: datetime | None = None) -> str:
    """Check credentials (and the TOTP code or a recovery code when enrolled) and open a session; returns the bearer
    token. The attempt is counted before anything is checked: Throttled when this account or this (account,
    address) pair must wait, SignInFailed for any wrong part."""
    now = now or utcnow()
    email = normalise_email(username[:254])
    attempt = throttle.attempt(db, email, address, now)
    if len(username) > 254 or len(password) > MAX_PASSWORD_LENGTH:
        raise _failed(None)
    user = get_user_by_email(db, email)
    password_ok = security.verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        raise _failed(user)
    if user.totp_secret and not _use_second_factor(db, user, otp or "", now):
        raise _failed(user)
    if security.password_needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    throttle.forgive(db, attempt, now)
    token = security.new_session_token()
    db.add(StaffSession(token_sha256=security.token_digest(token), user_id=user.id, created_at=now,
                             last_seen_at=now, expires_at=now + SESSION_LIFETIME))
    db.commit()
    log.info("sign-in ok user_id=%s", user.id)
    return token


def _failed(user: StaffUser | None) -> SignInFailed:
    log.info("sign-in failed user_id=%s", user.id if user else "unknown")
    return SignInFailed()


def _use_second_factor(db: Session, user: StaffUser, code: str, now: datetime) -> bool:
    """Take a TOTP time step or a recovery code for good; False when wrong or already taken (also by a parallel
    request: the conditional UPDATE's row count decides). Commits."""
    counter = security.match_totp(user.totp_secret, code, now, user.totp_last_counter) if user.totp_secret else None
    if counter is not None:
        taken = rows_changed(db, update(StaffUser)
                             .where(StaffUser.id == user.id, or_(StaffUser.totp_last_counter.is_(None),
                                                                 StaffUser.totp_last_counter < counter))
                             .values(totp_last_counter=counter).execution_options(synchronize_session=False))
        db.commit()
        if taken:
            user.totp_last_counter = counter
            return True
        return False
    digest = security.recovery_code_digest(code)
    if digest is None:
        return False
    taken = rows_changed(db, update(RecoveryCode)
                         .where(RecoveryCode.user_id == user.id, RecoveryCode.code_sha256 == digest,
                                RecoveryCode.used_at.is_(None))
                         .values(used_at=now).execution_options(synchronize_session=False))
    db.commit()
    if taken:
        log.info("second factor: a recovery code used user_id=%s", user.id)
    return bool(taken)


def _reauthenticate(db: Session, user: StaffUser, password: str, address: str | None, now: datetime) -> None:
    """A signed-in user proves the password again before a sensitive change (throttled like a sign-in);
    SignInFailed when wrong."""
    attempt = throttle.attempt(db, user.email, address, now)
    if len(password) > MAX_PASSWORD_LENGTH or not security.verify_password(user.password_hash, password):
        raise _failed(user)
    throttle.forgive(db, attempt, now)
    db.commit()


def _end_other_sessions(db: Session, user: StaffUser, keep_token: str | None) -> int:
    query = delete(StaffSession).where(StaffSession.user_id == user.id)
    if keep_token:
        query = query.where(StaffSession.token_sha256 != security.token_digest(keep_token))
    return rows_changed(db, query)


def enrol_totp(db: Session, user: StaffUser, secret: str, code: str, *, password: str = "",
               proof: str = "", keep_token: str | None = None, address: str | None = None,
               now: datetime | None = None) -> list[str] | None:
    """Store `secret` when `code` proves the authenticator has it; returns fresh recovery codes (shown once),
    replacing any earlier ones, or None when the code is wrong. Replacing an existing second factor needs the
    password and a current code of the old one, or a recovery code, as `proof` (SignInFailed otherwise): a stolen
    or unattended session must not take over the account. Ends the user's other sessions; audited."""
    now = now or utcnow()
    if not security.is_totp_secret(secret) or security.match_totp(secret, code, now, None) is None:
        return None
    if user.totp_secret:
        _reauthenticate(db, user, password, address, now)
        if not _use_second_factor(db, user, proof, now):
            raise _failed(user)
    counter = security.match_totp(secret, code, now, None)
    user.totp_secret, user.totp_last_counter = secret, counter
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [security.new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.add_all(RecoveryCode(user_id=user.id, code_sha256=security.recovery_code_digest(c)) for c in codes)
    ended = _end_other_sessions(db, user, keep_token)
    audit.record(db, user, "totp_enrol", None, f"user {user.id}; sessions ended {ended}")
    db.commit()
    log.info("totp enrolled user_id=%s other_sessions_ended=%s", user.id, ended)
    return codes


def change_password(db: Session, user: StaffUser, current: str, new: str, *, keep_token: str | None = None,
                    address: str | None = None, now: datetime | None = None) -> None:
    """Self-service change: SignInFailed when `current` is wrong (throttled like a sign-in), ValueError when `new`
    is refused. Clears a forced change, ends the user's other sessions; audited."""
    now = now or utcnow()
    _reauthenticate(db, user, current, address, now)
    problem = passwords.problem(new, user.email)
    if problem:
        raise ValueError(problem)
    if new == current:
        raise ValueError("the new password must differ from the current one")
    user.password_hash, user.must_change_password = security.hash_password(new), False
    ended = _end_other_sessions(db, user, keep_token)
    audit.record(db, user, "password", None, f"user {user.id}; sessions ended {ended}")
    db.commit()
    log.info("password changed user_id=%s other_sessions_ended=%s", user.id, ended)


def recovery_codes_left(db: Session, user: StaffUser) -> int:
    return db.scalar(select(func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def sign_out(db: Session, token: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.token_sha256 == security.token_digest(token)))
    db.commit()


def sign_out_everywhere(db: Session, user_id: int) -> int:
    """End every session of a user (all devices); returns how many ended."""
    ended = rows_changed(db, delete(StaffSession).where(StaffSession.user_id == user_id))
    db.commit()
    log.info("signed out everywhere user_id=%s sessions=%s", user_id, ended)
    return ended


def list_users(db: Session) -> list[StaffUser]:
    return list(db.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email)))


def update_user(db: Session, actor: StaffUser, user: StaffUser, *, role: str | None = None,
                region: str | None = None, active: bool | None = None, reset_totp: bool = False) -> StaffUser:
    """Change role, region or active state, or reset two-factor sign-in; ValueError for a bad change.
    Deactivating or resetting ends the user's sessions. An admin cannot lock themselves out."""
    if role is not None:
        role = roles.parse(role)
        if user.id == actor.id and not roles.is_admin(role):
            raise ValueError("you cannot take away your own admin role")
        user.role = role
    if region is not None:
        user.region = region or None
    if active is not None:
        if user.id == actor.id and not active:
            raise ValueError("you cannot deactivate your own account")
        user.active = active
    if reset_totp:
        if user.id == actor.id:
            raise ValueError("reset your own two-factor sign-in by enrolling again")
        user.totp_secret, user.totp_last_counter = None, None
        db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if active is False or reset_totp:
        db.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    db.commit()
    log.info("staff user updated id=%s by=%s role=%s active=%s reset_totp=%s", user.id, actor.id, user.role,
             user.active, reset_totp)
    return user


def mediators(db: Session) -> list[StaffUser]:
    """Active mediators, by e-mail."""
    return list(db.scalars(select(StaffUser).where(StaffUser.role == Role.MEDIATOR, StaffUser.active.is_(True))
                                .order_by(StaffUser.email)))


def user_for_token(db: Session, token: str, now: datetime | None = None) -> StaffUser | None:
    """The active user behind a bearer token, or None when unknown, expired or idle too long."""
    now = now or utcnow()
    staff_session = db.scalar(
        select(StaffSession).where(StaffSession.token_sha256 == security.token_digest(token))
    )
    if staff_session is None:
        return None
    if now >= staff_session.expires_at or now - staff_session.last_seen_at > SESSION_IDLE_LIMIT:
        db.delete(staff_session)
        db.commit()
        return None
    if not staff_session.user.active:
        return None
    staff_session.last_seen_at = now
    db.commit()
    return staff_session.user


def ensure_admin(db: Session, email: str, password: str, totp_secret: str | None) -> StaffUser | None:
    """Create the admin of INTAKE_ADMIN_* when absent; returns the new user or None when it existed."""
    if get_user_by_email(db, email) is not None:
        return None
    return create_user(db, email, password, Role.ADMIN, totp_secret)
