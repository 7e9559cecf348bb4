"""Sites in and out of the registry as CSV or GeoJSON, including OpenStreetMap exports.

An import is all or nothing: every row is read and validated (the model's full_clean included)
before anything is written, and one bad row refuses the whole file with a list of what is wrong
where. Rows that carry an external id update the site with that id instead of adding another.
docs/import-export.md describes the formats for the people who prepare the files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.audit.models import Action
from sanctuary.audit.services import event, record, record_all, snapshot
from sanctuary.registry import geometry, policy
from sanctuary.registry.formats import (
    CLEANERS,
    COLUMNS,
    ENCODINGS,
    FORMATS,
    OSM_LABELS,
    TEXT_COLUMNS,
    Bad,
    FileFormat,
    ImportRefused,
    Record,
    RowError,
    clean_faith,
    clean_text,
    decode,
    describe_size,
    detect_format,
    read_csv,
    read_geojson,
    refuse,
)
from sanctuary.registry.models import Area, Organisation, OrganisationKind, Site
from sanctuary.spreadsheet_cells import safe_cell

DEFAULT_MAX_ROWS = 50_000
# Sites exported without an external id carry "sanctuary:<id>" so that the export re-imports onto
# the same sites. The prefix is reserved: it is never stored and never creates a site.
OWN_ID_PREFIX = "sanctuary:"
OWN_ID = re.compile(r"sanctuary:[0-9]{1,18}")

__all__ = [
    "COLUMNS",
    "ENCODINGS",
    "FORMATS",
    "ImportRefused",
    "ImportReport",
    "RowError",
    "SiteChange",
    "export_all_sites",
    "export_sites",
    "import_sites",
    "size_problem",
]


class Change(Enum):
    """What importing a row does to the registry."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SiteChange:
    row: int
    external_id: str
    name: str
    fields: tuple[str, ...] = ()  # for an update, the fields it changes


@dataclass
class ImportReport:
    filename: str
    fmt: str
    dry_run: bool
    created: list[SiteChange] = field(default_factory=list)
    updated: list[SiteChange] = field(default_factory=list)
    unchanged: list[SiteChange] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_operators: list[str] = field(default_factory=list)  # organisations the file brings

    def summary(self) -> str:
        created, updated, unchanged = len(self.created), len(self.updated), len(self.unchanged)
        ignored = (
            f" Ignored columns: {', '.join(self.ignored_columns)}." if self.ignored_columns else ""
        )
        if self.new_operators:
            count = len(self.new_operators)
            verb = "to create" if self.dry_run else "created"
            ignored = f" Organisations {verb}: {count}." + ignored
        if self.dry_run:
            return (
                f"Dry run: {created} to create, {updated} to update, {unchanged} unchanged."
                f" Nothing written.{ignored}"
            )
        return (
            f"Imported {self.filename}: {created} created, {updated} updated,"
            f" {unchanged} unchanged.{ignored}"
        )


def size_problem(size: int) -> str | None:
    """Why a file of this many bytes is refused, or None."""
    limit: int = settings.SANCTUARY_IMPORT_MAX_BYTES
    if size > limit:
        return (
            f"the file is {describe_size(size)}; the largest accepted is {describe_size(limit)}"
            " (SANCTUARY_IMPORT_MAX_BYTES): split it into smaller files"
        )
    return None


# --- Planning: match, clean, validate ------------------------------------------------------------

Fail = Callable[[str, str], None]  # (column, reason): note an error against the current row


@dataclass
class _Plan:
    number: int
    site: Site
    action: Change
    fields: tuple[str, ...] = ()
    before: dict[str, Any] | None = None
    site_updated_at: Any = None  # as read when the row was checked

    def __post_init__(self) -> None:
        if self.site.pk is not None and self.site_updated_at is None:
            self.site_updated_at = self.site.updated_at

    def change(self) -> SiteChange:
        return SiteChange(self.number, self.site.external_id or "", self.site.name, self.fields)


def _key(text: str) -> str:
    """How names are matched: without regard to case or spacing."""
    return " ".join(text.casefold().split())


