"""Stackelberg security games: the problem, its equilibrium and an exact O(n log n) solver.

The defender commits to coverage probabilities ``c`` (``0 <= c_i <= 1``, ``sum c <= m``); the
attacker sees them and attacks one target. Utilities are linear in coverage::

    U^d_i(c) = D^u_i + c_i (D^c_i - D^u_i)        U^a_i(c) = A^u_i - c_i (A^u_i - A^c_i)

We solve for the strong Stackelberg equilibrium (SSE): the attacker best-responds, breaking
ties in the defender's favour (Kiekintveld et al., AAMAS 2009). See docs/patrol-planning.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sanctuary.solvers.validation import (
    InvalidInput,
    refuse_duplicates,
    require_id,
    require_list,
    require_mapping,
    require_number,
)

FloatArray = NDArray[np.float64]
PAYOFF_FIELDS = ("defender_covered", "defender_uncovered", "attacker_covered", "attacker_uncovered")

# Attacker utilities within this (relative) distance of the best count as ties. Coverage comes
# out of floating-point arithmetic, so an exact comparison would let rounding pick the target.
TIE_TOLERANCE = 1e-9


def _frozen(values: ArrayLike) -> FloatArray:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class SecurityGame:
    """n targets with four payoffs each and ``resources`` identical defender resources.

    Covered payoffs must be at least as good for their side as uncovered ones:
    ``defender_covered >= defender_uncovered`` (equality allowed: coverage then does not help
    the defender there, which is harmless) and ``attacker_covered < attacker_uncovered``
    (strict: if coverage could not deter the attacker at a target the coverage needed to
    make him indifferent is undefined).
    """

    ids: tuple[str, ...]
    defender_covered: FloatArray
    defender_uncovered: FloatArray
    attacker_covered: FloatArray
    attacker_uncovered: FloatArray
    resources: float
    # Targets no resource can reach (a window outside every shift) keep coverage 0.
    coverable: NDArray[np.bool_] | None = None

    def __post_init__(self) -> None:
        for name in PAYOFF_FIELDS:
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        n = len(self.ids)
        coverable = np.ones(n, dtype=bool) if self.coverable is None else self.coverable
        coverable = np.array(coverable, dtype=bool)
        coverable.setflags(write=False)
        object.__setattr__(self, "coverable", coverable)
        if n == 0:
            raise InvalidInput("a game needs at least one target")
        if any(getattr(self, name).shape != (n,) for name in (*PAYOFF_FIELDS, "coverable")):
            raise InvalidInput("every payoff array needs one value per target")
        if not all(np.isfinite(getattr(self, name)).all() for name in PAYOFF_FIELDS):
            raise InvalidInput("payoffs must be finite")
        if not np.isfinite(self.resources) or self.resources < 0:
            raise InvalidInput(f"resources must be a finite number >= 0, got {self.resources}")
        bad = np.flatnonzero(self.defender_covered < self.defender_uncovered)
        if bad.size:
            raise InvalidInput(
                f"target {self.ids[bad[0]]!r}: defender_covered must be >= defender_uncovered"
            )
        bad = np.flatnonzero(self.attacker_covered >= self.attacker_uncovered)
        if bad.size:
            raise InvalidInput(
                f"target {self.ids[bad[0]]!r}: attacker_covered must be < attacker_uncovered"
            )

    @classmethod
    def from_arrays(
        cls,
        defender_covered: ArrayLike,
        defender_uncovered: ArrayLike,
        attacker_covered: ArrayLike,
        attacker_uncovered: ArrayLike,
        resources: float,
        ids: Sequence[str] | None = None,
    ) -> SecurityGame:
        n = len(np.asarray(defender_covered))
        return cls(
            ids=tuple(ids) if ids is not None else tuple(f"t{i + 1}" for i in range(n)),
            defender_covered=np.asarray(defender_covered),
            defender_uncovered=np.asarray(defender_uncovered),
            attacker_covered=np.asarray(attacker_covered),
            attacker_uncovered=np.asarray(attacker_uncovered),
            resources=float(resources),
        )

    @property
    def coverage_cap(self) -> FloatArray:
        """1 where coverage is possible, 0 where it is not."""
        assert self.coverable is not None
        return self.coverable.astype(np.float64)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def defender_gain(self) -> FloatArray:
        """What full coverage of each target is worth to the defender (>= 0)."""
        return self.defender_covered - self.defender_uncovered

    @property
    def attacker_loss(self) -> FloatArray:
        """What full coverage of each target costs the attacker (> 0)."""
        return self.attacker_uncovered - self.attacker_covered

    def defender_utilities(self, coverage: ArrayLike) -> FloatArray:
        return self.defender_uncovered + np.asarray(coverage) * self.defender_gain

    def attacker_utilities(self, coverage: ArrayLike) -> FloatArray:
        return self.attacker_uncovered - np.asarray(coverage) * self.attacker_loss

    def payoff_scale(self) -> float:
        return float(max(1.0, *(np.abs(getattr(self, name)).max() for name in PAYOFF_FIELDS)))


@dataclass(frozen=True, eq=False)
class BestResponse:
    """The attacker's choice against a coverage, ties broken in the defender's favour."""

    attacked: int
    defender_utility: float
    attacker_utility: float


def best_response(game: SecurityGame, coverage: ArrayLike) -> BestResponse:
    """Where a rational attacker strikes against ``coverage``, and what each side then gets."""
    attacker = game.attacker_utilities(coverage)
    defender = game.defender_utilities(coverage)
    best = attacker.max()
    tied = attacker >= best - TIE_TOLERANCE * game.payoff_scale()
    attacked = int(np.flatnonzero(tied)[np.argmax(defender[tied])])
    return BestResponse(attacked, float(defender[attacked]), float(attacker[attacked]))


@dataclass(frozen=True, eq=False)
class GameSolution:
    """A defender strategy and the attack it induces; ``seconds`` is the solve alone."""

    coverage: FloatArray
    defender_utility: float
    attacker_utility: float
    attacked: int
    solver: str
    seconds: float
    notes: tuple[str, ...] = field(default=())

    def to_document(self, game: SecurityGame) -> dict[str, Any]:
        document: dict[str, Any] = {
            "coverage": dict(zip(game.ids, np.round(self.coverage, 12).tolist(), strict=True)),
            "defender_utility": self.defender_utility,
            "attacker_utility": self.attacker_utility,
            "attacked_target": game.ids[self.attacked],
            "solver": self.solver,
            "seconds": round(self.seconds, 6),
        }
        if self.notes:
            document["notes"] = list(self.notes)
        return document


def minimal_attacker_level(game: SecurityGame) -> float:
    """The lowest attacker utility any feasible coverage can hold him to (ORIGAMI's x*).

    Sort targets by A^u descending. Holding the attacker to level x needs coverage
    ``(A^u_i - x) / dA_i`` on every target with ``A^u_i > x``, so the resources used,
    ``R(x) = P_k - x Q_k`` with prefix sums ``P_k = sum A^u_i/dA_i`` and ``Q_k = sum 1/dA_i``
    over the top k targets, are continuous, piecewise linear and decreasing in x. The top-k
    piece is the right one where ``R`` at the next breakpoint ``A^u_{k+1}`` already reaches
    m: the first such k gives ``x_R = (P_k - m) / Q_k``. Coverage is capped at 1, and target
    i at full coverage still gives the attacker A^c_i, so no level below ``max_i A^c_i`` is
    reachable (ORIGAMI stops there, with resources to spare). Hence x* = max(x_R, max A^c).

    A target no resource can reach keeps coverage 0: it takes no part in R and puts its A^u
    under the floor instead.
    """
    cap = game.coverage_cap
    floor = float(np.max(np.where(cap > 0, game.attacker_covered, game.attacker_uncovered)))
    if not cap.any():
        return floor
    coverable = np.flatnonzero(cap > 0)
    order = coverable[np.argsort(-game.attacker_uncovered[coverable], kind="stable")]
    uncovered = game.attacker_uncovered[order]
    inverse_loss = 1.0 / game.attacker_loss[order]
    prefix_q = np.cumsum(inverse_loss)
    prefix_p = np.cumsum(uncovered * inverse_loss)
    used_at_next_breakpoint = prefix_p[:-1] - uncovered[1:] * prefix_q[:-1]
    enough = np.flatnonzero(used_at_next_breakpoint >= game.resources)
    k = int(enough[0]) if enough.size else len(order) - 1  # 0-based: the top k+1 targets
    level_by_resources = (prefix_p[k] - game.resources) / prefix_q[k]
    return float(max(level_by_resources, floor))


def solve_exact(game: SecurityGame) -> GameSolution:
    """The strong Stackelberg equilibrium in O(n log n) (sorting dominates).

    The defender holds the attacker to the lowest level x*; every target whose A^u reaches
    x* is then in the attack set, each covered just enough to give the attacker exactly x*.
    Among them the defender lets him pick the one best for her. Holding him any higher only
    lowers her coverage of the attacked target, and targets with A^u < x* cannot be made
    attractive, so this is the SSE (the MILP in :mod:`.eraser` cross-checks it).
    """
    started = time.perf_counter()
    level = minimal_attacker_level(game)
    coverage = np.clip((game.attacker_uncovered - level) / game.attacker_loss, 0.0, 1.0)
    coverage *= game.coverage_cap
    response = best_response(game, coverage)
    seconds = time.perf_counter() - started
    return GameSolution(
        coverage=coverage,
        defender_utility=response.defender_utility,
        attacker_utility=response.attacker_utility,
        attacked=response.attacked,
        solver="exact",
        seconds=seconds,
    )


def game_from_document(document: Any, where: str = "game") -> SecurityGame:
    """Read ``{"resources": m, "targets": [{"id", four payoffs}, ...]}`` with clear refusals.

    A well-formed game is read column by column and checked with numpy (a million targets in
    about a second); only a game that fails those checks is read again target by target, to
    name the first bad one.
    """
    fast = _game_from_columns(document)
    if fast is not None:
        return fast
    return _game_target_by_target(document, where)


def _game_from_columns(document: Any) -> SecurityGame | None:
    """The game, if every check passes on whole columns; None to fall back to the slow path."""
    if not isinstance(document, dict):
        return None
    resources: Any = document.get("resources")
    targets = document.get("targets")
    if type(resources) not in (int, float) or not isinstance(targets, list) or not targets:
        return None
    if not math.isfinite(resources) or resources < 0:
        return None
    try:
        ids = [target["id"] for target in targets]
        columns = {name: [target[name] for target in targets] for name in PAYOFF_FIELDS}
    except (KeyError, TypeError):  # a target that is not an object, or lacks a field
        return None
    # bool is a subclass of int: compare exact types so that true and false are refused.
    if set(map(type, ids)) != {str} or not all(map(str.strip, ids)) or len(set(ids)) != len(ids):
        return None
    arrays = {}
    for name, column in columns.items():
        if not set(map(type, column)) <= {int, float}:
            return None
        array = np.array(column, dtype=np.float64)
        if not np.isfinite(array).all():
            return None
        arrays[name] = array
    if (arrays["defender_covered"] < arrays["defender_uncovered"]).any():
        return None
    if (arrays["attacker_covered"] >= arrays["attacker_uncovered"]).any():
        return None
    return SecurityGame(
        ids=tuple(ids),
        defender_covered=arrays["defender_covered"],
        defender_uncovered=arrays["defender_uncovered"],
        attacker_covered=arrays["attacker_covered"],
        attacker_uncovered=arrays["attacker_uncovered"],
        resources=float(resources),
    )


def _game_target_by_target(document: Any, where: str) -> SecurityGame:
    game_doc = require_mapping(document, where)
    resources = require_number(game_doc, "resources", where)
    if resources < 0:
        raise InvalidInput(f"{where}: field 'resources' must be >= 0, got {resources:g}")
    targets = require_list(game_doc, "targets", where)
    if not targets:
        raise InvalidInput(f"{where}: field 'targets' is empty: a game needs at least one target")
    ids: list[str] = []
    payoffs: dict[str, list[float]] = {name: [] for name in PAYOFF_FIELDS}
    for index, raw in enumerate(targets):
        target_where = f"{where}, target {index}"
        target = require_mapping(raw, target_where)
        identifier = require_id(target, "id", target_where)
        target_where = f"{where}, target {identifier!r}"
        ids.append(identifier)
        values = {name: require_number(target, name, target_where) for name in PAYOFF_FIELDS}
        check_payoffs(values, target_where)
        for name in PAYOFF_FIELDS:
            payoffs[name].append(values[name])
    refuse_duplicates(ids, f"{where}, targets")
    return SecurityGame(ids=tuple(ids), resources=resources, **payoffs)  # type: ignore[arg-type]


def check_payoffs(values: Mapping[str, float], where: str) -> None:
    if values["defender_covered"] < values["defender_uncovered"]:
        raise InvalidInput(
            f"{where}: defender_covered ({values['defender_covered']:g}) is worse for the "
            f"defender than defender_uncovered ({values['defender_uncovered']:g})"
        )
    if values["attacker_covered"] >= values["attacker_uncovered"]:
        raise InvalidInput(
            f"{where}: attacker_covered ({values['attacker_covered']:g}) must be less than "
            f"attacker_uncovered ({values['attacker_uncovered']:g}): coverage must deter"
        )
