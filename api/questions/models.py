"""Tables of the question box. Nothing about the visitor: no address, no user agent, no time finer than the day;
the pick-up code only as its keyed hash (codes.py); every text encrypted."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.crypto import EncryptedString
from api.core.db import Base


class ThreadStatus(StrEnum):
    NEW = "new"  # the visitor wrote last and nobody has answered or closed it
    ANSWERED = "answered"
    HANDLED = "handled"


class Author(StrEnum):
    VISITOR = "visitor"
    STAFF = "staff"


class QuestionThread(Base):
    __tablename__ = "question_threads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    event_kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=ThreadStatus.NEW, index=True)
    created_on: Mapped[date] = mapped_column(Date)
    last_message_on: Mapped[date] = mapped_column(Date, index=True)
    messages: Mapped[list[QuestionMessage]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", passive_deletes=True,
        order_by="QuestionMessage.id")


class QuestionMessage(Base):
    __tablename__ = "question_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("question_threads.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # Author
    body: Mapped[str] = mapped_column(EncryptedString)
    written_on: Mapped[date] = mapped_column(Date)
    thread: Mapped[QuestionThread] = relationship(back_populates="messages")
