"""Which area a point falls in: plain Python on GeoJSON polygons, no Django.

Area boundaries are GeoJSON Polygons or MultiPolygons in WGS84 (longitude, latitude), as the
Office for National Statistics publishes them. A point is inside a polygon when it is inside its
outer ring and outside its holes, by the even-odd rule (a ray from the point crosses the ring an
odd number of times). Points exactly on an edge count as inside. Distances are small enough
(a borough) for the plane to stand in for the sphere.

Why not a geometry library: this is the one question asked, thirty lines answer it, and a
library such as shapely would bring a native dependency for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Ring = Sequence[Sequence[float]]


class NotAPolygon(ValueError):
    """The boundary is not a GeoJSON Polygon or MultiPolygon."""


def polygons(boundary: Any) -> list[list[Ring]]:
    """The polygons of a GeoJSON geometry (or Feature), each a list of rings: outer first."""
    if isinstance(boundary, dict) and boundary.get("type") == "Feature":
        boundary = boundary.get("geometry")
    if not isinstance(boundary, dict):
        raise NotAPolygon("a boundary is a GeoJSON Polygon or MultiPolygon")
    kind, coordinates = boundary.get("type"), boundary.get("coordinates")
    found: list[list[Ring]]
    try:
        if kind == "Polygon":
            found = [coordinates]  # type: ignore[list-item]
        elif kind == "MultiPolygon":
            found = list(coordinates)  # type: ignore[arg-type]
        else:
            raise NotAPolygon(f"a boundary is a Polygon or MultiPolygon, not {kind!r}")
        for polygon in found:
            for ring in polygon:
                if len(ring) < 4 or any(len(point) < 2 for point in ring):
                    raise NotAPolygon("a ring needs at least four [longitude, latitude] points")
                for point in ring:
                    float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError) as error:
        if isinstance(error, NotAPolygon):
            raise
        raise NotAPolygon("the boundary's coordinates are not valid GeoJSON") from None
    return found


def bounding_box(boundary: Any) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a boundary's outer rings."""
    points = [point for polygon in polygons(boundary) for point in polygon[0]]
    longitudes = [float(p[0]) for p in points]
    latitudes = [float(p[1]) for p in points]
    return min(longitudes), min(latitudes), max(longitudes), max(latitudes)


def _in_ring(ring: Ring, lon: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        x1, y1, x2, y2 = float(x1), float(y1), float(x2), float(y2)
        if min(y1, y2) <= lat <= max(y1, y2) and min(x1, x2) <= lon <= max(x1, x2):
            # on the edge itself: inside
            cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
            if abs(cross) <= 1e-12:
                return True
        if (y1 > lat) != (y2 > lat):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_at:
                inside = not inside
    return inside


def contains(boundary: Any, lon: float, lat: float) -> bool:
    for polygon in polygons(boundary):
        outer, holes = polygon[0], polygon[1:]
        if _in_ring(outer, lon, lat) and not any(_in_ring(hole, lon, lat) for hole in holes):
            return True
    return False


def area_at(areas: Iterable[tuple[Any, Any]], lon: float, lat: float) -> Any | None:
    """The first of (key, boundary) pairs whose boundary holds the point, or None."""
    for key, boundary in areas:
        if boundary and contains(boundary, lon, lat):
            return key
    return None
