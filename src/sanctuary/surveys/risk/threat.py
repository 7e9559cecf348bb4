"""Threat to one site: the national level, incidents nearby, and the trend against its faith.

    T = 1 - (1 - t_national) (1 - t_local) (1 - t_trend)            (docs/risk-model.md, section 3)

Each part is in [0, 1) and T rises with every part, so the site is threatened if any of the
three sources threatens it. Incidents are given as small records (or, for many sites, once as
an ``IncidentTable``); nothing here reads a database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from sanctuary.solvers.travel import haversine_km
from sanctuary.solvers.validation import InvalidInput
from sanctuary.surveys.risk.parameters import DEFAULT_PARAMETERS, RiskParameters, ThreatLevel

_METRES_PER_DEGREE_LATITUDE = 111_000.0  # a little under the true 111,195: the band is wider


@dataclass(frozen=True)
class SiteProfile:
    """What the risk model needs to know about a place of worship."""

    id: str
    faith: str
    lat: float
    lon: float
    capacity: int | None = None

    def __post_init__(self) -> None:
        _check_coordinates(self.lat, self.lon, f"site {self.id!r}")
        if self.capacity is not None and self.capacity < 0:
            raise InvalidInput(f"site {self.id!r}: capacity must be >= 0, got {self.capacity}")


@dataclass(frozen=True)
class Incident:
    """One record of the incidents app: when, what, where, and which faith was targeted."""

    occurred_on: date
    category: str  # an IncidentCategory value (or a key of RiskParameters.severity)
    lat: float
    lon: float
    site_id: str | None = None  # the site it happened at, if it happened at one
    faith: str | None = None  # the faith targeted, if any
    id: str = ""

    def __post_init__(self) -> None:
        _check_coordinates(self.lat, self.lon, f"incident {self.id!r}")


def _check_coordinates(lat: float, lon: float, where: str) -> None:
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise InvalidInput(f"{where}: lat {lat} is out of range [-90, 90]")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise InvalidInput(f"{where}: lon {lon} is out of range [-180, 180]")


class IncidentTable:
    """Incidents as numpy columns, sorted by latitude, built once and shared by many sites."""

    def __init__(self, incidents: Sequence[Incident]) -> None:
        ordered = sorted(incidents, key=lambda incident: incident.lat)
        self.incidents: tuple[Incident, ...] = tuple(ordered)
        self.lat = np.array([i.lat for i in ordered], dtype=np.float64)
        self.lon = np.array([i.lon for i in ordered], dtype=np.float64)
        self.day = np.array([i.occurred_on.toordinal() for i in ordered], dtype=np.int64)
        categories = [i.category for i in ordered]
        self.category_names, codes = np.unique(
            np.array(categories, dtype=object), return_inverse=True
        )
        self.category_code = codes.astype(np.int64)
        self.site_id = np.array([i.site_id for i in ordered], dtype=object)
        self.faith = np.array([i.faith for i in ordered], dtype=object)
        self.faith_unknown = np.array([i.faith is None for i in ordered], dtype=bool)
        by_site: dict[str, list[int]] = {}
        for index, incident in enumerate(ordered):
            if incident.site_id is not None:
                by_site.setdefault(incident.site_id, []).append(index)
        self._by_site = {site: np.array(rows, dtype=np.int64) for site, rows in by_site.items()}

    def at_site(self, site_id: str) -> NDArray[np.int64]:
        return self._by_site.get(site_id, np.zeros(0, dtype=np.int64))

    def near(self, lat: float, lon: float, metres: float) -> NDArray[np.int64]:
        """Rows within a box of half-side ``metres`` around a point (a superset of the circle)."""
        band = metres / _METRES_PER_DEGREE_LATITUDE
        low, high = np.searchsorted(self.lat, [lat - band, lat + band], side="left")
        rows = np.arange(low, high)
        # Longitude degrees shrink with cos(latitude); sites within a few km of the
        # antimeridian or a pole are not a case this model is for.
        lon_band = band / max(math.cos(math.radians(lat)), 1e-6)
        return rows[np.abs(self.lon[rows] - lon) <= lon_band]

    def __len__(self) -> int:
        return len(self.incidents)

    def severities(self, parameters: RiskParameters) -> NDArray[np.float64]:
        unknown = [str(name) for name in self.category_names if name not in parameters.severity]
        if unknown:
            first = next(i for i in self.incidents if i.category == unknown[0])
            raise InvalidInput(
                f"incident {first.id!r}: unknown category {unknown[0]!r} "
                f"(expected one of: {', '.join(parameters.severity)})"
            )
        table = np.array([parameters.severity[name] for name in self.category_names])
        return table[self.category_code] if len(self) else np.zeros(0)


@dataclass(frozen=True)
class NearbyIncident:
    incident: Incident
    metres: float
    weight: float  # its part of the local pressure P


@dataclass(frozen=True)
class Threat:
    value: float  # T, 0..1
    national_level: ThreatLevel
    national: float  # t_national
    local: float  # t_local
    trend: float  # t_trend
    pressure: float  # P, in "violent incidents at the site today"
    nearby: tuple[NearbyIncident, ...]  # the heaviest parts of P, at most nearby_listed
    nearby_count: int  # how many incidents add to P
    nearby_at_site: int  # of which at the site itself
    recent_against_faith: int  # in the area, in the recent window
    usual_against_faith: float  # expected in a window as long, from the baseline rate
    trend_ratio: float  # smoothed recent / usual

    def as_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "national_level": self.national_level.value,
            "national": self.national,
            "local": self.local,
            "trend": self.trend,
            "pressure": self.pressure,
            "nearby_count": self.nearby_count,
            "nearby_at_site": self.nearby_at_site,
            "recent_against_faith": self.recent_against_faith,
            "usual_against_faith": self.usual_against_faith,
            "trend_ratio": self.trend_ratio,
            "nearby": [
                {
                    "id": n.incident.id,
                    "date": n.incident.occurred_on.isoformat(),
                    "category": n.incident.category,
                    "metres": round(n.metres),
                    "weight": n.weight,
                }
                for n in self.nearby
            ],
        }


def combine(national: float, local: float, trend: float) -> float:
    """T from its parts: a noisy-OR, bounded by 1 and rising in each part."""
    return 1 - (1 - national) * (1 - local) * (1 - trend)


def national_part(level: ThreatLevel, parameters: RiskParameters = DEFAULT_PARAMETERS) -> float:
    return parameters.national_weight * parameters.national_likelihood[level]


def threat(
    site: SiteProfile,
    national_level: ThreatLevel,
    incidents: Sequence[Incident] | IncidentTable,
    as_of: date,
    parameters: RiskParameters = DEFAULT_PARAMETERS,
) -> Threat:
    """The threat to ``site`` on ``as_of``; incidents after that day are ignored."""
    table = incidents if isinstance(incidents, IncidentTable) else IncidentTable(incidents)
    severity = table.severities(parameters)
    reach = max(parameters.kernel_cutoff_metres, parameters.trend_radius_metres)
    # Incidents recorded at the site count whatever coordinates they were given.
    candidates = np.union1d(table.near(site.lat, site.lon, reach), table.at_site(site.id))

    age = as_of.toordinal() - table.day[candidates]
    known = age >= 0
    candidates, age = candidates[known], age[known]
    metres = (
        haversine_km(
            np.array([[site.lat, site.lon]]),
            np.column_stack([table.lat[candidates], table.lon[candidates]]),
        )[0]
        * 1000
    )
    here = table.site_id[candidates] == site.id
    metres[here] = 0.0
    # An incident at the site with no faith recorded was against the site's faith.
    against_faith = (table.faith[candidates] == site.faith) | (
        here & table.faith_unknown[candidates]
    )

    # Local pressure: severity x decay with age x decay with distance x faith weight.
    decay = np.where(
        age <= parameters.incident_horizon_days, np.exp(-age / parameters.decay_days), 0.0
    )
    kernel = np.where(
        metres <= parameters.kernel_cutoff_metres,
        np.exp(-metres / parameters.kernel_metres),
        0.0,
    )
    faith_weight = np.where(here | against_faith, 1.0, parameters.other_faith_weight)
    weight = severity[candidates] * decay * kernel * faith_weight
    pressure = float(weight.sum())
    local = 1 - math.exp(-pressure / parameters.pressure_scale)

    # Trend against the site's faith in the area: recent rate against the longer-run rate.
    in_area = against_faith & (metres <= parameters.trend_radius_metres)
    recent = int(np.count_nonzero(in_area & (age < parameters.trend_recent_days)))
    baseline = int(np.count_nonzero(in_area & (age < parameters.trend_baseline_days)))
    usual = baseline * parameters.trend_recent_days / parameters.trend_baseline_days
    k = parameters.trend_pseudo_count
    ratio = (recent + k) / (usual + k)
    trend = parameters.trend_weight * max(0.0, 1 - 1 / ratio)

    national = national_part(national_level, parameters)
    contributing = np.flatnonzero(weight > 0)
    heaviest = contributing[np.argsort(-weight[contributing], kind="stable")]
    nearby = tuple(
        NearbyIncident(table.incidents[candidates[i]], float(metres[i]), float(weight[i]))
        for i in heaviest[: parameters.nearby_listed]
    )
    return Threat(
        value=combine(national, local, trend),
        national_level=national_level,
        national=national,
        local=local,
        trend=trend,
        pressure=pressure,
        nearby=nearby,
        nearby_count=len(contributing),
        nearby_at_site=int(np.count_nonzero(here[contributing])),
        recent_against_faith=recent,
        usual_against_faith=usual,
        trend_ratio=ratio,
    )


LEVEL_ORDER = tuple(ThreatLevel)  # low … critical


def heightened_level(national: ThreatLevel, raised: Sequence[ThreatLevel] = ()) -> ThreatLevel:
    """The level a site is assessed at: the national level, or the highest local heightened
    alert in force for it if that is higher (docs/risk-model.md, 3.1):

        L_s(d) = max(L_national(d), max{ L_a : alert a in force on d and concerning s })

    An alert never lowers the threat."""
    return max((national, *raised), key=LEVEL_ORDER.index)


def level_on(history: Sequence[tuple[date, ThreatLevel]], day: date) -> ThreatLevel:
    """The national level in force on ``day``, from an administrator's (date set, level) records."""
    in_force = [(set_on, level) for set_on, level in history if set_on <= day]
    if not in_force:
        raise InvalidInput(f"national threat level: none was set on or before {day.isoformat()}")
    # Two changes on one day: the later record (in the order given) is the one in force.
    return sorted(in_force, key=lambda record: record[0])[-1][1]
