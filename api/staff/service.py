"""Staff accounts: creation, sign-in with password and TOTP, lockout, and bearer-token sessions."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.core import security
from api.core.db import utcnow
from api.staff.models import LoginFailure, RecoveryCode, StaffSession, StaffUser

log = logging.getLogger("api.staff")

ROLES = ("admin", "intake", "mediator")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # bounds the hashing work one request can cause
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE_LIMIT = timedelta(minutes=30)  # ASVS level 2
RECOVERY_CODE_COUNT = 10


class SignInFailed(Exception):
    """Wrong user name, password or code; deliberately says no more than that."""


class LockedOut(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _account_digest(username: str) -> str:
    return hashlib.sha256(normalise_email(username).encode("utf-8")).hexdigest()


def get_user_by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)) or 0


def create_user(session: Session, email: str, password: str, role: str, totp_secret: str | None = None,
                region: str | None = None) -> StaffUser:
    """A new active staff user; ValueError for a bad role, short password or existing e-mail."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"password must have at most {MAX_PASSWORD_LENGTH} characters")
    if "@" not in email or len(email) > 254:
        raise ValueError("e-mail address is not valid")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if get_user_by_email(session, email) is not None:
        raise ValueError("a staff user with this e-mail address exists")
    user = StaffUser(email=email, password_hash=security.hash_password(password), role=role,
                     totp_secret=totp_secret, active=True, region=region)
    session.add(user)
    session.commit()
    log.info("staff user created id=%s role=%s totp=%s", user.id, role, totp_secret is not None)
    return user


def _check_lockout(session: Session, account: str, now: datetime) -> None:
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.account_sha256 == account, LoginFailure.failed_at > now - FAILURE_WINDOW)
        .order_by(LoginFailure.failed_at.desc())
        .limit(MAX_FAILURES)
    ).all()
    if len(recent) >= MAX_FAILURES:
        # Unlocks when the oldest of the last MAX_FAILURES failures leaves the window.
        retry_after = int((recent[-1] + FAILURE_WINDOW - now).total_seconds()) + 1
        raise LockedOut(max(retry_after, 1))


def _fail(session: Session, account: str, now: datetime, user: StaffUser | None) -> SignInFailed:
    session.add(LoginFailure(account_sha256=account, failed_at=now))
    session.commit()
    log.info("sign-in failed user_id=%s", user.id if user else "unknown")
    return SignInFailed()


def sign_in(session: Session, username: str, password: str, otp: str | None, now: datetime | None = None) -> str:
    """Check credentials (and the TOTP code when enrolled) and open a session; returns the bearer token.
    Raises LockedOut after MAX_FAILURES failures within FAILURE_WINDOW, SignInFailed otherwise."""
    now = now or utcnow()
    account = _account_digest(username)
    _check_lockout(session, account, now)
    if len(username) > 254 or len(password) > MAX_PASSWORD_LENGTH:
        raise _fail(session, account, now, None)
    user = get_user_by_email(session, username)
    password_ok = security.verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        raise _fail(session, account, now, user)
    if user.totp_secret:
        counter = security.match_totp(user.totp_secret, otp or "", now, user.totp_last_counter)
        if counter is not None:
            user.totp_last_counter = counter
        elif not _use_recovery_code(session, user, otp or "", now):
            raise _fail(session, account, now, user)
    if security.password_needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    session.execute(delete(LoginFailure).where(LoginFailure.account_sha256 == account))
    token = security.new_session_token()
    session.add(StaffSession(token_sha256=security.token_digest(token), user_id=user.id, created_at=now,
                             last_seen_at=now, expires_at=now + SESSION_LIFETIME))
    session.commit()
    log.info("sign-in ok user_id=%s", user.id)
    return token


def _use_recovery_code(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    digest = security.recovery_code_digest(code)
    if digest is None:
        return False
    row = session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                    RecoveryCode.code_sha256 == digest,
                                                    RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now
    log.info("sign-in with a recovery code user_id=%s", user.id)
    return True


def enrol_totp(session: Session, user: StaffUser, secret: str, code: str, now: datetime | None = None) -> list[str] | None:
    """Store `secret` when `code` proves the authenticator has it; returns fresh recovery codes (shown once),
    replacing any earlier ones, or None when the code is wrong."""
    now = now or utcnow()
    if not security.is_totp_secret(secret):
        return None
    counter = security.match_totp(secret, code, now, None)
    if counter is None:
        return None
    user.totp_secret, user.totp_last_counter = secret, counter
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [security.new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_sha256=security.recovery_code_digest(c)) for c in codes)
    session.commit()
    log.info("totp enrolled user_id=%s", user.id)
    return codes


def recovery_codes_left(session: Session, user: StaffUser) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def sign_out(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_sha256 == security.token_digest(token)))
    session.commit()


def sign_out_everywhere(session: Session, user_id: int) -> int:
    """End every session of a user (all devices); returns how many ended."""
    ended = session.execute(delete(StaffSession).where(StaffSession.user_id == user_id)).rowcount or 0
    session.commit()
    log.info("signed out everywhere user_id=%s sessions=%s", user_id, ended)
    return ended


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email)))


def update_user(session: Session, actor: StaffUser, user: StaffUser, *, role: str | None = None,
                region: str | None = None, active: bool | None = None, reset_totp: bool = False) -> StaffUser:
    """Change role, region or active state, or reset two-factor sign-in; ValueError for a bad change.
    Deactivating or resetting ends the user's sessions. An admin cannot lock themselves out."""
    if role is not None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if user.id == actor.id and role != "admin":
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
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if active is False or reset_totp:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    session.commit()
    log.info("staff user updated id=%s by=%s role=%s active=%s reset_totp=%s", user.id, actor.id, user.role,
             user.active, reset_totp)
    return user


def mediators(session: Session) -> list[StaffUser]:
    """Active mediators, by e-mail."""
    return list(session.scalars(select(StaffUser).where(StaffUser.role == "mediator", StaffUser.active.is_(True))
                                .order_by(StaffUser.email)))


def user_for_token(session: Session, token: str, now: datetime | None = None) -> StaffUser | None:
    """The active user behind a bearer token, or None when unknown, expired or idle too long."""
    now = now or utcnow()
    staff_session = session.scalar(
        select(StaffSession).where(StaffSession.token_sha256 == security.token_digest(token))
    )
    if staff_session is None:
        return None
    if now >= staff_session.expires_at or now - staff_session.last_seen_at > SESSION_IDLE_LIMIT:
        session.delete(staff_session)
        session.commit()
        return None
    if not staff_session.user.active:
        return None
    staff_session.last_seen_at = now
    session.commit()
    return staff_session.user


def ensure_admin(session: Session, email: str, password: str, totp_secret: str | None) -> StaffUser | None:
    """Create the admin of INTAKE_ADMIN_* when absent; returns the new user or None when it existed."""
    if get_user_by_email(session, email) is not None:
        return None
    return create_user(session, email, password, "admin", totp_secret)
