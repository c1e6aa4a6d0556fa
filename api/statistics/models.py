"""The statistics table: one row per registration that was closed, declined or erased before closing.

Only coarse categories. No id of the registration, no reference, no date finer than a quarter, no free text:
nothing leads back to the registration, so the row stays when the registration is erased (PRIVACY.md)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base


def _random_key() -> str:
    # A random key, not a counter: the order of the rows must not tell which registration closed when.
    return uuid.uuid4().hex


class StatisticsRow(Base):
    __tablename__ = "statistics_rows"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    year: Mapped[int] = mapped_column(SmallInteger)  # when the registration came in (Dutch time)
    quarter: Mapped[int] = mapped_column(SmallInteger)
    channel: Mapped[str] = mapped_column(String(16))  # chat, webform
    kind: Mapped[str] = mapped_column(String(16))  # registration, callback
    role: Mapped[str] = mapped_column(String(16))
    referrer: Mapped[str] = mapped_column(String(24))  # organisation type of a professional; "none" otherwise
    event_kind: Mapped[str] = mapped_column(String(24))
    language: Mapped[str] = mapped_column(String(8))
    province: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))  # taken_on, declined, erased_open
    decline_reason: Mapped[str] = mapped_column(String(32))  # "none" unless declined
    initiative: Mapped[str] = mapped_column(String(16))  # "unknown" when not recorded
    contact_made: Mapped[str] = mapped_column(String(8))  # yes, no, none (not taken on)
    form_conversation: Mapped[bool] = mapped_column(Boolean, default=False)
    form_group_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    form_letters: Mapped[bool] = mapped_column(Boolean, default=False)
    form_shuttle: Mapped[bool] = mapped_column(Boolean, default=False)
    form_video_message: Mapped[bool] = mapped_column(Boolean, default=False)

    # The page groups a year's rows two ways (service.INTAKE and service.COURSE): an index per grouping, its columns
    # in that order, lets the database read the index alone, already in group order (quarter last: a filter).
    __table_args__ = (
        Index("ix_statistics_rows_intake", "year", "channel", "kind", "role", "referrer", "language", "province",
              "quarter"),
        Index("ix_statistics_rows_course", "year", "event_kind", "outcome", "decline_reason", "initiative",
              "contact_made", "form_conversation", "form_group_meeting", "form_letters", "form_shuttle",
              "form_video_message", "quarter"),
    )


class ChatCount(Base):
    """How often something happened in the chat on a day (bot/chat_counters.py): a metric and a key from the closed
    lists of api/statistics/chat_keys.py and a number. No text, no id, no time finer than the day."""

    __tablename__ = "chat_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
