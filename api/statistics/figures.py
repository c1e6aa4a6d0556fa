"""The figures of the Cijfers page and the API: the tables of the annual report, added up from the statistics
counts by the database, with small counts suppressed (api.statistics.suppress) for the chosen period and the
period before."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.statistics import service
from api.statistics.mapping import CONTACT_FORMS
from api.statistics.service import Period
from api.statistics.suppress import suppress
from api.workspace import labels

EVENT_GROUPS = {"violence": "violence", "domestic_violence": "violence", "sexual_violence": "sexual",
                "sexual_boundary": "sexual", "traffic": "traffic", "theft_burglary": "other", "medical": "other",
                "other": "other", "unknown": "unknown"}
GROUP_LABELS = {"violence": "Geweld", "sexual": "Zeden en grensoverschrijdend gedrag", "traffic": "Verkeer",
                "other": "Overig", "unknown": "Onbekend"}


# One group of the database's counts: the grouping's column names -> their values.
Key = dict[str, Any]
Options = tuple[tuple[str, str], ...]  # (code, label) of each row or column


def _options(field_name: str, values: Iterable[str]) -> Options:
    return tuple((v, labels.answer(field_name, v)) for v in values)


def _registrant(role: str) -> str:
    return {"professional": "professional", "unknown": "unknown"}.get(role, "involved")


@dataclass(frozen=True)
class Spec:
    """One table. `by` names the columns the database adds the counts up by (all of one statistics table; tables
    share a grouping to save queries); `rows_of` gives the row(s) one such group counts in (none: outside the
    table's population), from a dict of those columns. `total` names the cell of another table that is this
    table's total (None: the table has its own)."""

    key: str
    title: str
    note: str
    source: str  # "intake" or "course": the statistics table its `by` columns are in
    rows: Options
    rows_of: Callable[[Key], tuple[str, ...]]
    total: str | None = None
    partition: bool = True  # False: one registration may count in several rows (no sum to check)
    columns: Options = (("n", "Aantal"),)
    column_of: Callable[[Key], str] = lambda key: "n"
    column_totals: str | None = None  # with several columns: the cell of each column's total, "{column}" filled in
    by: tuple[str, ...] = ()


def _taken_on(k: Key) -> bool:
    return k["outcome"] == "taken_on"


# The groupings the database adds up by: seven queries for the whole page, each a few dozen groups per quarter.
_DECLINE = ("outcome", "decline_reason")
_ROLE = ("role", "referrer")
_EVENT = ("outcome", "event_kind", "initiative")
_CONTACT = ("outcome", "contact_made", *(f"form_{form}" for form in CONTACT_FORMS))


RECEIVED = "outcome:total:n"
SPECS = (
    Spec("outcome", "Wat werd er van de aanmeldingen?", "Alle afgesloten aanmeldingen uit de periode.", "course",
         (("taken_on", "In behandeling genomen door een bemiddelaar"), ("declined", "Niet in behandeling genomen"),
          ("withdrawn", "Ingetrokken door de aanmelder"),
          ("erased_open", "Gewist voordat de aanmelding was afgesloten")),
         lambda k: (k["outcome"],), by=_DECLINE),
    Spec("decline_reason", "Waarom niet in behandeling?", "Aanmeldingen die niet in behandeling zijn genomen.",
         "course", tuple(labels.DECLINE_LABELS.items()),
         lambda k: (k["decline_reason"],) if k["outcome"] == "declined" else (), "outcome:declined:n", by=_DECLINE),
    Spec("registrant", "Wie meldde aan?", "Alle afgesloten aanmeldingen uit de periode.", "intake",
         (("professional", "Een professional (verwijzer)"), ("involved", "Een betrokkene zelf"),
          ("unknown", "Onbekend")),
         lambda k: (_registrant(k["role"]),), RECEIVED, by=_ROLE),
    Spec("referrer", "Welke organisatie verwees?",
         "Aanmeldingen door een professional, naar de organisatie die zij opgaven.", "intake",
         (("victim_support", "Slachtofferhulp"), ("probation", "Reclassering"),
          ("judicial", "Justitiële instelling"), ("child_protection", "Kinderbescherming"),
          ("other", "Andere of niet herkende organisatie"), ("unknown", "Geen organisatie opgegeven")),
         lambda k: (k["referrer"],) if k["role"] == "professional" else (), "registrant:professional:n", by=_ROLE),
    Spec("channel", "Hoe kwam de aanmelding binnen?", "Alle afgesloten aanmeldingen uit de periode.", "intake",
         (("chat", "Chat"), ("webform", "Webformulier")), lambda k: (k["channel"],), RECEIVED, by=("channel",)),
    Spec("kind", "Aanmelding of terugbelverzoek?", "Alle afgesloten aanmeldingen uit de periode.", "intake",
         tuple(labels.KIND_LABELS.items()), lambda k: (k["kind"],), RECEIVED, by=("kind",)),
    Spec("role", "Rol van de aanmelder", "Alle afgesloten aanmeldingen uit de periode.", "intake",
         _options("role", ("affected", "caused", "close_one", "witness", "organisation", "professional", "unknown")),
         lambda k: (k["role"],), RECEIVED, by=_ROLE),
    Spec("event_group", "Wat is er gebeurd?", "Alle afgesloten aanmeldingen uit de periode.", "course",
         tuple(GROUP_LABELS.items()), lambda k: (EVENT_GROUPS.get(k["event_kind"], "unknown"),), RECEIVED, by=_EVENT),
    Spec("initiative", "Wie nam het initiatief?", "Aanmeldingen die in behandeling zijn genomen.", "course",
         tuple(labels.INITIATIVE_LABELS.items()),
         lambda k: (k["initiative"],) if _taken_on(k) else (), "outcome:taken_on:n", by=_EVENT),
    Spec("initiative_by_event", "Wie nam het initiatief, per soort gebeurtenis?",
         "Aanmeldingen die in behandeling zijn genomen; het aandeel is binnen elke soort gebeurtenis.", "course",
         tuple(GROUP_LABELS.items()),
         lambda k: (EVENT_GROUPS.get(k["event_kind"], "unknown"),) if _taken_on(k) else (),
         "outcome:taken_on:n", columns=tuple(labels.INITIATIVE_LABELS.items()),
         column_of=lambda k: k["initiative"], column_totals="initiative:{column}:n", by=_EVENT),
    Spec("contact", "Kwam er contact tot stand?", "Aanmeldingen die in behandeling zijn genomen.", "course",
         (("yes", "Ja"), ("no", "Nee")),
         lambda k: (k["contact_made"],) if _taken_on(k) else (), "outcome:taken_on:n", by=_CONTACT),
    Spec("contact_form", "In welke vorm was er contact?",
         "Aanmeldingen met contact. Eén traject kan meer vormen hebben, dus de aandelen tellen op tot meer dan "
         "100%.", "course", tuple(labels.CONTACT_FORM_LABELS.items()),
         lambda k: tuple(f for f in CONTACT_FORMS if k[f"form_{f}"]) if _taken_on(k) and k["contact_made"] == "yes"
         else (), "contact:yes:n", partition=False, by=_CONTACT),
    Spec("language", "Taal", "Alle afgesloten aanmeldingen uit de periode.", "intake",
         tuple(labels.LANGUAGE_LABELS.items()), lambda k: (k["language"],), RECEIVED, by=("language",)),
    Spec("province", "Provincie", "Alle afgesloten aanmeldingen uit de periode.", "intake",
         tuple(labels.REGIONS), lambda k: (k["province"],), RECEIVED, by=("province",)),
)


@dataclass
class Cell:
    count: int
    hidden: str | None = None  # "small" ("<5") or "secondary" ("x")
    share: int | None = None  # whole percent of the row's or table's total; None where it is not shown

    @property
    def shown(self) -> str:
        if self.hidden:
            return "<5" if self.hidden == "small" else "x"
        return f"{self.count:,}".replace(",", ".")

    def public(self) -> int | str:
        """The count as the API and the exports give it: a number, "<5" or "x"."""
        return self.shown if self.hidden else self.count


@dataclass
class Table:
    spec: Spec
    # period ("current"/"previous") -> row code -> column code -> Cell; row "total" holds the table's total
    cells: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)

    @property
    def wide(self) -> bool:
        return len(self.spec.columns) > 1


