"""What the map shows of a set of sites in a view: the sites themselves when few enough, else
clusters counted in the database on a grid that follows the zoom.

The map asks for its view (a bounding box and a zoom) as it moves, so that the page never carries
more than a screenful, whether the reader sees forty sites or fifty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Max, Min, QuerySet
from django.db.models.functions import Cast, Floor

from sanctuary.registry.models import Site

# Beyond this many sites in the view, the map shows clusters instead.
MOST_MARKERS = 500
# A cluster cell is about a sixth of the map's width at 1,024 pixels (256 pixels a tile).
CELL_PIXELS = 64


class BadView(ValueError):
    """The bounding box or zoom is not one a map asks for."""


@dataclass(frozen=True)
class View:
    west: float
    south: float
    east: float
    north: float
    zoom: int

    @classmethod
    def parse(cls, bbox: str | None, zoom: str | None) -> View:
        """From `bbox=west,south,east,north` and `zoom=N` in a query string."""
        try:
            west, south, east, north = (float(part) for part in (bbox or "").split(","))
            level = int(zoom or "")
        except ValueError:
            raise BadView("bbox is west,south,east,north in degrees and zoom a whole number") from None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise BadView("bbox must be west,south,east,north within -180..180 and -90..90")
        if not 0 <= level <= 22:
            raise BadView("zoom is 0 to 22")
        return cls(west, south, east, north, level)

    @property
    def cell(self) -> float:
        """A cluster cell's side in degrees at this zoom."""
        return 360.0 / (2**self.zoom) * CELL_PIXELS / 256


@dataclass(frozen=True)
class Cluster:
    latitude: float
    longitude: float
    count: int


@dataclass(frozen=True)
class MapContent:
    sites: list[Site]  # when the view holds few enough
    clusters: list[Cluster]  # otherwise
    total: int  # sites in the view


def in_view(sites: QuerySet[Site], view: View) -> QuerySet[Site]:
    return sites.filter(
        longitude__gte=view.west,
        longitude__lte=view.east,
        latitude__gte=view.south,
        latitude__lte=view.north,
    )


def content(sites: QuerySet[Site], view: View) -> MapContent:
    inside = in_view(sites, view)
    total = inside.count()
    if total <= MOST_MARKERS:
        return MapContent(list(inside.order_by("name", "pk")), [], total)
    cell = view.cell
    grouped = (
        inside.annotate(
            cell_x=Floor(Cast(F("longitude"), FloatField()) / cell),
            cell_y=Floor(Cast(F("latitude"), FloatField()) / cell),
        )
        .values("cell_x", "cell_y")
        .annotate(count=Count("pk"), latitude=Avg("latitude"), longitude=Avg("longitude"))
        .order_by()
    )
    clusters = [Cluster(row["latitude"], row["longitude"], row["count"]) for row in grouped]
    return MapContent([], clusters, total)


def extent(sites: QuerySet[Site]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the sites, for the map's first view; None for none."""
    found = sites.aggregate(
        west=Min("longitude"), south=Min("latitude"), east=Max("longitude"), north=Max("latitude")
    )
    if found["west"] is None:
        return None
    return found["west"], found["south"], found["east"], found["north"]
