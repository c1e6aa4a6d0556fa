"""The question box's work: ask, find by code, reply, answer, mark handled, delete and the retention purge.

Days, not times: the tables keep the day of each message (Dutch time), nothing finer. Log lines name a thread by
its internal id only, never a text or a code.
"""
from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session, selectinload

from api.audit import service as audit
from api.core import crypto
from api.core.db import utcnow
from api.questions import codes
from api.questions.models import Author, QuestionMessage, QuestionThread, ThreadStatus
from api.registrations.service import reminder_cutoff
from api.staff.models import StaffUser
from contract import CHOICES

log = logging.getLogger("api.questions")
_LOCAL = ZoneInfo("Europe/Amsterdam")
MAX_TEXT = 2000
ROLES = CHOICES["role"]
EVENT_KINDS = CHOICES["event_kind"]
# Decrypted on a miss, so an unknown code costs what a known one costs (one query, one decryption).
_DUMMY_TOKEN: list[str] = []


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(_LOCAL).date()


@dataclass(frozen=True)
class Asked:
    thread: QuestionThread
    code: str  # shown once, never stored


def ask(db: Session, secret: str, text: str, role: str, event_kind: str, language: str,
        on: date | None = None) -> Asked:
    day = on or today()
    for _ in range(3):  # a collision of 82-bit codes will not happen; should it, draw again rather than fail
        code = codes.new_code()
        digest = codes.digest(secret, code)
        if db.scalar(select(QuestionThread.id).where(QuestionThread.code_digest == digest)) is None:
            break
    thread = QuestionThread(code_digest=digest, role=role if role in ROLES else "unknown",
                            event_kind=event_kind if event_kind in EVENT_KINDS else "unknown",
                            language=language, status=ThreadStatus.NEW, created_on=day, last_message_on=day)
    thread.messages.append(QuestionMessage(author=Author.VISITOR, body=text, written_on=day))
    db.add(thread)
    db.commit()
    log.info("question thread created id=%s", thread.id)
    return Asked(thread, code)


def find(db: Session, secret: str, typed: str) -> QuestionThread | None:
    """The thread of a typed code, or None. A miss does the work of a hit (a decryption), so the time does not tell
    a wrong code from an unknown one; the digest is compared once more in constant time."""
    wanted = codes.digest(secret, typed)
    thread = db.scalar(select(QuestionThread).options(selectinload(QuestionThread.messages))
                            .where(QuestionThread.code_digest == wanted))
    if thread is None or not hmac.compare_digest(thread.code_digest, wanted):
        if not _DUMMY_TOKEN:
            _DUMMY_TOKEN.append(crypto.encrypt("x" * 200))
        crypto.decrypt(_DUMMY_TOKEN[0])
        return None
    return thread


def reply(db: Session, thread: QuestionThread, text: str, on: date | None = None) -> None:
    day = on or today()
    thread.messages.append(QuestionMessage(author=Author.VISITOR, body=text, written_on=day))
    thread.status, thread.last_message_on = ThreadStatus.NEW, day
    db.commit()
    log.info("question thread reply id=%s", thread.id)


def delete_thread(db: Session, thread: QuestionThread) -> None:
    thread_id = thread.id
    db.delete(thread)
    db.commit()
    log.info("question thread deleted by its visitor id=%s", thread_id)


def erase_on(thread: QuestionThread, retention_days: int) -> date:
    """The day the purge erases the thread unless a message comes in before."""
    return thread.last_message_on + timedelta(days=retention_days)


def purge_expired(db: Session, retention_days: int, on: date | None = None) -> int:
    """Delete every thread whose last message is `retention_days` days old or older; returns how many."""
    cutoff = (on or today()) - timedelta(days=retention_days)
    ids = db.scalars(select(QuestionThread.id).where(QuestionThread.last_message_on <= cutoff)).all()
    if ids:
        db.execute(delete(QuestionMessage).where(QuestionMessage.thread_id.in_(ids)))
        db.execute(delete(QuestionThread).where(QuestionThread.id.in_(ids)))
    db.commit()
    log.info("question purge erased=%s", len(ids))
    return len(ids)


# --- staff -------------------------------------------------------------------------------------------

def untouched_before(now: datetime | None = None) -> date:
    """A new question whose last message is of this day or earlier waits two working days or more."""
    return today(reminder_cutoff(now or utcnow()))


def inbox(db: Session) -> list[QuestionThread]:
    """New (waiting) questions first, oldest waiting first; then answered and handled ones, latest first."""
    waiting = case((QuestionThread.status == ThreadStatus.NEW, 0), (QuestionThread.status == ThreadStatus.ANSWERED, 1),
                   else_=2)
    order = case((QuestionThread.status == ThreadStatus.NEW, QuestionThread.last_message_on), else_=None)
    return list(db.scalars(select(QuestionThread).order_by(
        waiting, order.asc(), QuestionThread.last_message_on.desc(), QuestionThread.id.desc())))


def count_new(db: Session) -> int:
    return db.scalar(select(func.count()).where(QuestionThread.status == ThreadStatus.NEW)) or 0


def view(db: Session, user: StaffUser, thread: QuestionThread) -> None:
    audit.record(db, user, "question_view", None, f"thread {thread.id}")
    db.commit()


def answer(db: Session, user: StaffUser, thread: QuestionThread, text: str, on: date | None = None) -> None:
    day = on or today()
    thread.messages.append(QuestionMessage(author=Author.STAFF, body=text, written_on=day))
    thread.status, thread.last_message_on = ThreadStatus.ANSWERED, day
    audit.record(db, user, "question_answer", None, f"thread {thread.id}")
    db.commit()
    log.info("question thread answered id=%s user_id=%s", thread.id, user.id)


def mark_handled(db: Session, user: StaffUser, thread: QuestionThread) -> None:
    thread.status = ThreadStatus.HANDLED
    audit.record(db, user, "question_handled", None, f"thread {thread.id}")
    db.commit()
