"""Writing statistics rows (at closing, at a changed outcome, at erasure before closing) and counting them."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.registrations.models import Registration
from api.statistics.mapping import CONTACT_FORMS, row_values
from api.statistics.models import StatisticsRow


def record(session: Session, registration: Registration) -> None:
    """Add the row of a registration that is closed, declined or erased before closing. The caller commits."""
    session.add(StatisticsRow(**row_values(registration)))


def replace(session: Session, before: dict, registration: Registration) -> None:
    """A changed outcome: one row with the old values goes, the new one comes. Rows with equal values cannot be
    told apart, so removing any one of them is removing this registration's. The caller commits."""
    match = select(StatisticsRow.key).where(*(getattr(StatisticsRow, k) == v for k, v in before.items())).limit(1)
    key = session.scalar(match)
    if key is not None:
        session.execute(delete(StatisticsRow).where(StatisticsRow.key == key))
    record(session, registration)


# The page needs two groupings: who came in and how (over every row), and what became of it. Grouping by all
# columns at once would give nearly one group per row on a big year. Each has an index in this order (models).
INTAKE = ("channel", "kind", "role", "referrer", "language", "province")
COURSE = ("event_kind", "outcome", "decline_reason", "initiative", "contact_made",
          *(f"form_{form}" for form in CONTACT_FORMS))


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @classmethod
    def parse(cls, text: str) -> "Period":
        """"2026" or "2026-Q3"; ValueError otherwise."""
        found = re.fullmatch(r"([0-9]{4})(?:-Q([1-4]))?", text.strip().upper())
        if found is None:
            raise ValueError("period is YYYY or YYYY-Qn")
        return cls(int(found[1]), int(found[2]) if found[2] else None)

    def before(self) -> "Period":
        if self.quarter is None:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    def label(self) -> str:
        return f"{self.year}" if self.quarter is None else f"K{self.quarter} {self.year}"


def count(session: Session, year: int) -> tuple[Counter, Counter]:
    """Row counts of `year` grouped by the INTAKE columns and by the COURSE columns, each with the quarter last
    (the order of the indexes, so the database reads them in group order)."""
    result = []
    for names in (INTAKE, COURSE):
        columns = [getattr(StatisticsRow, n) for n in (*names, "quarter")]
        rows = session.execute(select(*columns, func.count()).where(StatisticsRow.year == year).group_by(*columns))
        result.append(Counter({tuple(row[:-1]): row[-1] for row in rows}))
    return result[0], result[1]


def first_year(session: Session) -> int | None:
    """The earliest year with rows (an index lookup; a list of distinct years would read the whole table)."""
    return session.scalar(select(func.min(StatisticsRow.year)))
