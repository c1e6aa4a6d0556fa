"""The chat's own figures: counts per day sent by the Rasa process (bot/chat_counters.py), added up here, and the
Chat tables of the Cijfers page and `GET /api/statistics/chat`, suppressed as the registration figures are."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.statistics.chat_keys import METRICS
from api.statistics.figures import QUARTERS, Cell, Figures, Spec, Table, _share
from api.statistics.models import ChatCount
from api.statistics.service import Period
from api.statistics.suppress import suppress


def add(session: Session, day: date, counts: Counter) -> None:
    """Add `counts` ((metric, key) -> n, keys from the closed lists) to the day's rows in one statement."""
    rows = [{"day": day, "metric": m, "key": k, "count": n} for (m, k), n in sorted(counts.items()) if n > 0]
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(ChatCount).values(rows)
    stmt = stmt.on_conflict_do_update(index_elements=["day", "metric", "key"],
                                      set_={"count": ChatCount.count + stmt.excluded.count})
    session.execute(stmt)
    session.commit()


def count(session: Session, year: int) -> Counter:
    """(quarter, metric, key) -> count over the year's days, added up by the database."""
    quarter = case((ChatCount.day < date(year, 4, 1), 1), (ChatCount.day < date(year, 7, 1), 2),
                   (ChatCount.day < date(year, 10, 1), 3), else_=4)
    rows = session.execute(select(quarter, ChatCount.metric, ChatCount.key, func.sum(ChatCount.count))
                           .where(ChatCount.day >= date(year, 1, 1), ChatCount.day < date(year + 1, 1, 1))
                           .group_by(quarter, ChatCount.metric, ChatCount.key))
    return Counter({(q, m, k): int(n) for q, m, k, n in rows})


def _spec(key: str, title: str, note: str, total: bool) -> Spec:
    # partition: the rows add up to the table's total, which the page shows; False: stages or kinds, no total.
    return Spec(key, title, note, "chat", METRICS[key], lambda k: (), partition=total)


SPECS = (
    _spec("conversations", "Gesprekken in de chat", "Begonnen gesprekken, naar de taal waarin ze begonnen.", True),
    _spec("faq", "Welke vragen werden gesteld?", "Gegeven antwoorden per onderwerp.", False),
    _spec("explore", "Is dit iets voor mij?",
          "Verkenningen: begonnen, en met een uitkomst na de drie vragen.", False),
    _spec("intake", "Aanmelden in de chat", "Hoe ver aanmeldingen kwamen.", False),
    _spec("referral", "Aanmelden voor een cliënt", "Aanmeldingen door een professional: hoe ver ze kwamen.", False),
    _spec("callback", "Terugbelverzoeken", "Hoe ver terugbelverzoeken kwamen.", False),
    _spec("crisis", "Crisisantwoorden", "Gegeven crisisantwoorden per soort. Eén bericht kan er meer krijgen.",
          False),
    _spec("not_understood", "Niet begrepen", "Berichten die de chat niet begreep (alleen het aantal).", False),
)


def _rank(name: str) -> int:
    """Hide the quarters' figures before the year's (as the registration figures)."""
    return 1 if name.startswith("None|") else 0


def _year_cells(counted: Counter) -> dict[int | None, dict[str, Cell]]:
    """A year's cells and its quarters', suppressed together (the year is the sum of its quarters)."""
    names = [f"{s.key}:{row}" for s in SPECS for row, _ in s.rows] + [f"{s.key}:total" for s in SPECS if s.partition]
    values: dict[str, int] = {}
    for q in QUARTERS[1:]:
        for spec in SPECS:
            own = {row: counted[q, spec.key, row] for row, _ in spec.rows}
            values.update({f"{q}|{spec.key}:{row}": n for row, n in own.items()})
            if spec.partition:
                values[f"{q}|{spec.key}:total"] = sum(own.values())
    values.update({f"None|{n}": sum(values[f"{q}|{n}"] for q in QUARTERS[1:]) for n in names})
    sums = [(f"None|{n}", [f"{q}|{n}" for q in QUARTERS[1:]]) for n in names]
    sums += [(f"{q}|{s.key}:total", [f"{q}|{s.key}:{row}" for row, _ in s.rows])
             for q in QUARTERS for s in SPECS if s.partition]
    hidden = suppress(values, sums, rank=_rank)
    return {q: {n: Cell(values[f"{q}|{n}"], hidden.get(f"{q}|{n}")) for n in names} for q in QUARTERS}


def figures(session: Session, period: Period) -> Figures:
    years = {y: _year_cells(count(session, y)) for y in {period.year, period.before().year}}
    by_period = {"current": years[period.year][period.quarter],
                 "previous": years[period.before().year][period.before().quarter]}
    tables = []
    for spec in SPECS:
        table = Table(spec)
        for name, cells in by_period.items():
            rows = {row: {"n": cells[f"{spec.key}:{row}"]} for row, _ in spec.rows}
            if spec.partition:
                total = cells[f"{spec.key}:total"]
                for row in list(rows):
                    rows[row]["n"].share = _share(rows[row]["n"], total)
                rows["total"] = {"n": total}
            table.cells[name] = rows
        tables.append(table)
    return Figures(period, period.before(), tables)
