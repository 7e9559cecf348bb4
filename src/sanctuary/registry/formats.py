"""The CSV and GeoJSON site files, read into rows of raw values and cleaned value by value.

Plain Python: nothing here touches the database. OpenStreetMap's tags (an overpass-turbo
"export GeoJSON" of amenity=place_of_worship) are mapped onto our columns here; matching rows to
sites and validating them against the model happens in sanctuary.registry.transfer.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sanctuary.registry.models import Faith, SiteStatus
from sanctuary.spreadsheet_cells import read_cell


class FileFormat(StrEnum):
    CSV = "csv"
    GEOJSON = "geojson"


FORMATS = tuple(fmt.value for fmt in FileFormat)
COLUMNS = (
    "external_id",
    "name",
    "faith",
    "denomination",
    "address",
    "postcode",
    "area",
    "ward",
    "latitude",
    "longitude",
    "capacity",
    "typical_peak_attendance",
    "operator",
    "status",
    "notes",
)
REQUIRED_COLUMNS = ("name", "faith", "address", "latitude", "longitude")
TEXT_COLUMNS = (
    "external_id",
    "name",
    "denomination",
    "address",
    "postcode",
    "area",
    "ward",
    "operator",
    "notes",
)

# Our faith values, their labels, and OpenStreetMap's religion=* values for the same faiths.
FAITH_WORDS: dict[str, str] = {
    **{faith.value: faith.value for faith in Faith},
    **{faith.label.lower(): faith.value for faith in Faith},
    "muslim": Faith.ISLAM,
    "islamic": Faith.ISLAM,
    "christian": Faith.CHRISTIANITY,
    "jewish": Faith.JUDAISM,
    "sikh": Faith.SIKHISM,
    "hindu": Faith.HINDUISM,
    "buddhist": Faith.BUDDHISM,
}
# Other OpenStreetMap religions become "other", with the religion kept as the denomination.
OTHER_RELIGIONS: dict[str, str] = {
    "bahai": "Bahá'í",
    "jain": "Jain",
    "zoroastrian": "Zoroastrian",
    "taoist": "Taoist",
    "shinto": "Shinto",
    "confucian": "Confucian",
    "spiritualist": "Spiritualist",
    "unitarian_universalist": "Unitarian Universalist",
    "pagan": "Pagan",
    "rastafarian": "Rastafarian",
    "multifaith": "Multifaith",
}
# OpenStreetMap denomination=* values whose readable form is not just the words capitalised.
DENOMINATIONS: dict[str, str] = {
    "shia": "Shia",
    "sunni": "Sunni",
    "ahmadiyya": "Ahmadiyya",
    "roman_catholic": "Roman Catholic",
    "greek_orthodox": "Greek Orthodox",
    "russian_orthodox": "Russian Orthodox",
    "church_of_england": "Church of England",
    "church_of_scotland": "Church of Scotland",
    "united_reformed": "United Reformed",
    "seventh_day_adventist": "Seventh-day Adventist",
    "jehovahs_witness": "Jehovah's Witnesses",
    "latter_day_saints": "Latter-day Saints",
    "mormon": "Latter-day Saints",
    "nondenominational": "Non-denominational",
    "iskcon": "ISKCON",
}
STATUS_WORDS = {s.value: s.value for s in SiteStatus} | {
    s.label.lower(): s.value for s in SiteStatus
}


# --- What an import says back -------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One thing wrong: where (row or feature as a person counts them; None for the whole file),
    which column, and why."""

    row: int | None
    field: str
    reason: str
    unit: str = "row"

    def __str__(self) -> str:
        place = f"{self.unit} {self.row}" if self.row is not None else ""
        where = ", ".join(part for part in (place, self.field) if part)
        return f"{where}: {self.reason}" if where else self.reason


