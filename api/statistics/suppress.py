"""Small-count suppression with complementary suppression.

A count below SMALL is shown as "<5". That alone is not enough: where the page shows a total, a single hidden count
in it can be worked out from the others. So the page is treated as a system of sums (each table's counts add up to
its total, a table's total may be a count of another table) and read the way someone trying to recover a hidden
count would read it: a "<5" lies between 0 and 4, a cell hidden to protect it is at least SMALL, every shown number
is exact, and each sum narrows the others (interval reasoning, repeated until nothing changes). While some hidden
count comes out as one exact value, the smallest shown count in a sum with it is hidden too ("x")."""
from __future__ import annotations

import math
from collections.abc import Callable

SMALL = 5
Sums = list[tuple[str, list[str]]]  # (total cell, the cells that add up to it)
Interval = tuple[float, float]  # lowest and highest possible value; math.inf: no upper bound


def bounds(values: dict[str, int], hidden: dict[str, str], sums: Sums, rounds: int = 200) -> dict[str, Interval]:
    """What a reader of the shown figures can know of each cell: (lowest, highest) possible value."""
    box: dict[str, Interval] = {
        name: ((0, SMALL - 1) if hidden.get(name) == "small" else (SMALL, math.inf) if name in hidden
               else (value, value)) for name, value in values.items()}
    for _ in range(rounds):
        changed = False
        for total, members in sums:
            lows, highs = [box[m][0] for m in members], [box[m][1] for m in members]
            low_sum, unbounded = sum(lows), sum(h == math.inf for h in highs)
            finite_high = sum(h for h in highs if h != math.inf)
            t_low, t_high = box[total]
            new_total = (max(t_low, low_sum), min(t_high, math.inf if unbounded else finite_high))
            if new_total != box[total]:
                box[total], changed = new_total, True
            t_low, t_high = box[total]
            for m, low, high in zip(members, lows, highs, strict=True):
                # the rest's most: unbounded while any other part is (inf - inf would be nan)
                rest_high = (math.inf if unbounded - (high == math.inf) else
                             finite_high - (0 if high == math.inf else high))
                new = (max(low, t_low - rest_high), min(high, t_high - (low_sum - low)))
                if new != box[m]:
                    box[m], changed = new, True
        if not changed:
            break
    return box


def recoverable(values: dict[str, int], hidden: dict[str, str], sums: Sums) -> list[str]:
    """Hidden cells whose exact value follows from what is shown."""
    # A sum of shown numbers only tells nothing new: leave it out (most sums, on a big year).
    box = bounds(values, hidden, [(t, m) for t, m in sums if t in hidden or any(x in hidden for x in m)])
    return sorted(name for name in hidden if box[name][0] == box[name][1])


def suppress(values: dict[str, int], sums: Sums, rank: Callable[[str], int] = lambda name: 0) -> dict[str, str]:
    """Which cells to hide: name -> "small" (below SMALL) or "secondary" (hidden so a small one stays hidden).
    Cells of a higher `rank` (the figures people look for first) are hidden only when no lower one will do."""
    hidden = {name: "small" for name, value in values.items() if value < SMALL}
    in_sums: dict[str, list[int]] = {}
    for i, (total, members) in enumerate(sums):
        for name in (total, *members):
            in_sums.setdefault(name, []).append(i)
    ranks = sorted({rank(name) for name in values})
    while exposed := recoverable(values, hidden, sums):
        # Free each exposed count by hiding the smallest shown count in a sum with it, one per sum in a round
        # (the reasoning is redone after each round), from the lowest rank that offers one: a count pinned only
        # through another hidden count is usually freed with that one.
        for allowed in ranks:
            touched: set[int] = set()
            for name in exposed:
                if touched.intersection(in_sums[name]):
                    continue
                shown = {m for i in in_sums[name] for m in (sums[i][0], *sums[i][1])
                         if m not in hidden and rank(m) <= allowed}
                if shown:
                    pick = min(shown, key=lambda m: (rank(m), values[m], m))
                    hidden[pick] = "secondary"
                    touched.update(in_sums[pick])
            if touched:
                break
        else:  # cannot happen with sums of non-negative counts; never loop for ever
            raise RuntimeError("a hidden count cannot be protected")
    return hidden
