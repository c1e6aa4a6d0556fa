"""Durable outbox of hand-offs: a record is written here (encrypted) before anything is sent, so a
visitor's registration survives a backend outage or a restart of the action server. Items that are stuck (refused,
or failing for `dead_after_attempts` attempts) are reported to the backend's dead-letter list, without the record.

A withdrawal of a registration (the registrant's, in the chat that handed it off) is an item of its own in the same
outbox, for the same reference. It is never sent while a hand-off of that reference is still pending here: the retry
loop skips it (`due`), and trying it at once (`attempt`) first tries that hand-off and stops if it is not delivered.
So a withdrawal is never lost and never overtakes its registration: deliver, then withdraw."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from actions.backend import Delivery, deliver, report_dead_letter, withdraw
from actions.config import ConfigError, Settings, get_settings

log = logging.getLogger(__name__)

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
# What an item asks of the backend: create the registration of its record, or withdraw the one of its reference.
HANDOFF, WITHDRAWAL = "handoff", "withdrawal"
# Reasons of a dead-letter report; the outbox column `reported` holds the last one the backend stored.
REJECTED, FAILING = "rejected", "failing"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    reference       TEXT NOT NULL,
    payload         BLOB NOT NULL,   -- MultiFernet token of the JSON record
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_status     INTEGER,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    reported        TEXT,            -- NULL, or the last dead-letter reason the backend stored
    action          TEXT NOT NULL DEFAULT 'handoff'  -- handoff or withdrawal
)
"""


_ITEM_COLUMNS = "idempotency_key, reference, state, attempts, next_attempt_at, last_status, reported, action"
# A withdrawal waits while a hand-off of its reference is still pending (o: the row of the withdrawal).
_WAITING = ("EXISTS (SELECT 1 FROM outbox h WHERE h.reference = o.reference AND h.action = 'handoff'"
            " AND h.state = 'pending')")


@dataclass(frozen=True)
class Item:
    key: str
    reference: str
    state: str
    attempts: int
    next_attempt_at: float
    last_status: int | None
    reported: str | None = None
    action: str = HANDOFF