class _Places:
    """The areas and their wards, read once for the whole file, and where a row's site goes."""

    def __init__(self, actor: Actor) -> None:
        self.areas = list(Area.objects.prefetch_related("wards"))
        self.by_key: dict[str, Area] = {}
        for area in self.areas:
            self.by_key[_key(area.name)] = area
            self.by_key[_key(area.code)] = area
        self.wards = {area.pk: {_key(w.name): w.name for w in area.wards.all()} for area in self.areas}
        self.allowed = set(policy.areas_for_sites(actor).values_list("pk", flat=True))
        self.outlined = [area for area in self.areas if area.boundary]

    def at(self, longitude: float, latitude: float) -> Area | None:
        near = (
            (area, area.boundary)
            for area in self.outlined
            if area.west <= longitude <= area.east and area.south <= latitude <= area.north  # type: ignore[operator]
        )
        return geometry.area_at(near, longitude, latitude)

    def area(self, named: str | None, values: dict[str, Any], site: Site | None, fail: Fail) -> Area | None:
        """The row's area: the one it names; else the one whose boundary holds its coordinates;
        else the site's own; else the only one the importer may use."""
        latitude = values.get("latitude", site.latitude if site else None)
        longitude = values.get("longitude", site.longitude if site else None)
        if latitude is None or longitude is None:
            return None  # the coordinates' own error says what is wrong
        found = self.at(longitude, latitude)
        if named:
            area = self.by_key.get(_key(named))
            if area is None:
                known = ", ".join(f"{a.name} ({a.code})" for a in self.areas) or "none yet"
                fail("area", f"{named!r} is not an area Sanctuary knows; the areas: {known}")
                return None
            if found is not None and found != area:
                fail("area", f"the coordinates are in {found.name}, not {area.name}")
                return None
        elif found is not None:
            area = found
        elif site is not None:
            area = site.area
        elif len(self.allowed) == 1:
            area = next(a for a in self.areas if a.pk in self.allowed)
        else:
            fail(
                "area",
                "say which area (a name or ONS code in an 'area' column): no boundary loaded "
                "holds these coordinates",
            )
            return None
        if area.pk not in self.allowed and (site is None or site.area_id != area.pk):
            fail("area", f"you may not put sites in {area.name}")
            return None
        return area

    def ward(self, area: Area, named: str, fail: Fail) -> str | None:
        """The ward's name as the area lists it, whatever its case and spacing in the file."""
        found = self.wards[area.pk].get(_key(named))
        if found is None:
            listed = sorted(self.wards[area.pk].values())
            shown = ", ".join(listed[:40]) + (" …" if len(listed) > 40 else "")
            fail("ward", f"{named!r} is not a ward of {area.name}; its wards: {shown or 'none listed'}")
        return found