def _count(spec: Spec, grouped: Counter[tuple[Any, ...]]) -> dict[str, int]:
    """Raw counts of one table, named "<table>:<row>:<column>"; the row totals of a wide table in column "total".
    `grouped`: a quarter's counts added up by `spec.by` (values in that order) -> count."""
    counts: Counter[tuple[str, str]] = Counter()
    for categories, n in grouped.items():
        key = dict(zip(spec.by, categories, strict=True))
        column = spec.column_of(key)
        for row in spec.rows_of(key):
            counts[row, column] += n
    values = {f"{spec.key}:{row}:{col}": counts[row, col] for row, _ in spec.rows for col, _ in spec.columns}
    if len(spec.columns) > 1:
        for row, _ in spec.rows:
            values[f"{spec.key}:{row}:total"] = sum(counts[row, col] for col, _ in spec.columns)
    return values


def _sums(spec: Spec) -> list[tuple[str, list[str]]]:
    """The sums a reader sees in one table."""
    total = spec.total or f"{spec.key}:total:n"
    rows = [row for row, _ in spec.rows]
    if len(spec.columns) == 1:
        return [(total, [f"{spec.key}:{r}:n" for r in rows])] if spec.partition else []
    columns = [col for col, _ in spec.columns]
    assert spec.column_totals is not None, "a wide table names its column totals"
    return ([(f"{spec.key}:{r}:total", [f"{spec.key}:{r}:{c}" for c in columns]) for r in rows]
            + [(spec.column_totals.format(column=c), [f"{spec.key}:{r}:{c}" for r in rows]) for c in columns]
            + [(total, [f"{spec.key}:{r}:total" for r in rows])])


QUARTERS = (None, 1, 2, 3, 4)  # None: the whole year