class Outbox:
    """SQLite outbox (WAL, synchronous=FULL); payloads encrypted with the first of the configured keys."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = Path(settings.outbox_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # SQLite gives the -wal and -shm files the mode of the database file: make that one private.
        os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._crypto = MultiFernet([Fernet(k.encode()) for k in settings.encryption_keys])
        self._lock = threading.Lock()
        # Reports back off like deliveries, so a backend that is away is not asked (and logged) every round.
        self._report_failures, self._next_report_at = 0, 0.0
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            # An outbox file written before dead-letter reports existed gets the column; its rows stay pending.
            columns = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
            if "reported" not in columns:
                db.execute("ALTER TABLE outbox ADD COLUMN reported TEXT")
            # ... and one written before withdrawals the column that tells them apart (its rows are hand-offs).
            if "action" not in columns:
                db.execute("ALTER TABLE outbox ADD COLUMN action TEXT NOT NULL DEFAULT 'handoff'")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                db.execute("PRAGMA synchronous=FULL")
                # A delivered payload is blanked below; secure_delete also overwrites the freed bytes on disk.
                db.execute("PRAGMA secure_delete=ON")
                yield db
            finally:
                db.close()

    def add(self, key: str, reference: str, record: dict, hold: float, action: str = HANDOFF) -> None:
        """Store a record before the first delivery; the retry loop leaves it alone for `hold` seconds."""
        now = time.time()
        token = self._crypto.encrypt(json.dumps(record, separators=(",", ":")).encode())
        with self._connect() as db:
            db.execute(
                "INSERT INTO outbox (idempotency_key, reference, payload, state, next_attempt_at, created_at,"
                " updated_at, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, reference, token, PENDING, now + hold, now, now, action),
            )

    def add_withdrawal(self, key: str, reference: str, hold: float) -> None:
        """Store the withdrawal of the registration `reference` (handed off by this outbox) before it is sent."""
        self.add(key, reference, {}, hold, WITHDRAWAL)

    def pending_handoff(self, reference: str) -> str | None:
        """The key of a hand-off of `reference` not yet delivered (nor refused), if any."""
        with self._connect() as db:
            row = db.execute("SELECT idempotency_key FROM outbox WHERE reference = ? AND action = ? AND state = ?"
                             " ORDER BY created_at LIMIT 1", (reference, HANDOFF, PENDING)).fetchone()
        return row[0] if row else None

    def get(self, key: str) -> Item | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()
        return Item(*row) if row else None

    def record(self, key: str) -> dict:
        """The decrypted record (for delivery; never logged)."""
        with self._connect() as db:
            (token,) = db.execute("SELECT payload FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()
        return json.loads(self._crypto.decrypt(token))

    def due(self, now: float | None = None) -> list[str]:
        now = time.time() if now is None else now
        with self._connect() as db:
            # Hand-offs before withdrawals, and no withdrawal while its hand-off is pending (it comes next round).
            rows = db.execute(f"SELECT idempotency_key FROM outbox o WHERE state = ? AND next_attempt_at <= ?"
                              f" AND NOT (action = ? AND {_WAITING}) ORDER BY action = ?, next_attempt_at",
                              (PENDING, now, WITHDRAWAL, WITHDRAWAL)).fetchall()
        return [r[0] for r in rows]

    def _update(self, key: str, state: str, status: int | None, next_at: float | None = None) -> None:
        now = time.time()
        with self._connect() as db:
            # Once the backend has the record, the outbox keeps no copy: an erasure there must not leave one here.
            db.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, last_status = ?,"
                " next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ?,"
                " payload = CASE WHEN ? = ? THEN X'' ELSE payload END WHERE idempotency_key = ?",
                (state, status, next_at, now, state, DELIVERED, key))

    def _backoff(self, failures: int) -> float:
        # The exponent is bounded: 2 ** 1024 no longer fits a float, and days of outage reach that many attempts.
        return min(self.settings.retry_base * 2 ** min(failures, 32), self.settings.retry_cap)

    def attempt(self, key: str) -> Delivery:
        """Send one pending item once and record the outcome; back-off doubles per attempt up to the cap."""
        item = self.get(key)
        if item is None or item.state != PENDING:
            return Delivery.DELIVERED if item and item.state == DELIVERED else Delivery.REJECTED
        if item.action == WITHDRAWAL:
            # Deliver, then withdraw: while the registration has not arrived, the withdrawal waits (unchanged).
            handoff = self.pending_handoff(item.reference)
            if handoff is not None and self.attempt(handoff) is not Delivery.DELIVERED:
                return Delivery.RETRY
            outcome, status = withdraw(self.settings, item.reference)
        else:
            outcome, status = deliver(self.settings, key, self.record(key))
        if outcome is Delivery.DELIVERED:
            self._update(key, DELIVERED, status)
        elif outcome is Delivery.REJECTED:
            self._update(key, DEAD, status)
            # A refused hand-off goes to the dead-letter list (report); a refused withdrawal does not (unreported).
            log.error("%s %s refused (HTTP %s)", item.action, item.reference, status)
        else:
            self._update(key, PENDING, status, time.time() + self._backoff(item.attempts))
        return outcome

    def unreported(self) -> list[Item]:
        """Stuck hand-offs staff have not been told about: refused ones, and pending ones that failed too often. A
        withdrawal is not reported: the backend refuses one only when the registration is closed or gone already."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE action = ? AND ((state = ? AND reported IS NOT ?)"
                " OR (state = ? AND reported IS NULL AND attempts >= ?)) ORDER BY created_at",
                (HANDOFF, DEAD, REJECTED, PENDING, self.settings.dead_after_attempts)).fetchall()
        return [Item(*row) for row in rows]

    def report(self) -> int:
        """Report each unreported stuck item once; returns how many the backend stored. A report that fails ends
        the round (the backend is probably away): a later round of the retry loop tries again, after a back-off."""
        stored = 0
        if time.time() < self._next_report_at:
            return stored
        for item in self.unreported():
            reason = REJECTED if item.state == DEAD else FAILING
            if not report_dead_letter(self.settings, item.key, item.reference, reason, item.last_status,
                                      item.attempts):
                self._next_report_at = time.time() + self._backoff(self._report_failures)
                self._report_failures += 1
                break
            self._report_failures = 0
            with self._connect() as db:
                db.execute("UPDATE outbox SET reported = ? WHERE idempotency_key = ?", (reason, item.key))
            log.warning("hand-off %s reported as dead letter (HTTP %s)", item.reference, item.last_status)
            stored += 1
        return stored

    def _delete_older(self, state: str, now: float | None) -> list[str]:
        """Delete rows in `state` last changed more than the retention period ago; returns their references."""
        cutoff = (time.time() if now is None else now) - self.settings.retention_days * 86400
        with self._connect() as db:
            rows = db.execute("DELETE FROM outbox WHERE state = ? AND updated_at < ? RETURNING reference",
                              (state, cutoff)).fetchall()
        return [r[0] for r in rows]

    def forget_delivered(self, now: float | None = None) -> int:
        """Delivered rows past the retention period go (their record was blanked at delivery already)."""
        return len(self._delete_older(DELIVERED, now))

    def purge_dead(self, now: float | None = None) -> list[str]:
        """Dead letters refused longer than the retention period ago go, record and all (`make purge`): staff
        were told (the backend's dead-letter list) and had that long to resend or settle them."""
        references = self._delete_older(DEAD, now)
        for reference in references:
            log.warning("dead letter %s deleted after the retention period", reference)
        return references

    def rotate_keys(self, batch_size: int = 500) -> dict[str, int]:
        """Re-encrypt every stored record with the newest key (`make rotate`), in batches, one transaction each;
        records already under it are left alone, so running it again changes nothing. Counts only."""
        newest = Fernet(self.settings.encryption_keys[0].encode())
        counts = {"rotated": 0, "current": 0, "unreadable": 0}
        last = ""
        while True:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")  # the retry loop waits for this batch, then sees the new tokens
                rows = db.execute("SELECT idempotency_key, payload FROM outbox WHERE idempotency_key > ?"
                                  " AND length(payload) > 0 ORDER BY idempotency_key LIMIT ?",
                                  (last, batch_size)).fetchall()
                for key, token in rows:
                    try:
                        newest.decrypt(token)
                        counts["current"] += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        new = self._crypto.rotate(token)
                    except InvalidToken:  # no configured key opens it: left as it is
                        counts["unreadable"] += 1
                        continue
                    db.execute("UPDATE outbox SET payload = ? WHERE idempotency_key = ?", (new, key))
                    counts["rotated"] += 1
                db.execute("COMMIT")
            if len(rows) < batch_size:
                return counts
            last = rows[-1][0]

    def drain(self) -> int:
        """Try every item that is due once, report stuck ones, forget old delivered ones; returns how many were
        delivered."""
        delivered = sum(self.attempt(key) is Delivery.DELIVERED for key in self.due())
        self.report()
        self.forget_delivered()
        return delivered


class RetryLoop(threading.Thread):
    """Daemon thread of the action server that keeps sending pending items."""

    def __init__(self, outbox: Outbox, interval: float = 1.0) -> None:
        super().__init__(name="outbox-retry", daemon=True)
        self.outbox = outbox
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.outbox.drain()
            except Exception:  # keep the loop alive; the item stays pending
                log.exception("outbox retry round failed")

    def stop(self) -> None:
        self.stopped.set()


_outbox: Outbox | None = None
_outbox_lock = threading.Lock()


def get_outbox(settings: Settings) -> Outbox:
    """The process-wide outbox (one SQLite file per action server)."""
    global _outbox
    with _outbox_lock:
        if _outbox is None:
            _outbox = Outbox(settings)
        return _outbox


def command_outbox(command: str) -> Outbox | None:
    """The configured outbox for `python -m actions.<command>`, or None when the configuration is refused (said on
    stderr). A new outbox file is this user's only."""
    os.umask(0o077)
    try:
        settings = get_settings()
    except ConfigError as exc:
        print(f"actions.{command}: {exc}", file=sys.stderr)
        return None
    return Outbox(settings)