class _Planner:
    def __init__(
        self,
        actor: Actor,
        records: list[Record],
        default_operator_name: str | None,
        create_operators: bool,
    ) -> None:
        self.places = _Places(actor)
        self.create_operators = create_operators
        self.new_operators: dict[str, Organisation] = {}  # by key, not yet saved
        self.organisations = {o.name.casefold(): o for o in Organisation.objects.all()}
        self.default: Organisation | None = None
        if default_operator_name:
            default = self.organisations.get(default_operator_name.strip().casefold())
            problem = self._operator_problem(default_operator_name, default)
            if problem:
                raise refuse(problem, "default operator")
            self.default = default
        ids = {_plain_id(r.values.get("external_id")) for r in records} - {""}
        own = {int(i[len(OWN_ID_PREFIX) :]) for i in ids if OWN_ID.fullmatch(i)}
        self.by_external_id = _sites_where("external_id", ids)
        self.by_pk = _sites_where("pk", own)
        self.seen_ids: dict[str, int] = {}
        self.seen_sites: dict[int, int] = {}

    @staticmethod
    def _operator_problem(name: str, organisation: Organisation | None) -> str | None:
        if organisation is None:
            return f"no organisation is called {name.strip()!r}"
        if organisation.kind != OrganisationKind.FAITH:
            kind = OrganisationKind(organisation.kind).label.lower()
            return f"{organisation.name!r} is a {kind}, not a faith organisation"
        return None

    def plan(self, item: Record) -> tuple[_Plan | None, list[RowError]]:
        if item.errors:
            return None, list(item.errors)
        found: list[tuple[int, RowError]] = []  # (column position, error): told in column order

        def fail(column: str, reason: str) -> None:
            label = OSM_LABELS.get(column, column) if item.osm else column
            position = COLUMNS.index(column) if column in COLUMNS else -1
            found.append((position, RowError(item.number, label, reason, item.unit)))

        def errors() -> list[RowError]:
            return [error for _, error in sorted(found, key=lambda pair: pair[0])]

        raw = item.values
        external_id = self._external_id(item, fail)
        site = self._match(item, external_id, fail)
        values: dict[str, Any] = {}
        for column in COLUMNS:
            if column in CLEANERS and column in raw:
                try:
                    values[column] = CLEANERS[column](raw[column])
                except Bad as bad:
                    fail(column, str(bad))
        for column in ("name", "address"):
            if column in values and not values[column]:
                fail(
                    column,
                    f"is empty; every site needs {'a name' if column == 'name' else 'an address'}",
                )
        if item.osm and site is None and "address" not in values and not found:
            values["address"] = (
                f"No address in OpenStreetMap; near {values['latitude']:.5f}, {values['longitude']:.5f}"
            )
        if "faith" in raw or site is None:
            try:
                values["faith"], implied = clean_faith(raw.get("faith"))
            except Bad as bad:
                fail("faith", str(bad))
            else:
                if implied and not values.get("denomination"):
                    values["denomination"] = implied
        operator = self._operator(item, site, fail)
        if operator is not None:
            values["operator"] = operator
        area = self.places.area(values.pop("area", None), values, site, fail)
        if area is not None:
            if site is None or area.pk != site.area_id:
                values["area"] = area
            if values.get("ward"):
                values["ward"] = self.places.ward(area, values["ward"], fail)
            elif site is not None and "area" in values and "ward" not in values:
                values["ward"] = ""  # the old area's ward is no ward of the new one
        if found:
            return None, errors()
        plan = self._apply(item.number, site, external_id, values)
        if plan.action is not Change.UNCHANGED:
            try:
                # the area and ward were checked above, against the areas read once
                plan.site.full_clean(exclude=["operator", "area", "ward"], validate_unique=False)
            except ValidationError as invalid:
                for column, messages in invalid.message_dict.items():
                    fail("" if column == "__all__" else column, " ".join(messages))
                return None, errors()
        return plan, []

    def _external_id(self, item: Record, fail: Fail) -> str | None:
        try:
            external_id = clean_text(item.values.get("external_id")) or None
        except Bad as bad:
            fail("external_id", str(bad))
            return None
        if external_id is None:
            return None
        if external_id in self.seen_ids:
            where = f"{item.unit} {self.seen_ids[external_id]}"
            fail("external_id", f"{external_id!r} is also on {where}")
        self.seen_ids.setdefault(external_id, item.number)
        return external_id

    def _match(self, item: Record, external_id: str | None, fail: Fail) -> Site | None:
        if external_id is None:
            return None
        if external_id.startswith(OWN_ID_PREFIX):
            key = external_id[len(OWN_ID_PREFIX) :]
            site = self.by_pk.get(int(key)) if OWN_ID.fullmatch(external_id) else None
            if site is None:
                fail(
                    "external_id",
                    f"no site has the Sanctuary id {key!r} (ids that start {OWN_ID_PREFIX!r}"
                    " name sites already in this registry)",
                )
        else:
            site = self.by_external_id.get(external_id)
        if site is not None:
            if site.pk in self.seen_sites:
                where = f"{item.unit} {self.seen_sites[site.pk]}"
                fail("external_id", f"names the same site as {where}")
            self.seen_sites.setdefault(site.pk, item.number)
        return site

    def _operator(self, item: Record, site: Site | None, fail: Fail) -> Organisation | None:
        """The row's operator; None keeps an existing site's operator."""
        try:
            name = clean_text(item.values.get("operator"))
        except Bad as bad:
            fail("operator", str(bad))
            return None
        if name:
            organisation = self.organisations.get(name.casefold())
            if organisation is None and self.create_operators and not item.osm:
                return self._new_operator(name)
            problem = self._operator_problem(name, organisation)
            if problem is None:
                return organisation
            if not item.osm:
                fail("operator", problem)
                return None
            # OpenStreetMap's operator tag is free text written by mappers: fall back below.
        if site is not None:
            return None
        if self.default is not None:
            return self.default
        fail("operator", "no operator named and no default operator given")
        return None

    def _new_operator(self, name: str) -> Organisation:
        """A faith organisation the file names and nobody has entered yet (a national
        directory's mosques are run by bodies of their own): made when the file is imported."""
        key = _key(name)
        if key not in self.new_operators:
            self.new_operators[key] = Organisation(name=name, kind=OrganisationKind.FAITH)
        return self.new_operators[key]

    @staticmethod
    def _apply(
        number: int, site: Site | None, external_id: str | None, values: dict[str, Any]
    ) -> _Plan:
        if site is None:
            site = Site(external_id=external_id)
            for name, value in values.items():
                setattr(site, name, value)
            return _Plan(number, site, Change.CREATE, tuple(values))
        changed = tuple(
            name for name, value in values.items() if _current(site, name) != _current_value(value)
        )
        if not changed:
            return _Plan(number, site, Change.UNCHANGED)
        before = snapshot(site)
        for name in changed:
            setattr(site, name, values[name])
        return _Plan(number, site, Change.UPDATE, changed, before)


