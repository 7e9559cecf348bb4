"""The restricted master programme and its columns, group by group.

Units that share no window with the other units (the days of a week, say) form a group; a
group's rosters mix on their own, so the master has one convexity row per group and pricing
runs group by group. ``combine`` then lays the groups' mixtures side by side as whole
rosters, keeping every group's marginals exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np

from sanctuary.solvers.games import FloatArray, SecurityGame
from sanctuary.solvers.highs import new_highs
from sanctuary.solvers.patrol_problem import PatrolProblem
from sanctuary.solvers.rosters import Roster, TravelTable, covered, empty_roster, is_feasible


def components(reach: np.ndarray) -> list[tuple[int, ...]]:
    """Groups of units that share no window with any other group (e.g. the days of a week).

    Rosters of different groups combine freely, so each group gets its own mixture: the
    master has one convexity row per group, and pricing runs group by group.
    """
    units = reach.shape[0]
    parent = list(range(units))

    def root(u: int) -> int:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for window in np.flatnonzero(reach.any(axis=0)):
        sharing = np.flatnonzero(reach[:, window])
        for other in sharing[1:]:
            parent[root(int(other))] = root(int(sharing[0]))
    groups: dict[int, list[int]] = {}
    for u in range(units):
        if reach[u].any():
            groups.setdefault(root(u), []).append(u)
    return [tuple(group) for group in groups.values()]


def restrict(roster: Roster, units: Sequence[int]) -> Roster:
    keep = set(units)
    return tuple(route if u in keep else () for u, route in enumerate(roster))


def combine(
    problem: PatrolProblem, parts: Sequence[tuple[Sequence[Roster], FloatArray]]
) -> tuple[list[Roster], FloatArray]:
    """Whole rosters from each group's mixture, every group's marginals kept exactly.

    Each group's mixture is laid out on [0, 1) in its own order; the cut points of all the
    groups split [0, 1) into at most (sum of their sizes) pieces, and each piece is one whole
    roster: the routes of the group rosters that cover it.
    """
    cuts = np.unique(np.concatenate([[0.0, 1.0], *(np.cumsum(w)[:-1] for _, w in parts)]))
    cuts = cuts[(cuts >= 0) & (cuts <= 1)]
    rosters, weights = [], []
    for low, high in zip(cuts[:-1], cuts[1:], strict=True):
        if high - low <= 1e-15:
            continue
        middle = (low + high) / 2
        routes: list[tuple[int, ...]] = [() for _ in problem.units]
        for group_rosters, group_weights in parts:
            chosen = int(np.searchsorted(np.cumsum(group_weights), middle, side="right"))
            chosen = min(chosen, len(group_rosters) - 1)
            for u, route in enumerate(group_rosters[chosen]):
                if route:
                    routes[u] = route
        rosters.append(tuple(routes))
        weights.append(high - low)
    if not rosters:
        return [empty_roster(problem)], np.ones(1)
    weights_array = np.array(weights)
    return rosters, weights_array / weights_array.sum()


class Master:
    """The restricted master programme on HiGHS; columns are added as rosters are found."""

    def __init__(self, game: SecurityGame, floor: float, groups: int) -> None:
        n = game.size
        self.game = game
        self.groups = groups
        self.highs = new_highs(exact=True)
        highs = self.highs
        highs.addCol(1.0, floor, highspy.kHighsInf, 0, np.array([], np.int32), np.array([]))
        # Row i: x + dA_i c_i >= A^u_i (x is column 0); row n + g: group g's sum q = 1.
        highs.addRows(
            n,
            game.attacker_uncovered.astype(np.float64),
            np.full(n, highspy.kHighsInf),
            n,
            np.arange(n, dtype=np.int32),
            np.zeros(n, dtype=np.int32),
            np.ones(n),
        )
        for _ in range(groups):
            highs.addRow(1.0, 1.0, 0, np.array([], np.int32), np.array([]))

    def add(self, roster: Roster, group: int) -> None:
        rows = np.array(covered(roster), dtype=np.int32)
        values = self.game.attacker_loss[rows].astype(np.float64)
        rows = np.append(rows, self.game.size + group).astype(np.int32)
        values = np.append(values, 1.0)
        self.highs.addCol(0.0, 0.0, highspy.kHighsInf, len(rows), rows, values)

    def solve(self) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        """The attacker's level, the columns' weights, the window duals, the groups' duals."""
        self.highs.run()
        solution = self.highs.getSolution()
        columns = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        n = self.game.size
        return float(columns[0]), np.clip(columns[1:], 0.0, None), duals[:n], duals[n:]


class ColumnPool:
    """The master and the rosters in it, each group's part kept once and checked on entry."""

    def __init__(
        self,
        problem: PatrolProblem,
        table: TravelTable,
        game: SecurityGame,
        floor: float,
        groups: Sequence[tuple[int, ...]],
    ) -> None:
        self.problem, self.table, self.groups = problem, table, groups
        self.master = Master(game, floor, len(groups))
        self.columns: list[Roster] = []
        self.column_group: list[int] = []
        self._seen: set[Roster] = set()

    def add(self, roster: Roster, group: int) -> bool:
        """Add the group's part of ``roster``; False if it is known or breaks a rule."""
        part = restrict(roster, self.groups[group])
        if part in self._seen or not is_feasible(self.problem, self.table, part):
            return False
        self._seen.add(part)
        self.columns.append(part)
        self.column_group.append(group)
        self.master.add(part, group)
        return True

    def add_everywhere(self, roster: Roster) -> None:
        for group in range(len(self.groups)):
            self.add(roster, group)

    def routes(self) -> list[tuple[int, tuple[int, ...]]]:
        """Every (unit, route) in any column, once."""
        return sorted({(u, r) for roster in self.columns for u, r in enumerate(roster)})

    def mixture(self) -> tuple[list[Roster], FloatArray]:
        """Whole rosters and their probabilities from the master's current solution."""
        weights = self.master.solve()[1]
        groups = np.array(self.column_group)
        parts = []
        for g in range(len(self.groups)):
            mine = np.flatnonzero(groups == g)
            total = max(float(weights[mine].sum()), 1e-300)
            parts.append(([self.columns[c] for c in mine], weights[mine] / total))
        return combine(self.problem, parts)
