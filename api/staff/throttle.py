"""Sign-in throttling: growing delays per (account, address) pair, and a ceiling per account.

Every attempt is counted *before* the password is checked, by a conditional UPDATE whose row count decides; so
parallel guesses cannot all slip through one check, and argon2's slowness gives no window. A success forgives its
own attempt. Someone guessing from one address slows down only that pair: the real staff member, elsewhere, can
still sign in, until the whole account reaches its ceiling (many addresses together). IPv6 clients are counted per
/64, the block one subscriber usually holds. Keys are HMACs (INTAKE_SECRET_KEY) of the e-mail address and the
network, so the table names neither.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.core.config import get_settings
from api.core.db import rows_changed
from api.staff.models import SignInThrottle as T

FREE_FAILURES = 3  # per pair before the delays start: typing mistakes cost nothing
MAX_DELAY = timedelta(minutes=15)
PAIR_WINDOW = timedelta(hours=24)  # a pair's count starts again a day after its first failure
ACCOUNT_CEILING = 30  # attempts per account per ACCOUNT_WINDOW from all addresses together
ACCOUNT_WINDOW = timedelta(hours=1)
_NO_CEILING = 2**31 - 1
# "No wait" is a time long past, not `now`: parallel requests carry clocks a few milliseconds apart, and one
# request's `now` must not make another's look early.
NO_WAIT = datetime(2000, 1, 1, tzinfo=timezone.utc)


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    account_key: str
    pair_key: str


def network(address: str | None) -> str:
    """The client as counted: an IPv4 address, or the /64 of an IPv6 address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def pair_delay(failures: int) -> timedelta:
    """Wait before the next attempt of a pair after `failures` counted attempts: 0, 0, 0, 2 s, 4 s, ... 15 min."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_DELAY)


def _key(kind: str, text: str) -> str:
    secret = get_settings().secret.encode()
    return f"{kind}:{hmac.new(secret, f'{kind}|{text}'.encode(), hashlib.sha256).hexdigest()}"


def _ensure_row(db: Session, key: str, now: datetime) -> None:
    if db.scalar(select(T.key).where(T.key == key)) is None:
        db.add(T(key=key, failures=0, window_started_at=now, next_allowed_at=NO_WAIT))
        try:
            db.commit()
        except IntegrityError:  # a parallel attempt made it first
            db.rollback()


def _no_delay(_failures: int) -> timedelta:
    return timedelta(0)


def _count(db: Session, key: str, now: datetime, window: timedelta, ceiling: int,
           delay: Callable[[int], timedelta] = _no_delay) -> int | None:
    """Count one attempt on `key`; None when it is allowed, else the seconds to wait. Commits."""
    _ensure_row(db, key, now)
    # A finished window starts again at zero (of two parallel resets the second matches nothing).
    db.execute(update(T).where(T.key == key, T.window_started_at <= now - window)
                    .values(failures=0, window_started_at=now, next_allowed_at=NO_WAIT))
    counted = rows_changed(db, update(T).where(T.key == key, T.next_allowed_at <= now, T.failures < ceiling)
                           .values(failures=T.failures + 1))
    row = db.execute(select(T.failures, T.window_started_at, T.next_allowed_at).where(T.key == key)).one()
    wait = delay(row.failures)
    if counted and wait:  # only ever forward (see NO_WAIT)
        db.execute(update(T).where(T.key == key, T.next_allowed_at < now + wait)
                        .values(next_allowed_at=now + wait))
    db.commit()
    if counted:
        return None
    until: datetime = row.window_started_at + window if row.failures >= ceiling else row.next_allowed_at
    return max(1, math.ceil((until - now).total_seconds()))


def attempt(db: Session, email: str, address: str | None, now: datetime) -> Attempt:
    """Count a sign-in attempt (or a re-authentication) before the password is checked; Throttled when the
    account is at its ceiling or this address must wait."""
    found = Attempt(_key("account", email), _key("pair", f"{email}|{network(address)}"))
    wait = _count(db, found.account_key, now, ACCOUNT_WINDOW, ACCOUNT_CEILING)
    if wait is not None:
        raise Throttled(wait)
    wait = _count(db, found.pair_key, now, PAIR_WINDOW, _NO_CEILING, pair_delay)
    if wait is not None:  # this address must wait: its refused try does not use up the account's ceiling
        db.execute(update(T).where(T.key == found.account_key, T.failures > 0).values(failures=T.failures - 1))
        db.commit()
        raise Throttled(wait)
    return found


def forgive(db: Session, found: Attempt, now: datetime) -> None:
    """A success: the pair starts again, and the account's ceiling gets this attempt back. The caller commits."""
    db.execute(update(T).where(T.key == found.pair_key).values(failures=0))
    db.execute(update(T).where(T.key == found.account_key, T.failures > 0).values(failures=T.failures - 1))


def forget_old(db: Session, now: datetime | None = None) -> int:
    """Rows whose windows have ended and that make no one wait (`make purge`)."""
    now = now or datetime.now(timezone.utc)
    gone = rows_changed(db, delete(T).where(T.window_started_at < now - max(PAIR_WINDOW, ACCOUNT_WINDOW),
                                            T.next_allowed_at < now))
    db.commit()
    return gone