class ImportRefused(Exception):
    """The file was refused whole; `errors` says what is wrong where. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        rows = {e.row for e in errors if e.row is not None}
        unit = errors[0].unit if errors else "row"
        if rows:
            problem = (
                f"1 {unit} has errors" if len(rows) == 1 else f"{len(rows)} {unit}s have errors"
            )
        else:
            problem = "the file cannot be imported as it is"
        super().__init__(f"file refused: {problem}; nothing was written")


# --- Reading the file ----------------------------------------------------------------------------


@dataclass
class Record:
    """One row or feature as read: column -> raw value, for the columns the source provides."""

    number: int
    values: dict[str, Any]
    osm: bool = False
    unit: str = "row"  # what a person calls it: a CSV row, a GeoJSON feature
    errors: list[RowError] = field(default_factory=list)


def refuse(reason: str, field_name: str = "") -> ImportRefused:
    return ImportRefused([RowError(None, field_name, reason)])


def describe_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


# The encodings a file may be read in: UTF-8 by default; Windows-1252 is what Excel on Windows
# writes for "CSV (Comma delimited)", read only when the person says so (the bytes alone cannot
# tell it from other single-byte encodings).
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (Excel on Windows)"}


class NotUtf8(ImportRefused):
    """The file is not UTF-8; it may well be Windows-1252, which the person can confirm."""


def decode(data: bytes, encoding: str = "utf-8") -> str:
    if encoding not in ENCODINGS:
        raise refuse(f"unknown encoding {encoding!r}: use utf-8 or cp1252")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8) and try again")
    if encoding == "cp1252":
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise refuse(
                f"the file is not Windows-1252 either: byte 0x{data[error.start]:02X} at offset "
                f"{error.start:,} is not a character there"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NotUtf8(
            [
                RowError(
                    None,
                    "",
                    f"the file is not UTF-8: byte 0x{data[error.start]:02X} at offset "
                    f"{error.start:,} (line {line}) cannot be read. If it was saved by Excel on "
                    "Windows, read it as Windows-1252 (on the import page, tick that box; on the "
                    "command line, --encoding cp1252); or save it as UTF-8 (in Excel: CSV UTF-8)",
                )
            ]
        ) from None


def detect_format(fmt: str | None, filename: str, text: str) -> FileFormat:
    if fmt:
        if fmt.lower() not in FORMATS:
            raise refuse(f"unknown format {fmt!r}: use csv or geojson")
        return FileFormat(fmt.lower())
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        return FileFormat.CSV
    if suffix in ("geojson", "json"):
        return FileFormat.GEOJSON
    return FileFormat.GEOJSON if text.lstrip().startswith("{") else FileFormat.CSV


def read_csv(text: str, max_rows: int) -> tuple[list[Record], list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # a tie (none of them) keeps the comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
        repeated = sorted({name for name in header if name and header.count(name) > 1})
        if repeated:
            raise refuse(f"repeated in the header: {', '.join(repeated)}", "columns")
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise refuse(
                f"missing required columns: {', '.join(missing)}"
                f" (found: {', '.join(n for n in header if n) or 'none'})",
                "columns",
            )
        ignored = [name for name in header if name and name not in COLUMNS]
        # Spreadsheets count every line, blank ones too; the header is row 1.
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= max_rows:
                raise refuse(f"the file has more than {max_rows:,} rows: split it")
            item = Record(number, {})
            if len(cells) > len(header):
                item.errors.append(
                    RowError(
                        number,
                        "",
                        f"has {len(cells)} values but the header has {len(header)} columns"
                        " (a comma inside a value needs quotes)",
                    )
                )
            for name, cell in zip(header, cells, strict=False):
                if name in COLUMNS:
                    item.values[name] = cell
            for name in header[len(cells) :]:
                if name in COLUMNS:
                    item.values[name] = ""
            records.append(item)
    except csv.Error as error:
        raise refuse(f"the file is not valid CSV near line {reader.line_num}: {error}") from None
    if not records:
        raise refuse("the file has a header but no rows of sites")
    return records, ignored


def read_geojson(text: str, max_rows: int) -> list[Record]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise refuse(
            f"the file is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise refuse("the file is nested too deeply to be GeoJSON") from None
    except ValueError as error:  # Python refuses integers of over 4,300 digits
        raise refuse(f"the file holds a number too long to read: {error}") from None
    kind = document.get("type") if isinstance(document, dict) else type(document).__name__
    if kind != "FeatureCollection":
        raise refuse(f"the file is not a GeoJSON FeatureCollection (found {kind!r})")
    features = document.get("features")
    if not isinstance(features, list):
        raise refuse("the FeatureCollection has no list of features")
    if not features:
        raise refuse("the FeatureCollection has no features")
    if len(features) > max_rows:
        raise refuse(f"the file has {len(features):,} features, more than {max_rows:,}: split it")
    return [_feature_record(number, feature) for number, feature in enumerate(features, start=1)]


def _feature_record(number: int, feature: Any) -> Record:
    def refused(field_name: str, reason: str) -> Record:
        return Record(
            number, {}, unit="feature", errors=[RowError(number, field_name, reason, "feature")]
        )

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return refused("", "is not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return refused("properties", "is not an object")
    try:
        longitude, latitude = _centre(feature.get("geometry"))
    except ValueError as error:
        return refused("geometry", str(error))
    if "faith" in properties:  # one of our own exports
        values = {k: v for k, v in properties.items() if k in COLUMNS}
        item = Record(number, values, unit="feature")
    else:
        item = Record(number, _osm_values(feature, properties), osm=True, unit="feature")
    item.values["latitude"], item.values["longitude"] = latitude, longitude
    return item


def _centre(geometry: Any) -> tuple[float, float]:
    """A Point's coordinates; for a Polygon or MultiPolygon (an OpenStreetMap way or relation),
    the mean of the outer rings' corners: close enough to stand a patrol outside."""
    if not isinstance(geometry, dict):
        raise ValueError("is missing: every site needs a location")
    kind = geometry.get("type")
    coordinates: Any = geometry.get("coordinates")
    try:
        if kind == "Point":
            points = [coordinates]
        elif kind == "Polygon":
            points = _ring(coordinates[0])
        elif kind == "MultiPolygon":
            points = [point for polygon in coordinates for point in _ring(polygon[0])]
        else:
            raise ValueError(f"{kind} is not supported: use Point, Polygon or MultiPolygon")
        pairs = [(_number(point[0]), _number(point[1])) for point in points]
    except (TypeError, IndexError, KeyError) as error:
        raise ValueError(f"the {kind} coordinates are not valid GeoJSON") from error
    if not pairs:
        raise ValueError(f"the {kind} has no coordinates")
    longitude = round(math.fsum(p[0] for p in pairs) / len(pairs), 7)
    latitude = round(math.fsum(p[1] for p in pairs) / len(pairs), 7)
    return longitude, latitude