def _plain_id(value: Any) -> str:
    try:
        return clean_text(value)
    except Bad:
        return ""  # reported against its row by _Planner.plan


def _current(site: Site, name: str) -> Any:
    return getattr(site, f"{name}_id") if name in ("operator", "area") else getattr(site, name)


def _current_value(value: Any) -> Any:
    return value.pk if isinstance(value, Organisation | Area) else value


def _sites_where(key: str, wanted: Iterable[Any]) -> dict[Any, Site]:
    """Sites by external id or pk, in chunks that keep under the database's parameter limit."""
    wanted = list(wanted)
    found: dict[Any, Site] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for site in Site.objects.select_related("operator").filter(**{f"{key}__in": chunk}):
            found[getattr(site, key)] = site
    return found


# --- Import --------------------------------------------------------------------------------------


PROGRESS_FROM_ROWS = 1000


def _quiet(message: str) -> None:
    pass


def import_sites(
    actor: Actor,
    data: bytes,
    *,
    filename: str,
    fmt: str | None,
    default_operator_name: str | None,
    dry_run: bool,
    progress: Callable[[str], None] = lambda message: None,
    create_operators: bool = False,
    encoding: str = "utf-8",
) -> ImportReport:
    """Import sites from CSV or GeoJSON bytes: all rows or none.

    Raises ImportRefused (nothing written) if the file or any row is wrong. A dry run reports
    what would change and writes nothing, the audit log included. `progress` hears each stage.
    """
    if not policy.may_import_sites(actor):
        raise PermissionDenied
    problem = size_problem(len(data))
    if problem:
        raise refuse(problem)
    text = decode(data, encoding)
    if not text.strip():
        raise refuse("the file is empty")
    fmt = detect_format(fmt, filename, text)
    max_rows: int = getattr(settings, "SANCTUARY_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    if fmt is FileFormat.CSV:
        records, ignored = read_csv(text, max_rows)
    else:
        records, ignored = read_geojson(text, max_rows), []
    report = ImportReport(filename, fmt, dry_run, ignored_columns=ignored)
    if len(records) < PROGRESS_FROM_ROWS:
        progress = _quiet  # a small file is done before anyone would read a stage
    progress(f"Read {len(records):,} rows; checking them…")
    # Reading and checking every row takes most of the time: it holds no lock, so that nobody
    # else's logins and edits wait behind a big file. Only the writing is one transaction.
    planner = _Planner(actor, records, default_operator_name, create_operators)
    plans: list[_Plan] = []
    errors: list[RowError] = []
    for item in records:
        plan, row_errors = planner.plan(item)
        errors.extend(row_errors)
        if plan is not None:
            plans.append(plan)
    if errors:
        raise ImportRefused(errors)
    lists = {
        Change.CREATE: report.created,
        Change.UPDATE: report.updated,
        Change.UNCHANGED: report.unchanged,
    }
    for plan in plans:
        lists[plan.action].append(plan.change())
    report.new_operators = sorted(o.name for o in planner.new_operators.values())
    if not dry_run:
        progress(f"Checked every row; writing {len(report.created) + len(report.updated):,} sites…")
        _write(actor, plans, report, default_operator_name)
    return report


@transaction.atomic
def _write(
    actor: Actor, plans: list[_Plan], report: ImportReport, default_operator_name: str | None
) -> None:
    """All the rows at once, in one short transaction, or none of them."""
    creates = [plan for plan in plans if plan.action is Change.CREATE]
    updates = [plan for plan in plans if plan.action is Change.UPDATE]
    _refuse_if_changed_meanwhile([plan for plan in plans if plan.action is not Change.CREATE])
    now = timezone.now()
    new_operators = {
        id(plan.site.operator): plan.site.operator
        for plan in creates + updates
        if plan.site.operator.pk is None
    }
    try:
        with transaction.atomic():
            Organisation.objects.bulk_create(new_operators.values(), batch_size=500)
    except IntegrityError:
        raise refuse(
            "an organisation the file names was added meanwhile: check the file and import it again"
        ) from None
    for plan in creates + updates:
        # set again, so that the site takes the id its new operator has only now
        plan.site.operator = plan.site.operator
    try:
        with transaction.atomic():  # a savepoint: an IntegrityError must not poison the rest
            Site.objects.bulk_create([plan.site for plan in creates], batch_size=500)
    except IntegrityError:
        raise refuse(
            "another import or edit added a site with one of these external ids meanwhile:"
            " check the file again and import it again"
        ) from None
    fields = sorted({name for plan in updates for name in plan.fields} | {"updated_at"})
    for plan in updates:
        plan.site.updated_at = now
    Site.objects.bulk_update([plan.site for plan in updates], fields, batch_size=500)
    # an operator works in the areas of its sites
    works_in = Organisation.areas.through
    pairs = {(plan.site.operator_id, plan.site.area_id) for plan in creates + updates}
    works_in.objects.bulk_create(
        [works_in(organisation_id=org, area_id=area) for org, area in pairs],
        ignore_conflicts=True,
        batch_size=500,
    )
    events = [
        event(
            Action.CREATE if plan.action is Change.CREATE else Action.UPDATE,
            actor=actor,
            obj=plan.site,
            before=plan.before,
            after=snapshot(plan.site),
            detail={"import": report.filename, "row": plan.number},
        )
        for plan in creates + updates
    ]
    events += [
        event(Action.CREATE, actor=actor, obj=organisation, after=snapshot(organisation),
              detail={"import": report.filename})
        for organisation in new_operators.values()
    ]
    events.append(
        event(
            Action.IMPORT,
            actor=actor,
            object_type="registry.site",
            object_repr=report.filename,
            detail={
                "filename": report.filename,
                "format": report.fmt,
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
                "default_operator": default_operator_name or "",
            },
        )
    )
    record_all(events)


def _refuse_if_changed_meanwhile(plans: list[_Plan]) -> None:
    """The rows were checked against the sites as they were; if one has been edited or removed
    since, the check no longer holds and nothing is written."""
    planned = {plan.site.pk: (plan.number, plan.site_updated_at) for plan in plans}
    current: dict[int, Any] = {}
    ids = list(planned)
    for start in range(0, len(ids), 500):
        current.update(
            Site.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "updated_at")
        )
    changed = sorted(number for pk, (number, at) in planned.items() if current.get(pk) != at)
    if changed:
        rows = ", ".join(str(n) for n in changed[:10]) + (" …" if len(changed) > 10 else "")
        raise refuse(
            f"sites on rows {rows} were changed by someone else while the file was being"
            " checked: import it again"
        )


