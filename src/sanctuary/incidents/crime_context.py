"""The police's street-level crime files (data.police.uk), read and counted near each site.

Columns: Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code,
LSOA name, Crime type, Last outcome category, Context. A file is read all or nothing: a row that
cannot be read stops it, with its line and the reason. Recorded crime is context, kept apart
from incidents: it is never counted with them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sanctuary.access.actor import Actor
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.incidents.matching import metres_between
from sanctuary.incidents.models import RecordedCrime

COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
RADIUS_METRES = 500
MONTHS = 12


def read_rows(text: str) -> list[RecordedCrime]:
    """The rows of one file, checked; ValidationError naming the line otherwise."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"the file lacks the columns {', '.join(missing)}")
    rows: list[RecordedCrime] = []
    seen: Counter[str] = Counter()
    for line, row in enumerate(reader, start=2):
        try:
            year, month = (int(part) for part in (row["Month"] or "").split("-"))
            month_start = date(year, month, 1)
        except ValueError:
            raise ValidationError(f"line {line}: Month {row['Month']!r} is not YYYY-MM") from None
        try:
            lon = float(row["Longitude"]) if row["Longitude"] else None
            lat = float(row["Latitude"]) if row["Latitude"] else None
        except ValueError:
            raise ValidationError(f"line {line}: the longitude or latitude is not a number") from None
        if (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
            raise ValidationError(f"line {line}: the point is off the map")
        if not row["Crime type"]:
            raise ValidationError(f"line {line}: Crime type is empty")
        whole = "\x1f".join(row[c] or "" for c in COLUMNS)
        seen[whole] += 1  # identical rows (antisocial behaviour has no ID) stay distinct
        key = hashlib.sha256(f"{whole}\x1e{seen[whole]}".encode()).hexdigest()
        rows.append(RecordedCrime(
            row_key=key, crime_id=row["Crime ID"] or "", month=month_start,
            reported_by=row["Reported by"] or "", falls_within=row["Falls within"] or "",
            latitude=lat, longitude=lon, location=(row["Location"] or "")[:200],
            lsoa_code=row["LSOA code"] or "", lsoa_name=row["LSOA name"] or "",
            crime_type=row["Crime type"][:80], last_outcome=(row["Last outcome category"] or "")[:200],
            context=row["Context"] or "",
        ))
    return rows


@transaction.atomic
def import_file(actor: Actor, name: str, text: str) -> tuple[int, int]:
    """Import one file: (rows read, rows new). A row already imported is not added again."""
    rows = read_rows(text)
    before = RecordedCrime.objects.count()
    RecordedCrime.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    added = RecordedCrime.objects.count() - before
    record(Action.IMPORT, actor=actor, object_type="incidents.recordedcrime", object_repr=name,
           detail={"rows": len(rows), "new": added})
    return len(rows), added


@dataclass(frozen=True)
class NearSite:
    site: Any
    total: int
    by_type: list[tuple[str, int]]


def near_sites(sites: list[Any], radius: float = RADIUS_METRES) -> tuple[list[NearSite], date | None]:
    """Recorded crime within `radius` metres of each site over the latest 12 months of data."""
    latest = RecordedCrime.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return [NearSite(site, 0, []) for site in sites], None
    first = date(latest.year - (1 if latest.month < MONTHS else 0), (latest.month - MONTHS) % 12 + 1, 1)
    found = []
    dlat = radius / 111_000
    for site in sites:
        dlon = dlat / max(0.1, abs(math.cos(math.radians(site.latitude))))
        rows = RecordedCrime.objects.filter(
            month__gte=first, latitude__range=(site.latitude - dlat, site.latitude + dlat),
            longitude__range=(site.longitude - dlon, site.longitude + dlon),
        ).values_list("latitude", "longitude", "crime_type")
        counts: Counter[str] = Counter(
            kind for lat, lon, kind in rows
            if lat is not None and lon is not None and metres_between(site.latitude, site.longitude, lat, lon) <= radius
        )
        found.append(NearSite(site, sum(counts.values()), counts.most_common(3)))
    return found, latest