def _rank(name: str) -> int:
    """What to hide last: the number received, then the year's figures (the annual report's), then quarters'."""
    return 2 if name.endswith(RECEIVED) else 1 if name.startswith("None|") else 0


def _year_cells(grouped: dict[tuple[str, ...], Counter[tuple[Any, ...]]]) -> dict[int | None, dict[str, Cell]]:
    """The cells of a year and of each of its quarters, suppressed together: the year's count is the sum of its
    quarters' counts, so a "<5" of one quarter must not follow from the year's figure and the other quarters'.
    `grouped`: per grouping (Spec.by), (quarter, *values) -> count."""
    by_quarter: dict[int | None, dict[tuple[str, ...], Counter[tuple[Any, ...]]]] = {
        quarter: {by: Counter() for by in grouped} for quarter in QUARTERS[1:]}
    for by, counted in grouped.items():
        for (quarter, *categories), n in counted.items():
            by_quarter[quarter][by][tuple(categories)] = n
    values: dict[str, int] = {}
    for quarter, own in by_quarter.items():
        cells = {RECEIVED: sum(own[SPECS[0].by].values())}
        for spec in SPECS:
            cells.update(_count(spec, own[spec.by]))
        values.update({f"{quarter}|{name}": value for name, value in cells.items()})
    names = list(cells)
    values.update({f"None|{name}": sum(values[f"{q}|{name}"] for q in QUARTERS[1:]) for name in names})
    own_sums = [s for spec in SPECS for s in _sums(spec)]
    sums = [(f"{quarter}|{total}", [f"{quarter}|{m}" for m in members])
            for quarter in QUARTERS for total, members in own_sums]
    sums += [(f"None|{name}", [f"{q}|{name}" for q in QUARTERS[1:]]) for name in names]
    hidden = suppress(values, sums, rank=_rank)
    return {quarter: {name: Cell(values[f"{quarter}|{name}"], hidden.get(f"{quarter}|{name}")) for name in names}
            for quarter in QUARTERS}


def _share(cell: Cell, total: Cell) -> int | None:
    # Only a shown count of a shown total: a share of a hidden count, or of a hidden total, would give it away.
    if cell.hidden or total.hidden or total.count == 0:
        return None
    return round(100 * cell.count / total.count)


def _table(spec: Spec, by_period: dict[str, dict[str, Cell]]) -> Table:
    table = Table(spec)
    total_name = spec.total or f"{spec.key}:total:n"
    for period, cells in by_period.items():
        rows: dict[str, dict[str, Cell]] = {}
        for row, _ in spec.rows:
            if len(spec.columns) == 1:
                cell = cells[f"{spec.key}:{row}:n"]
                cell.share = _share(cell, cells[total_name])
                rows[row] = {"n": cell}
            else:
                row_total = cells[f"{spec.key}:{row}:total"]
                rows[row] = {col: cells[f"{spec.key}:{row}:{col}"] for col, _ in spec.columns} | {"total": row_total}
                for col, _ in spec.columns:
                    rows[row][col].share = _share(rows[row][col], row_total)
        rows["total"] = {"n": cells[total_name]}
        table.cells[period] = rows
    return table


@dataclass
class Figures:
    period: Period
    previous: Period
    tables: list[Table]

    @property
    def received(self) -> dict[str, Cell]:
        return {p: self.tables[0].cells[p]["total"]["n"] for p in ("current", "previous")}


def figures(session: Session, period: Period) -> Figures:
    # Both periods' years in the same queries (one per grouping): (year, quarter, *values) -> count.
    counted = service.count(session, {period.year, period.before().year}, {spec.by for spec in SPECS})
    years = {year: _year_cells({by: Counter({key[1:]: n for key, n in c.items() if key[0] == year})
                                for by, c in counted.items()})
             for year in {period.year, period.before().year}}
    by_period = {name: years[p.year][p.quarter] for name, p in (("current", period), ("previous", period.before()))}
    return Figures(period, period.before(), [_table(spec, by_period) for spec in SPECS])


def as_json(result: Figures) -> dict[str, Any]:
    """The API's body: every table with, per period, each row's count ("<5" or "x" when hidden) and share."""
    def cell(c: Cell) -> dict[str, Any]:
        return {"count": c.public(), "share": c.share}

    tables = []
    for table in result.tables:
        spec = table.spec
        rows: list[dict[str, Any]] = []
        body: dict[str, Any] = {"key": spec.key, "title": spec.title, "note": spec.note, "rows": rows}
        for row, label in spec.rows:
            entry: dict[str, Any] = {"key": row, "label": label}
            for period in ("current", "previous"):
                cells = table.cells[period][row]
                entry[period] = (cell(cells["n"]) if not table.wide else
                                 {col: cell(cells[col]) for col in (*dict(spec.columns), "total")})
            rows.append(entry)
        if table.wide:
            body["columns"] = [{"key": c, "label": label} for c, label in spec.columns]
        if "total" in table.cells["current"]:  # stages and kinds of the chat have none
            body["total"] = {p: table.cells[p]["total"]["n"].public() for p in ("current", "previous")}
        tables.append(body)
    return {"period": str(result.period), "previous_period": str(result.previous), "tables": tables}