# --- Export --------------------------------------------------------------------------------------


def _export_values(site: Site) -> dict[str, Any]:
    return {
        "external_id": site.external_id or f"{OWN_ID_PREFIX}{site.pk}",
        "name": site.name,
        "faith": site.faith,
        "denomination": site.denomination,
        "address": site.address,
        "postcode": site.postcode,
        "area": site.area.name,
        "ward": site.ward,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "capacity": site.capacity,
        "typical_peak_attendance": site.typical_peak_attendance,
        "operator": site.operator.name,
        "status": site.status,
        "notes": site.notes,
    }


def _csv_cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return safe_cell(text) if column in TEXT_COLUMNS else text


def _to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(column, row[column]) for column in COLUMNS])
    return out.getvalue()


def _to_geojson(rows: list[dict[str, Any]]) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")},
        }
        for row in rows
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def export_sites(
    actor: Actor,
    sites: QuerySet[Site],
    fmt: str,
    *,
    filters: Mapping[str, str] | None = None,
) -> str:
    """The given sites (already narrowed to what the reader may see) as CSV or GeoJSON text,
    with the columns an import reads. Contacts stay out: they are personal data. Audited."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    sites = sites.select_related("operator", "area").order_by("name", "pk")
    rows = [_export_values(site) for site in sites]
    text = _to_csv(rows) if fmt == FileFormat.CSV else _to_geojson(rows)
    record(
        Action.EXPORT,
        actor=actor,
        object_type="registry.site",
        object_repr=f"{len(rows)} sites as {fmt}",
        detail={
            "format": fmt,
            "count": len(rows),
            "filters": dict(filters or {}),
            # A bulk read of sensitive sites is a view of each of them.
            "sensitive_site_ids": [site.pk for site in sites if site.is_sensitive],
        },
    )
    return text


def export_all_sites(actor: Actor, fmt: str) -> str:
    """Every site the actor may see (the operator's command line sees every one)."""
    return export_sites(actor, policy.visible_sites(actor), fmt, filters={"scope": "all sites"})
