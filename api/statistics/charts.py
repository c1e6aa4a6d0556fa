"""Horizontal bar charts as SVG markup, drawn on the server (no script). Each chart is decoration for sighted
readers: it is hidden from screen readers, and the table beside it holds the same figures. A hidden count gets
no bar (its length would give it away), only its mark."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

# Fill colours with at least 3:1 contrast to white (WCAG 1.4.11), told apart by the legend's order too.
SERIES_COLOURS = ("#005a70", "#b35900", "#5c3c92", "#1e4620")
LABEL_WIDTH, BAR_WIDTH, BAR_HEIGHT, GAP, VALUE_WIDTH = 230, 300, 14, 10, 50


def bar_chart(categories: list[str], series: list[str], cells: list[list]) -> Markup:
    """`cells[i][j]`: the Cell of category i in series j (api.statistics.figures.Cell)."""
    largest = max([c.count for row in cells for c in row if not c.hidden] + [1])
    group_height = BAR_HEIGHT * len(series) + GAP
    legend_height = 22 if len(series) > 1 else 0
    height = legend_height + group_height * len(categories)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-hidden="true" focusable="false" font-size="12" '
             f'font-family="system-ui, sans-serif">']
    x = 0
    for j, name in enumerate(series if len(series) > 1 else []):
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{SERIES_COLOURS[j]}"/>'
                     f'<text x="{x + 16}" y="14" fill="#1b1b1b">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    for i, category in enumerate(categories):
        top = legend_height + i * group_height
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{top + BAR_HEIGHT * len(series) / 2 + 4:.0f}" '
                     f'text-anchor="end" fill="#1b1b1b">{escape(_short(category))}</text>')
        for j, cell in enumerate(cells[i]):
            y = top + j * BAR_HEIGHT
            length = 0 if cell.hidden else round(BAR_WIDTH * cell.count / largest)
            if length:
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 1}" width="{length}" height="{BAR_HEIGHT - 2}" '
                             f'fill="{SERIES_COLOURS[j]}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR_HEIGHT - 3}" '
                         f'fill="#1b1b1b">{escape(cell.shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
