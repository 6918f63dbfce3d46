"""Small groups: the one rule for hiding figures, as a pure function.

A figure about fewer than SMALLEST_GROUP persons is hidden (primary
suppression). A breakdown (the faces of a month, the next steps of ended
periods, on time / late) is shown beside its total, so hiding one cell is
not enough: total minus the other cells gives it back. So, when the hidden
cells of a breakdown could be recomputed, the next smallest shown cell is
hidden too (complementary suppression), until they cannot:

- a single hidden cell is recomputable (total minus the shown cells);
- hidden cells that add up to 0 are recomputable (none can be below 0).

A zero is hidden like any small count: if zeros were shown, a hidden cell
would be known to be 1–4 and two hidden cells adding up to 2 would both be 1.
Every hidden figure shows the same mark, so a reader cannot tell a small
cell from one hidden to protect it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

SMALLEST_GROUP = 5  # fewer persons than this: the figure is not shown

K = TypeVar("K", bound=Hashable)


def shown(count: int, *, smallest: int = SMALLEST_GROUP) -> int | None:
    """The count, or None when it is about too few persons."""
    return count if count >= smallest else None


def breakdown(cells: Mapping[K, int], *, smallest: int = SMALLEST_GROUP) -> tuple[int | None, dict[K, int | None]]:
    """(total, cells) as they may be shown; None is hidden.

    The cells are counts of persons that add up to the total. A total about
    too few persons hides everything."""
    total = sum(cells.values())
    if total < smallest:
        return None, {key: None for key in cells}
    hidden = {key for key, count in cells.items() if count < smallest}
    # Complementary: add the smallest shown cell while the hidden ones could be worked out.
    while hidden and (len(hidden) == 1 or sum(cells[key] for key in hidden) == 0) and len(hidden) < len(cells):
        order = list(cells)
        hidden.add(min((key for key in cells if key not in hidden), key=lambda key: (cells[key], order.index(key))))
    return total, {key: None if key in hidden else count for key, count in cells.items()}
