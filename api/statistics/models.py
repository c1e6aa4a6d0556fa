"""The statistics tables: counts of registrations that were closed, declined or erased before closing, per
combination of coarse categories, in two tables: how registrations came in (`statistics_intake`) and what became
of them (`statistics_course`). Every figure of the Cijfers page reads one of the two; none crosses them.

Only coarse categories and a count. No id of the registration, no reference, no date finer than a quarter, no
free text: nothing leads back to a registration, so its counts stay when it is erased (PRIVACY.md)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base


class IntakeCount(Base):
    """How many registrations came in, per quarter, channel, kind, role, referrer type, language and province.
    The categories together are the primary key: one row per combination (year first, the page's filter)."""

    __tablename__ = "statistics_intake"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # when it came in (Dutch time)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)  # chat, webform
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # registration, callback
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    referrer: Mapped[str] = mapped_column(String(24), primary_key=True)  # organisation type; "none" if no professional
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    province: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class CourseCount(Base):
    """What became of the registrations, per quarter they came in, kind of event, outcome, decline reason,
    initiative, contact and contact forms. The categories together are the primary key."""

    __tablename__ = "statistics_course"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    event_kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)  # taken_on, declined, erased_open
    decline_reason: Mapped[str] = mapped_column(String(32), primary_key=True)  # "none" unless declined
    initiative: Mapped[str] = mapped_column(String(16), primary_key=True)  # "unknown" when not recorded
    contact_made: Mapped[str] = mapped_column(String(8), primary_key=True)  # yes, no, none (not taken on)
    form_conversation: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    form_group_meeting: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    form_letters: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    form_shuttle: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    form_video_message: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class ChatCount(Base):
    """How often something happened in the chat on a day (bot/chat_counters.py): a metric and a key from the closed
    lists of api/statistics/chat_keys.py and a number. No text, no id, no time finer than the day."""

    __tablename__ = "chat_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
