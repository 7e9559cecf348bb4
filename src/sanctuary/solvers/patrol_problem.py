"""The patrol problem: sites, gathering windows and patrol units, read from JSON.

Times are held as whole seconds after ``origin`` (the earliest time in the problem), which is
what the router wants; ``at()`` turns them back into aware datetimes for the plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

import numpy as np

from sanctuary.solvers.games import PAYOFF_FIELDS, SecurityGame, check_payoffs
from sanctuary.solvers.travel import Mode
from sanctuary.solvers.validation import (
    InvalidInput,
    refuse_duplicates,
    require_field,
    require_id,
    require_list,
    require_mapping,
    require_number,
    require_time,
)

# Koper (1995) found that stops of about 10-15 minutes gave the longest residual deterrence
# after the officers left; beyond ~15 minutes the benefit fell away.
DEFAULT_DWELL_MINUTES = 15.0
DEFAULT_TIME_LIMIT_SECONDS = 10.0
DEFAULT_REPLICATIONS = 16
DEFAULT_CALIBRATION_ROUNDS = 2
# Default payoffs from a gathering's figures (docs/patrol-planning.md §2.1): an attacker who
# meets a patrol loses DETERRENCE times what he would have gained (arrest and prosecution
# weigh less than success to someone set on it), and the gathering still suffers
# RESIDUAL_HARM of the loss (a 15-minute visit meets an attack, it does not undo it).
DEFAULT_DETERRENCE = 0.5
DEFAULT_RESIDUAL_HARM = 0.2


@dataclass(frozen=True)
class Site:
    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Window:
    """A gathering at a site: the span in which a visit helps, and what the four payoffs are."""

    id: str
    site: int
    start: int
    end: int
    value: float
    payoffs: tuple[float, float, float, float]  # in PAYOFF_FIELDS order
    zone: tzinfo


@dataclass(frozen=True)
class Unit:
    id: str
    mode: Mode
    start: int
    end: int
    base_lat: float
    base_lon: float


@dataclass(frozen=True)
class PatrolProblem:
    sites: tuple[Site, ...]
    windows: tuple[Window, ...]
    units: tuple[Unit, ...]
    dwell: int
    seed: int
    time_limit: float
    replications: int
    origin: datetime
    calibration_rounds: int = DEFAULT_CALIBRATION_ROUNDS
    resources: float | None = None  # None: estimated from the units' capacity
    # An attacker who finds every gathering too well covered may stay at home (utility 0).
    attacker_may_decline: bool = True

    def at(self, seconds: int, zone: tzinfo) -> str:
        return (self.origin + timedelta(seconds=int(seconds))).astimezone(zone).isoformat()

    def game(self, resources: float, coverable: np.ndarray | None = None) -> SecurityGame:
        payoffs = np.array([window.payoffs for window in self.windows], dtype=np.float64)
        return SecurityGame(
            ids=tuple(window.id for window in self.windows),
            defender_covered=payoffs[:, 0],
            defender_uncovered=payoffs[:, 1],
            attacker_covered=payoffs[:, 2],
            attacker_uncovered=payoffs[:, 3],
            resources=resources,
            coverable=coverable,
        )

    def site_coordinates(self) -> np.ndarray:
        return np.array([[site.lat, site.lon] for site in self.sites], dtype=np.float64)


def gathering_payoffs(
    attacker_value: float,
    defender_loss: float,
    deterrence: float = DEFAULT_DETERRENCE,
    residual_harm: float = DEFAULT_RESIDUAL_HARM,
) -> tuple[float, float, float, float]:
    """The four payoffs (PAYOFF_FIELDS order) from what an attack is worth to each side.

    Uncovered, the attacker gains ``attacker_value`` and the gathering loses
    ``defender_loss``; met by a patrol, he loses ``deterrence`` times his gain and the
    gathering still loses ``residual_harm`` of its loss. The risk model's per-gathering
    figures plug in here; until then a window's value (attendance) stands for both.
    """
    return (
        -residual_harm * defender_loss,
        -defender_loss,
        -deterrence * attacker_value,
        attacker_value,
    )


def default_payoffs(
    value: float,
    deterrence: float = DEFAULT_DETERRENCE,
    residual_harm: float = DEFAULT_RESIDUAL_HARM,
) -> tuple[float, float, float, float]:
    return gathering_payoffs(value, value, deterrence, residual_harm)


def _coordinates(document: Mapping[str, Any], where: str) -> tuple[float, float]:
    lat = require_number(document, "lat", where)
    lon = require_number(document, "lon", where)
    if not -90 <= lat <= 90:
        raise InvalidInput(f"{where}: lat {lat:g} is out of range [-90, 90]")
    if not -180 <= lon <= 180:
        raise InvalidInput(f"{where}: lon {lon:g} is out of range [-180, 180]")
    return lat, lon


def problem_from_document(document: Any) -> PatrolProblem:
    """Read and check a patrol problem; refusals name the record and the field."""
    doc = require_mapping(document, "problem")
    seed = doc.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInput("problem: field 'seed' must be a whole number >= 0")
    dwell_minutes = (
        require_number(doc, "dwell_minutes", "problem")
        if "dwell_minutes" in doc
        else DEFAULT_DWELL_MINUTES
    )
    if dwell_minutes <= 0:
        raise InvalidInput("problem: field 'dwell_minutes' must be > 0")
    time_limit = (
        require_number(doc, "time_limit_seconds", "problem")
        if "time_limit_seconds" in doc
        else DEFAULT_TIME_LIMIT_SECONDS
    )
    if time_limit <= 0:
        raise InvalidInput("problem: field 'time_limit_seconds' must be > 0")
    replications = doc.get("replications", DEFAULT_REPLICATIONS)
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise InvalidInput("problem: field 'replications' must be a whole number >= 1")
    rounds = doc.get("calibration_rounds", DEFAULT_CALIBRATION_ROUNDS)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 0:
        raise InvalidInput("problem: field 'calibration_rounds' must be a whole number >= 0")
    resources = None
    if "resources" in doc:
        resources = require_number(doc, "resources", "problem")
        if resources < 0:
            raise InvalidInput("problem: field 'resources' must be >= 0")
    dwell = round(dwell_minutes * 60)
    deterrence = _share(doc, "deterrence", DEFAULT_DETERRENCE, strictly_positive=True)
    residual_harm = _share(doc, "residual_harm", DEFAULT_RESIDUAL_HARM, strictly_positive=False)
    if residual_harm >= 1:
        raise InvalidInput("problem: field 'residual_harm' must be < 1: a visit must help")
    may_decline = doc.get("attacker_may_decline", True)
    if not isinstance(may_decline, bool):
        raise InvalidInput("problem: field 'attacker_may_decline' must be true or false")

    sites: list[Site] = []
    for index, raw in enumerate(require_list(doc, "sites", "problem")):
        site = require_mapping(raw, f"site {index}")
        identifier = require_id(site, "id", f"site {index}")
        sites.append(Site(identifier, *_coordinates(site, f"site {identifier!r}")))
    refuse_duplicates([site.id for site in sites], "sites")
    site_index = {site.id: index for index, site in enumerate(sites)}

    raw_windows = []
    for index, raw in enumerate(require_list(doc, "windows", "problem")):
        window = require_mapping(raw, f"window {index}")
        identifier = require_id(window, "id", f"window {index}")
        where = f"window {identifier!r}"
        site_id = require_id(window, "site", where)
        if site_id not in site_index:
            raise InvalidInput(f"{where}: unknown site {site_id!r}")
        start, end = require_time(window, "start", where), require_time(window, "end", where)
        if (end - start).total_seconds() < dwell:
            raise InvalidInput(
                f"{where}: the window ({start.isoformat()} to {end.isoformat()}) is shorter "
                f"than the dwell time of {dwell_minutes:g} minutes"
            )
        value = require_number(window, "value", where)
        if value <= 0:
            raise InvalidInput(f"{where}: field 'value' must be > 0, got {value:g}")
        payoffs = default_payoffs(value, deterrence, residual_harm)
        if "payoffs" in window:
            given = require_mapping(window["payoffs"], f"{where}, payoffs")
            explicit = {
                name: require_number(given, name, f"{where}, payoffs") for name in PAYOFF_FIELDS
            }
            check_payoffs(explicit, f"{where}, payoffs")
            payoffs = tuple(explicit[name] for name in PAYOFF_FIELDS)  # type: ignore[assignment]
        raw_windows.append((identifier, site_index[site_id], start, end, value, payoffs))
    refuse_duplicates([window[0] for window in raw_windows], "windows")
    if not raw_windows:
        raise InvalidInput("problem: field 'windows' is empty: nothing to protect")

    raw_units = []
    for index, raw in enumerate(require_list(doc, "units", "problem")):
        unit = require_mapping(raw, f"unit {index}")
        identifier = require_id(unit, "id", f"unit {index}")
        where = f"unit {identifier!r}"
        mode = require_field(unit, "mode", where)
        if mode not in {m.value for m in Mode}:
            raise InvalidInput(
                f"{where}: unknown mode {mode!r} (expected one of: foot, bicycle, car)"
            )
        start, end = require_time(unit, "start", where), require_time(unit, "end", where)
        if end <= start:
            raise InvalidInput(
                f"{where}: the shift ends ({end.isoformat()}) before it starts "
                f"({start.isoformat()})"
            )
        base = require_mapping(require_field(unit, "base", where), f"{where}, base")
        raw_units.append(
            (identifier, Mode(mode), start, end, *_coordinates(base, f"{where}, base"))
        )
    refuse_duplicates([unit[0] for unit in raw_units], "units")

    origin = min([w[2] for w in raw_windows] + [u[2] for u in raw_units])

    # Whole seconds, rounded inwards: a visit may then never start before its window opens
    # or a shift starts, nor end after the window or the shift.
    def opening(moment: datetime) -> int:
        return math.ceil((moment - origin).total_seconds() - 1e-9)

    def closing(moment: datetime) -> int:
        return math.floor((moment - origin).total_seconds() + 1e-9)

    windows = tuple(
        Window(identifier, site, opening(start), closing(end), value, payoffs, start.tzinfo)  # type: ignore[arg-type]
        for identifier, site, start, end, value, payoffs in raw_windows
    )
    units = tuple(
        Unit(identifier, mode, opening(start), closing(end), lat, lon)
        for identifier, mode, start, end, lat, lon in raw_units
    )
    return PatrolProblem(
        sites=tuple(sites),
        windows=windows,
        units=units,
        dwell=dwell,
        seed=seed,
        time_limit=time_limit,
        replications=replications,
        origin=origin,
        resources=resources,
        calibration_rounds=rounds,
        attacker_may_decline=may_decline,
    )


def _share(doc: Mapping[str, Any], key: str, default: float, strictly_positive: bool) -> float:
    if key not in doc:
        return default
    value = require_number(doc, key, "problem")
    if value < 0 or (strictly_positive and value == 0):
        bound = "> 0" if strictly_positive else ">= 0"
        raise InvalidInput(f"problem: field '{key}' must be {bound}, got {value:g}")
    return value
