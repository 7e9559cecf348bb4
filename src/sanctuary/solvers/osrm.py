"""Travel times from OSRM-compatible routing servers (their ``/table`` service).

osrm-routed serves the one profile it was built with (the profile in the URL is not used to
choose), so each mode names its own server; a mode without one keeps the straight-line
estimate. Pairs the server cannot route (``null``) also fall back to it, so a plan is never
refused for a missing road. Large matrices are asked for in blocks, within the server's
``--max-table-size`` (100 places by default).
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sanctuary.solvers.travel import Mode, StraightLineTravelTimes, TravelTimes

# OSRM's own profile names, used in the URL (and by servers that do serve several).
PROFILES = {Mode.FOOT: "foot", Mode.BICYCLE: "bicycle", Mode.CAR: "driving"}


class RoutingFailed(RuntimeError):
    """The routing server did not answer, or answered something other than a table."""


def parse_servers(text: str) -> dict[Mode, str]:
    """``car=http://router-car:5000,foot=http://router-foot:5000`` to a mode -> URL map."""
    servers: dict[Mode, str] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        mode, _, url = part.partition("=")
        if mode.strip() not in {m.value for m in Mode} or not url.strip().startswith(("http://", "https://")):
            raise ValueError(
                f"routing server {part!r}: write mode=URL, mode one of foot, bicycle, car"
            )
        servers[Mode(mode.strip())] = url.strip().rstrip("/")
    return servers


@dataclass(frozen=True)
class OsrmTravelTimes:
    servers: Mapping[Mode, str]
    fallback: TravelTimes = field(default_factory=StraightLineTravelTimes)
    block: int = 50  # sources (and destinations) per request: 100 places with the default
    timeout: float = 30.0

    def matrix(
        self, mode: Mode, origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        estimate = np.asarray(self.fallback.matrix(mode, origins, destinations), dtype=np.int64)
        server = self.servers.get(mode)
        if server is None or not len(origins) or not len(destinations):
            return estimate
        seconds = estimate.copy()
        for i in range(0, len(origins), self.block):
            for j in range(0, len(destinations), self.block):
                durations = self._table(
                    server, mode, origins[i : i + self.block], destinations[j : j + self.block]
                )
                known = ~np.isnan(durations)
                part = seconds[i : i + self.block, j : j + self.block]
                part[known] = np.ceil(durations[known] - 1e-9).astype(np.int64)
        return seconds

    def _table(
        self, server: str, mode: Mode, origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        places = np.vstack([origins, destinations])
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in places)
        query = urllib.parse.urlencode({
            "sources": ";".join(str(k) for k in range(len(origins))),
            "destinations": ";".join(str(len(origins) + k) for k in range(len(destinations))),
            "annotations": "duration",
        })
        url = f"{server}/table/v1/{PROFILES[mode]}/{coordinates}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (configured http(s) URL)
                answer = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise RoutingFailed(f"routing server {server} ({mode.value}): {error}") from None
        if not isinstance(answer, dict) or answer.get("code") != "Ok":
            message = answer.get("message", answer.get("code")) if isinstance(answer, dict) else answer
            raise RoutingFailed(f"routing server {server} ({mode.value}) refused: {message}")
        rows = answer.get("durations")
        if not isinstance(rows, list) or len(rows) != len(origins):
            raise RoutingFailed(f"routing server {server} ({mode.value}) sent no durations table")
        table = np.array(
            [[math.nan if value is None else float(value) for value in row] for row in rows],
            dtype=np.float64,
        )
        if table.shape != (len(origins), len(destinations)):
            raise RoutingFailed(f"routing server {server} ({mode.value}) sent a table of the wrong size")
        return table