def _ring(ring: list[Any]) -> list[Any]:
    return ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    try:
        return float(value)
    except OverflowError:  # an integer of hundreds of digits
        raise ValueError(f"a coordinate of {len(str(value))} digits is out of range") from None


def _osm_values(feature: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """Our columns from OpenStreetMap tags (overpass-turbo's export, or osmtogeojson's nesting)."""
    nested = properties.get("tags")
    tags = {**properties, **nested} if isinstance(nested, dict) else properties
    values: dict[str, Any] = {"name": tags.get("name"), "faith": tags.get("religion")}
    # The element's own type and id, before the tags (a relation's tags say type=multipolygon).
    osm_id = properties.get("@id") or feature.get("id") or properties.get("id")
    if isinstance(osm_id, int) and properties.get("type") in ("node", "way", "relation"):
        osm_id = f"{properties['type']}/{osm_id}"
    if osm_id:
        osm_id = str(osm_id)
        values["external_id"] = osm_id if osm_id.startswith("osm:") else f"osm:{osm_id}"
    if tags.get("denomination"):
        values["denomination"] = "; ".join(
            _denomination(part) for part in str(tags["denomination"]).split(";") if part.strip()
        )
    address = _osm_address(tags)
    if address:
        values["address"] = address
    for tag, column in (
        ("addr:postcode", "postcode"),
        ("capacity", "capacity"),
        ("operator", "operator"),
    ):
        if tags.get(tag) not in (None, ""):
            values[column] = tags[tag]
    return values


def _denomination(value: str) -> str:
    value = value.strip()
    if value in DENOMINATIONS:
        return DENOMINATIONS[value]
    return " ".join(word.capitalize() for word in value.replace("_", " ").split())


def _osm_address(tags: dict[str, Any]) -> str:
    if tags.get("addr:full"):
        return str(tags["addr:full"]).strip()
    street = " ".join(
        str(tags[k]).strip() for k in ("addr:housenumber", "addr:street") if tags.get(k)
    )
    parts = [tags.get("addr:housename"), street, tags.get("addr:place"), tags.get("addr:city")]
    return ", ".join(str(part).strip() for part in parts if part)


# --- Cleaning values -----------------------------------------------------------------------------


class Bad(ValueError):
    """A value that cannot be used; the message says why, for a person."""


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Bad("is not text")
    text = str(value).strip()
    if "\x00" in text:
        raise Bad("contains a NUL character (\\x00), which no text may hold")
    return read_cell(text)


def _coordinate(value: Any, low: int, high: int) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = repr(value) if len(str(value)) < 40 else f"a number of {len(str(value))} digits"
        try:
            number = float(value)
        except OverflowError:
            raise Bad(f"{shown} is out of range ({low} to {high})") from None
    else:
        shown = clean_text(value)
        if not shown:
            raise Bad("is empty")
        try:
            number = float(shown)
        except ValueError:
            raise Bad(f"{shown!r} is not a number") from None
    if not math.isfinite(number):
        raise Bad(f"{shown} is not a number")
    if not low <= number <= high:
        raise Bad(f"{shown} is out of range ({low} to {high})")
    return number


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = clean_text(value)
        if not text:
            return None
        if not re.fullmatch(r"-?[0-9]+", text):
            raise Bad(f"{text!r} is not a whole number")
        if len(text) > 18:
            raise Bad(f"a number of {len(text)} digits is too large")
        number = int(text)
    if number < 0:
        raise Bad(f"{number} is negative")
    return number


def clean_faith(value: Any) -> tuple[str, str]:
    """The faith, and a denomination it implies (for religions we file under "other")."""
    word = clean_text(value).lower().replace(" ", "_")
    if word in FAITH_WORDS:
        return FAITH_WORDS[word], ""
    if word in OTHER_RELIGIONS:
        return Faith.OTHER, OTHER_RELIGIONS[word]
    allowed = ", ".join(Faith.values)
    if not word:
        raise Bad(f"is empty; use one of: {allowed}")
    raise Bad(f"{clean_text(value)!r} is not a faith Sanctuary knows; use one of: {allowed}")


def _status(value: Any) -> str:
    word = clean_text(value).lower()
    if not word:
        return SiteStatus.ACTIVE
    if word not in STATUS_WORDS:
        raise Bad(f"{clean_text(value)!r} is not a status; use active or closed")
    return STATUS_WORDS[word]


CLEANERS = {
    "name": clean_text,
    "denomination": clean_text,
    "address": clean_text,
    "postcode": clean_text,
    "area": clean_text,
    "ward": clean_text,
    "notes": clean_text,
    "latitude": lambda value: _coordinate(value, -90, 90),
    "longitude": lambda value: _coordinate(value, -180, 180),
    "capacity": _count,
    "typical_peak_attendance": _count,
    "status": _status,
}
# How an OpenStreetMap user knows our columns.
OSM_LABELS = {
    "faith": "religion",
    "postcode": "addr:postcode",
    "address": "addr:*",
    "external_id": "@id",
}
