"""The look-ahead's solver (domain/lookahead.py's port): a minimum-cost rectangular
assignment by scipy's linear_sum_assignment. Imported when a re-match first runs, so the
app starts without loading scipy."""

from __future__ import annotations

from collections.abc import Sequence


def min_cost_assignment(rows: int, columns: int,
                        entries: Sequence[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The (row, column) pairs of a minimum-cost assignment among ``entries``; pairs
    without an entry cost 0 and are left out of the answer."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    costs, given = np.zeros((rows, columns)), np.zeros((rows, columns), dtype=bool)
    if entries:
        at = np.array([(row, column) for row, column, _ in entries], dtype=np.intp)
        costs[at[:, 0], at[:, 1]] = [cost for _, _, cost in entries]
        given[at[:, 0], at[:, 1]] = True
    chosen, taken = linear_sum_assignment(costs)
    return [(int(row), int(column)) for row, column in zip(chosen, taken, strict=True)
            if given[row, column]]
