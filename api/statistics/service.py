"""Counting finished registrations into the statistics tables (at closing, at a changed outcome, at erasure
before closing) and reading the counts back, added up by the database."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.registrations.models import Registration
from api.statistics.mapping import CONTACT_FORMS, row_values
from api.statistics.models import CourseCount, IntakeCount

# Who came in and how, and what became of it: each table's own categories (besides year and quarter).
INTAKE = ("channel", "kind", "role", "referrer", "language", "province")
COURSE = ("event_kind", "outcome", "decline_reason", "initiative", "contact_made",
          *(f"form_{form}" for form in CONTACT_FORMS))
TABLES = ((IntakeCount, INTAKE), (CourseCount, COURSE))


def _add(session: Session, model, values: dict, n: int) -> None:
    """Add `n` (+1 or -1) to the count of one combination; a combination that drops to 0 goes."""
    if n > 0:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(model).values(**values, count=n)
        stmt = stmt.on_conflict_do_update(index_elements=list(values),
                                          set_={"count": model.count + stmt.excluded.count})
        session.execute(stmt)
        return
    match = [getattr(model, k) == v for k, v in values.items()]
    session.execute(update(model).where(*match, model.count > 0).values(count=model.count + n))
    session.execute(delete(model).where(*match, model.count <= 0))


def _split(values: dict) -> list[tuple[type, dict]]:
    """A registration's categories (mapping.row_values) as the row of each table."""
    return [(model, {k: values[k] for k in ("year", "quarter", *names)}) for model, names in TABLES]


def record(session: Session, registration: Registration) -> None:
    """Count a registration that is closed, declined or erased before closing. The caller commits."""
    for model, values in _split(row_values(registration)):
        _add(session, model, values, 1)


def replace(session: Session, before: dict, registration: Registration) -> None:
    """A changed outcome: the registration's count moves from its old combination (`before`, mapping.row_values
    before the change) to its new one, in each table where they differ. The caller commits."""
    for (model, old), (_, new) in zip(_split(before), _split(row_values(registration)), strict=True):
        if old != new:
            _add(session, model, old, -1)
            _add(session, model, new, 1)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2026" or "2026-Q3"; ValueError otherwise."""
        found = re.fullmatch(r"([0-9]{4})(?:-Q([1-4]))?", text.strip().upper())
        if found is None:
            raise ValueError("period is YYYY or YYYY-Qn")
        return cls(int(found[1]), int(found[2]) if found[2] else None)

    def before(self) -> Period:
        if self.quarter is None:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    def label(self) -> str:
        return f"{self.year}" if self.quarter is None else f"K{self.quarter} {self.year}"


def count(session: Session, years: set[int],
          groupings: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], Counter[tuple[Any, ...]]]:
    """For each grouping (a tuple of column names, all of one table): the counts of `years` added up per year,
    quarter and those columns, as (year, quarter, *values) -> count. Every year in the same queries: on
    PostgreSQL one per table (GROUPING SETS: one scan feeds every grouping), on SQLite one per grouping."""
    result: dict[tuple[str, ...], Counter[tuple[Any, ...]]] = {}
    for model, own in TABLES:
        wanted = [names for names in groupings if set(names) <= set(own)]
        if not wanted:
            continue
        sets = [(model.year, model.quarter, *(getattr(model, n) for n in names)) for names in wanted]
        where = model.year.in_(sorted(years))
        if session.get_bind().dialect.name != "postgresql" or len(wanted) == 1:
            for names, columns in zip(wanted, sets, strict=True):
                rows = session.execute(select(*columns, func.sum(model.count)).where(where).group_by(*columns))
                result[names] = Counter({tuple(row[:-1]): int(row[-1]) for row in rows})
            continue
        used = [n for n in own if any(n in names for names in wanted)]
        everything = [model.year, model.quarter, *(getattr(model, n) for n in used)]
        # A row's grouping is the set of its columns that are not NULL (every category column is NOT NULL).
        rows = session.execute(select(*everything, func.sum(model.count)).where(where)
                               .group_by(func.grouping_sets(*(tuple_(*c) for c in sets))))
        result.update({names: Counter() for names in wanted})
        by_set = {frozenset(names): names for names in wanted}
        for row in rows:
            values = dict(zip(used, row[2:-1], strict=True))
            names = by_set[frozenset(n for n, v in values.items() if v is not None)]
            result[names][(row[0], row[1], *(values[n] for n in names))] = int(row[-1])
    return result


def first_year(session: Session) -> int | None:
    """The earliest year with counts (the primary key's first column: an index lookup)."""
    return session.scalar(select(func.min(CourseCount.year)))
