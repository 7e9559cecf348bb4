"""Importing sites from CSV and GeoJSON: sanctuary.registry.transfer.import_sites and /sites/import/.

A file is imported whole or not at all; re-importing updates by external id.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctuary.access.actor import Actor, Channel
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.registry.models import Faith, Site, SiteStatus
from sanctuary.registry.transfer import ImportRefused, import_sites

DATA = Path(__file__).parent / "data"

HEADER = (
    "external_id,name,faith,address,latitude,longitude,capacity,typical_peak_attendance,operator"
)


def run(data: bytes | str, filename: str = "sites.csv", **options) -> object:
    """Import as the operator's command line does, or as `actor` (a person) does."""
    if isinstance(data, str):
        data = data.encode()
    options.setdefault("fmt", None)
    options.setdefault("default_operator_name", None)
    options.setdefault("dry_run", False)
    person = options.pop("actor", None)
    actor = Actor.system("test") if person is None else Actor.person(person, Channel.PAGE)
    return import_sites(actor, data, filename=filename, **options)


def refusal(data: bytes | str, filename: str = "sites.csv", **options) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        run(data, filename, **options)
    return caught.value


# --- Valid files ---------------------------------------------------------------------------------


def test_it_creates_a_site_for_each_row_of_a_valid_csv(transfer_cast):
    report = run((DATA / "sites.csv").read_bytes())

    assert report.summary() == "Imported sites.csv: 3 created, 0 updated, 0 unchanged."
    assert [c.external_id for c in report.created] == [
        "council:RV-101",
        "council:RV-102",
        "council:SB-201",
    ]
    hall = Site.objects.get(external_id="council:RV-102")
    assert hall.name == "Riverside Sisters' Hall"
    assert hall.faith == Faith.ISLAM  # "Islam", the label, is accepted
    assert (hall.latitude, hall.longitude) == (51.5121, -0.0650)
    assert (hall.capacity, hall.typical_peak_attendance) == (200, 150)
    assert hall.operator == transfer_cast.org_a
    assert hall.status == SiteStatus.ACTIVE  # an empty status is active
    church = Site.objects.get(external_id="council:SB-201")
    assert church.address == "St Brigid's Close, Bow"
    assert church.operator == transfer_cast.org_b
    assert church.typical_peak_attendance is None


def test_reimporting_updates_by_external_id_instead_of_duplicating(transfer_cast):
    original = (DATA / "sites.csv").read_text()
    run(original)

    again = run(original)
    assert again.summary() == "Imported sites.csv: 0 created, 0 updated, 3 unchanged."

    changed = original.replace(
        "Sunni,3 Dock Street,E1 8AA,Whitechapel,51.5121,-0.0650,200,150",
        "Sunni,3 Dock Street,E1 8AA,Whitechapel,51.5121,-0.0650,260,150",
    )
    report = run(changed)
    assert report.summary() == "Imported sites.csv: 0 created, 1 updated, 2 unchanged."
    assert [(c.external_id, c.fields) for c in report.updated] == [
        ("council:RV-102", ("capacity",))
    ]
    assert Site.objects.count() == 3
    assert Site.objects.get(external_id="council:RV-102").capacity == 260


def test_rows_without_an_external_id_always_create(transfer_cast):
    text = (
        f"{HEADER}\n,Pop-up Prayer Room,islam,2 Dock Street,51.51,-0.06,,,Riverside Mosque Trust\n"
    )
    run(text)
    run(text)
    assert Site.objects.filter(name="Pop-up Prayer Room").count() == 2


def test_a_dry_run_reports_what_would_change_and_writes_nothing(registered_sites: list[Site]):
    text = (
        f"{HEADER}\n"
        "council:RV-001,Riverside Central Mosque,islam,1 Dock Street London,51.5123,-0.0654,950,700,Riverside Mosque Trust\n"
        "council:RV-009,Riverside Youth Centre,islam,9 Dock Street,51.5111,-0.0611,80,,Riverside Mosque Trust\n"
        'osm:way/4242,St Brigid\'s Church,christianity,"1 Dock Street, London",51.5301,-0.0201,250,,Parish of St Brigid\n'
    )
    report = run(text, dry_run=True)

    assert report.summary() == "Dry run: 1 to create, 1 to update, 1 unchanged. Nothing written."
    assert [(c.row, c.name) for c in report.created] == [(3, "Riverside Youth Centre")]
    assert [(c.row, c.fields) for c in report.updated] == [(2, ("address", "capacity"))]
    assert [c.external_id for c in report.unchanged] == ["osm:way/4242"]
    assert Site.objects.count() == 3
    assert Site.objects.get(external_id="council:RV-001").capacity == 900
    assert not AuditEvent.objects.exists()


def test_an_update_leaves_alone_the_columns_the_file_does_not_have(registered_sites: list[Site]):
    text = "external_id,name,faith,address,latitude,longitude\ncouncil:RV-001,Riverside Central Mosque,islam,1 Dock Street London,51.5123,-0.0654\n"
    report = run(text)

    assert [c.fields for c in report.updated] == [("address",)]
    site = Site.objects.get(external_id="council:RV-001")
    assert (site.capacity, site.denomination, site.operator) == (
        900,
        "Sunni",
        registered_sites[0].operator,
    )


def test_headers_are_trimmed_and_case_insensitive_and_a_byte_order_mark_is_read(transfer_cast):
    text = " NAME , Faith ,Address,LATITUDE,longitude ,Operator\nBow Gurdwara,sikh,5 Bow Road,51.527,-0.02,Parish of St Brigid\n"
    run(b"\xef\xbb\xbf" + text.encode())
    assert Site.objects.get().faith == Faith.SIKHISM


def test_unknown_columns_are_ignored_and_named_in_the_report(transfer_cast):
    text = "name,faith,address,latitude,longitude,operator,website\nBow Gurdwara,sikh,5 Bow Road,51.527,-0.02,Parish of St Brigid,https://example.org\n"
    report = run(text, dry_run=True)
    assert report.ignored_columns == ["website"]
    assert "Ignored columns: website." in report.summary()


def test_the_default_operator_runs_new_sites_whose_row_names_none(transfer_cast):
    text = "name,faith,address,latitude,longitude\nBow Gurdwara,sikh,5 Bow Road,51.527,-0.02\n"
    run(text, default_operator_name="parish of st brigid")
    assert Site.objects.get().operator == transfer_cast.org_b


# --- Refused files: nothing is written -----------------------------------------------------------

GOOD_ROW = "council:X-1,Good Mosque,islam,1 Good Street,51.5,-0.05,300,200,Riverside Mosque Trust"

REFUSED_CSV = {
    "latitude out of range": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,95.2,-0.05,300,200,Riverside Mosque Trust\n",
        "row 3, latitude: 95.2 is out of range (-90 to 90)",
    ),
    "longitude not a number": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,west,300,200,Riverside Mosque Trust\n",
        "row 3, longitude: 'west' is not a number",
    ),
    "unknown faith": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Grove,druidry,2 Oak Lane,51.5,-0.05,,,Riverside Mosque Trust\n",
        "row 3, faith: 'druidry' is not a faith Sanctuary knows; use one of: islam, christianity, judaism, sikhism, hinduism, buddhism, other",
    ),
    "non-numeric capacity": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,-0.05,about 200,,Riverside Mosque Trust\n",
        "row 3, capacity: 'about 200' is not a whole number",
    ),
    "negative attendance": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,-0.05,,-4,Riverside Mosque Trust\n",
        "row 3, typical_peak_attendance: -4 is negative",
    ),
    "duplicate external id": (
        f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n",
        "row 3, external_id: 'council:X-1' is also on row 2",
    ),
    "unknown operator": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,-0.05,,,Nobody Trust\n",
        "row 3, operator: no organisation is called 'Nobody Trust'",
    ),
    "operator not a faith organisation": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,-0.05,,,East Division Police\n",
        "row 3, operator: 'East Division Police' is a police unit, not a faith organisation",
    ),
    "no operator and no default": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,-0.05,,,\n",
        "row 3, operator: no operator named and no default operator given",
    ),
    "empty address": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,,51.5,-0.05,,,Riverside Mosque Trust\n",
        "row 3, address: is empty; every site needs an address",
    ),
    "model validation: attendance above capacity": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street,51.5,-0.05,100,500,Riverside Mosque Trust\n",
        "row 3, typical_peak_attendance: Typical peak attendance (500) is more than the capacity (100).",
    ),
    "model validation: name too long": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,{'N' * 201},islam,2 Bad Street,51.5,-0.05,,,Riverside Mosque Trust\n",
        "row 3, name: Ensure this value has at most 200 characters (it has 201).",
    ),
    "too many values": (
        f"{HEADER}\n{GOOD_ROW}\ncouncil:X-2,Bad Mosque,islam,2 Bad Street, Bow,51.5,-0.05,,,Riverside Mosque Trust\n",
        "row 3: has 10 values but the header has 9 columns (a comma inside a value needs quotes)",
    ),
    "unknown Sanctuary id": (
        f"{HEADER}\n{GOOD_ROW}\nsanctuary:99999,Bad Mosque,islam,2 Bad Street,51.5,-0.05,,,Riverside Mosque Trust\n",
        "row 3, external_id: no site has the Sanctuary id '99999'",
    ),
    "missing columns": (
        "name,faith,address,operator\nGood Mosque,islam,1 Good Street,Riverside Mosque Trust\n",
        "columns: missing required columns: latitude, longitude (found: name, faith, address, operator)",
    ),
    "header only": (f"{HEADER}\n", "the file has a header but no rows of sites"),
    "empty file": ("", "the file is empty"),
    "blank file": ("\n \n", "the file is empty"),
}


@pytest.mark.parametrize("case", REFUSED_CSV, ids=list(REFUSED_CSV))
def test_it_refuses_a_malformed_csv_whole_naming_the_row_and_field(case: str, transfer_cast):
    text, expected = REFUSED_CSV[case]

    refused = refusal(text)

    messages = [str(error) for error in refused.errors]
    assert any(message.startswith(expected) for message in messages), messages
    assert not Site.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_file_with_one_bad_row_and_writes_nothing(transfer_cast):
    text = (DATA / "sites.csv").read_text().replace("51.5121,-0.0650", "95.2,-0.0650")

    refused = refusal(text)

    assert str(refused) == "file refused: 1 row has errors; nothing was written"
    assert [str(e) for e in refused.errors] == ["row 3, latitude: 95.2 is out of range (-90 to 90)"]
    assert not Site.objects.exists()


def test_it_lists_every_bad_row_not_just_the_first(transfer_cast):
    text = f"{HEADER}\n,A,islam,1 St,91,0,,,Riverside Mosque Trust\n,B,voodoo,1 St,51.5,-0.05,,,Riverside Mosque Trust\n,C,islam,1 St,51.5,-0.05,x,,Riverside Mosque Trust\n"
    refused = refusal(text)
    assert str(refused) == "file refused: 3 rows have errors; nothing was written"
    assert [(e.row, e.field) for e in refused.errors] == [
        (2, "latitude"),
        (3, "faith"),
        (4, "capacity"),
    ]


def test_a_refused_update_leaves_the_existing_site_as_it_was(registered_sites: list[Site]):
    text = (
        f"{HEADER}\n"
        "council:RV-001,Riverside Central Mosque,islam,1 Dock Street,51.5123,-0.0654,950,700,Riverside Mosque Trust\n"
        ",New Hall,islam,2 Dock Street,51.5,-0.05,ten,,Riverside Mosque Trust\n"
    )
    refusal(text)
    assert Site.objects.get(external_id="council:RV-001").capacity == 900
    assert Site.objects.count() == 3


def test_it_refuses_a_file_that_is_not_utf8_naming_the_byte_offset(transfer_cast):
    data = f"{HEADER}\n,Café Chapel,christianity,1 Rue,51.5,-0.05,,,Parish of St Brigid\n".encode(
        "cp1252"
    )
    offset = data.index(b"\xe9")

    refused = refusal(data)

    assert str(refused) == "file refused: the file cannot be imported as it is; nothing was written"
    assert str(refused.errors[0]).startswith(
        f"the file is not UTF-8: byte 0xE9 at offset {offset} (line 2)"
    )
    assert not Site.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(transfer_cast, settings):
    settings.SANCTUARY_IMPORT_MAX_BYTES = 200
    data = (DATA / "sites.csv").read_bytes()

    refused = refusal(data)

    assert str(refused.errors[0]).startswith(
        f"the file is {len(data):,} bytes; the largest accepted is 200 bytes"
    )


def test_it_refuses_a_file_with_more_rows_than_the_cap(transfer_cast, settings):
    settings.SANCTUARY_IMPORT_MAX_ROWS = 2
    refused = refusal((DATA / "sites.csv").read_bytes())
    assert str(refused.errors[0]) == "the file has more than 2 rows: split it"
    assert not Site.objects.exists()


def test_it_refuses_an_unknown_default_operator(transfer_cast):
    refused = refusal((DATA / "sites.csv").read_bytes(), default_operator_name="Nobody Trust")
    assert str(refused.errors[0]) == "default operator: no organisation is called 'Nobody Trust'"


# --- GeoJSON and OpenStreetMap -------------------------------------------------------------------


def test_an_openstreetmap_export_imports_with_mapped_faith_denomination_and_ids(transfer_cast):
    data = (DATA / "osm_places_of_worship.geojson").read_bytes()

    report = run(data, "export.geojson", default_operator_name="Riverside Mosque Trust")

    assert report.summary() == "Imported export.geojson: 5 created, 0 updated, 0 unchanged."
    masjid = Site.objects.get(external_id="osm:node/5550001")
    assert (masjid.name, masjid.faith, masjid.denomination) == (
        "Tallow Yard Masjid",
        Faith.ISLAM,
        "Sunni",
    )
    assert (masjid.address, masjid.postcode, masjid.capacity) == (
        "12 Tallow Yard, London",
        "E1 1ZZ",
        1200,
    )
    assert (masjid.latitude, masjid.longitude) == (51.5179, -0.0648)  # a Point is [lon, lat]
    assert masjid.operator == transfer_cast.org_a  # no operator tag: the default
    church = Site.objects.get(external_id="osm:way/6660002")
    assert (church.faith, church.denomination) == (Faith.CHRISTIANITY, "Anglican")
    assert church.operator == transfer_cast.org_b  # the operator tag names a faith organisation
    assert church.latitude == pytest.approx(51.5301) and church.longitude == pytest.approx(-0.0201)
    gurdwara = Site.objects.get(external_id="osm:node/5550003")
    assert gurdwara.faith == Faith.SIKHISM
    assert gurdwara.address == "No address in OpenStreetMap; near 51.52510, -0.03350"
    chapel = Site.objects.get(external_id="osm:relation/7770004")
    assert chapel.denomination == "Seventh-day Adventist"
    assert chapel.address == "The Old Chapel, Sundial Lane"
    assert chapel.operator == transfer_cast.org_a  # "South England Conference" is not ours
    assert chapel.latitude == pytest.approx(51.5205) and chapel.longitude == pytest.approx(-0.0495)
    synagogue = Site.objects.get(external_id="osm:node/5550005")
    assert (synagogue.faith, synagogue.denomination) == (Faith.JUDAISM, "Orthodox")


def test_reimporting_an_openstreetmap_export_keeps_what_osm_does_not_say(transfer_cast):
    data = (DATA / "osm_places_of_worship.geojson").read_bytes()
    run(data, "export.geojson", default_operator_name="Riverside Mosque Trust")
    Site.objects.filter(external_id="osm:node/5550003").update(ward="Mile End", capacity=400)

    report = run(data, "export.geojson", default_operator_name="Parish of St Brigid")

    assert report.summary() == "Imported export.geojson: 0 created, 0 updated, 5 unchanged."
    gurdwara = Site.objects.get(external_id="osm:node/5550003")
    assert (gurdwara.ward, gurdwara.capacity, gurdwara.operator) == (
        "Mile End",
        400,
        transfer_cast.org_a,
    )


def feature(properties: dict, geometry: dict | None = None) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": geometry or {"type": "Point", "coordinates": [-0.05, 51.5]},
    }


def collection(*features: dict) -> str:
    import json

    return json.dumps({"type": "FeatureCollection", "features": list(features)})


GOOD_FEATURE = feature({"@id": "node/1", "name": "Good Mosque", "religion": "muslim"})

REFUSED_GEOJSON = {
    "invalid JSON": (
        '{"type": "FeatureCollection", "features": [',
        "the file is not valid JSON: Expecting value at line 1 column 44",
    ),
    "not a FeatureCollection": (
        '{"type": "Feature", "properties": {}}',
        "the file is not a GeoJSON FeatureCollection (found 'Feature')",
    ),
    "a list": ("[1, 2]", "the file is not a GeoJSON FeatureCollection (found 'list')"),
    "no features": (
        '{"type": "FeatureCollection", "features": []}',
        "the FeatureCollection has no features",
    ),
    "unknown religion": (
        collection(
            GOOD_FEATURE, feature({"@id": "node/2", "name": "Grove", "religion": "druidry"})
        ),
        "feature 2, religion: 'druidry' is not a faith Sanctuary knows",
    ),
    "no religion tag": (
        collection(GOOD_FEATURE, feature({"@id": "node/2", "name": "Hall"})),
        "feature 2, religion: is empty; use one of: islam,",
    ),
    "no name": (
        collection(GOOD_FEATURE, feature({"@id": "node/2", "religion": "christian"})),
        "feature 2, name: is empty; every site needs a name",
    ),
    "line geometry": (
        collection(
            GOOD_FEATURE,
            feature(
                {"@id": "way/2", "name": "Path", "religion": "christian"},
                {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            ),
        ),
        "feature 2, geometry: LineString is not supported: use Point, Polygon or MultiPolygon",
    ),
    "no geometry": (
        collection(
            GOOD_FEATURE,
            {"type": "Feature", "properties": {"name": "X", "religion": "sikh"}, "geometry": None},
        ),
        "feature 2, geometry: is missing: every site needs a location",
    ),
    "latitude out of range": (
        collection(
            GOOD_FEATURE,
            feature(
                {"@id": "node/2", "name": "Pole Chapel", "religion": "christian"},
                {"type": "Point", "coordinates": [0.1, 95.2]},
            ),
        ),
        "feature 2, latitude: 95.2 is out of range (-90 to 90)",
    ),
    "duplicate OSM id": (
        collection(GOOD_FEATURE, GOOD_FEATURE),
        "feature 2, @id: 'osm:node/1' is also on feature 1",
    ),
    "non-numeric capacity tag": (
        collection(
            GOOD_FEATURE,
            feature({"@id": "node/2", "name": "Hall", "religion": "hindu", "capacity": "lots"}),
        ),
        "feature 2, capacity: 'lots' is not a whole number",
    ),
}


@pytest.mark.parametrize("case", REFUSED_GEOJSON, ids=list(REFUSED_GEOJSON))
def test_it_refuses_a_malformed_geojson_whole_naming_the_feature_and_field(
    case: str, transfer_cast
):
    text, expected = REFUSED_GEOJSON[case]

    refused = refusal(text, "places.geojson", default_operator_name="Riverside Mosque Trust")

    messages = [str(error) for error in refused.errors]
    assert any(message.startswith(expected) for message in messages), messages
    assert not Site.objects.exists()


def test_other_religions_are_filed_under_other_with_the_religion_as_denomination(transfer_cast):
    run(
        collection(feature({"@id": "node/9", "name": "Jain Centre", "religion": "jain"})),
        "x.geojson",
        default_operator_name="Riverside Mosque Trust",
    )
    assert Site.objects.values_list("faith", "denomination").get() == (Faith.OTHER, "Jain")


def test_the_format_is_taken_from_the_content_when_the_name_does_not_say(transfer_cast):
    report = run(
        collection(GOOD_FEATURE),
        "upload",
        default_operator_name="Riverside Mosque Trust",
        dry_run=True,
    )
    assert report.fmt == "geojson"


# --- Audit ---------------------------------------------------------------------------------------


def test_a_real_import_writes_one_import_event_and_one_event_per_changed_site(
    registered_sites: list[Site], transfer_cast
):
    text = (
        f"{HEADER}\n"
        'council:RV-001,Riverside Central Mosque,islam,"1 Dock Street, London",51.5123,-0.0654,950,700,Riverside Mosque Trust\n'
        "council:RV-009,Riverside Youth Centre,islam,9 Dock Street,51.5111,-0.0611,80,,Riverside Mosque Trust\n"
        'osm:way/4242,St Brigid\'s Church,christianity,"1 Dock Street, London",51.5301,-0.0201,250,,Parish of St Brigid\n'
    )
    run(text, "october.csv", actor=transfer_cast.admin)

    imported = AuditEvent.objects.get(action=Action.IMPORT)
    assert imported.actor == transfer_cast.admin
    assert imported.object_repr == "october.csv"
    assert imported.detail | {} == {
        "filename": "october.csv",
        "format": "csv",
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "default_operator": "",
    }
    created = AuditEvent.objects.get(action=Action.CREATE)
    assert created.object_repr == "Riverside Youth Centre" and created.before is None
    assert created.after["external_id"] == "council:RV-009"
    updated = AuditEvent.objects.get(action=Action.UPDATE)
    assert updated.object_id == str(registered_sites[0].pk)
    assert [name for name, _, _ in updated.changed_fields() if name != "updated_at"] == ["capacity"]
    assert (updated.before["capacity"], updated.after["capacity"]) == (900, 950)
    assert AuditEvent.objects.count() == 3


# --- The import page -----------------------------------------------------------------------------


def upload(path=DATA / "sites.csv", name: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_the_import_page_is_only_for_programme_administrators(transfer_cast, client):
    for person in (transfer_cast.contact_a, transfer_cast.sergeant):
        assert transfer_cast.client_for(person).get("/sites/import/").status_code == 403
        response = transfer_cast.client_for(person).post(
            "/sites/import/", {"file": upload(), "action": "import"}
        )
        assert response.status_code == 403
    assert client.get("/sites/import/").status_code == 302  # to the login page
    assert transfer_cast.client_for(transfer_cast.admin).get("/sites/import/").status_code == 200
    assert not Site.objects.exists()


def test_checking_a_file_on_the_page_shows_the_report_and_writes_nothing(transfer_cast):
    admin = transfer_cast.client_for(transfer_cast.admin)

    response = admin.post("/sites/import/", {"file": upload(), "action": "check"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dry run: 3 to create, 0 to update, 0 unchanged. Nothing written." in page
    assert "Riverside Sisters&#x27; Hall" in page
    assert not Site.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def test_the_check_button_is_the_default_when_no_button_is_named(transfer_cast):
    transfer_cast.client_for(transfer_cast.admin).post("/sites/import/", {"file": upload()})
    assert not Site.objects.exists()


def test_importing_on_the_page_redirects_to_the_site_list_with_a_message(transfer_cast):
    admin = transfer_cast.client_for(transfer_cast.admin)

    response = admin.post("/sites/import/", {"file": upload(), "action": "import"}, follow=True)

    assert response.redirect_chain == [("/sites/", 302)]
    assert "Imported sites.csv: 3 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Site.objects.count() == 3
    assert AuditEvent.objects.get(action=Action.IMPORT).actor == transfer_cast.admin


def test_a_refused_file_on_the_page_shows_the_row_errors_and_keeps_nothing(transfer_cast, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text((DATA / "sites.csv").read_text().replace(",200,150,", ",two hundred,150,"))
    admin = transfer_cast.client_for(transfer_cast.admin)

    response = admin.post("/sites/import/", {"file": upload(bad), "action": "import"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="row-errors"' in page
    assert "file refused: 1 row has errors; nothing was written" in page
    assert (
        "<td>row 3</td><td>capacity</td><td>&#x27;two hundred&#x27; is not a whole number</td>"
        in page
    )
    assert not Site.objects.exists()


def test_the_default_operator_chosen_on_the_page_runs_new_sites(transfer_cast):
    admin = transfer_cast.client_for(transfer_cast.admin)
    response = admin.post(
        "/sites/import/",
        {
            "file": upload(DATA / "osm_places_of_worship.geojson"),
            "operator": transfer_cast.org_a.pk,
            "action": "import",
        },
    )
    assert response.status_code == 302
    assert Site.objects.filter(operator=transfer_cast.org_a).count() == 4


def test_the_page_refuses_a_file_over_the_size_limit_beside_the_field(transfer_cast, settings):
    settings.SANCTUARY_IMPORT_MAX_BYTES = 100
    response = transfer_cast.client_for(transfer_cast.admin).post(
        "/sites/import/", {"file": upload(), "action": "import"}
    )
    assert "the largest accepted is 100 bytes" in response.content.decode()
    assert not Site.objects.exists()


def test_osmtogeojson_nested_tags_are_read_with_the_elements_own_type_and_id(transfer_cast):
    nested = {
        "type": "Feature",
        "id": None,
        "properties": {
            "type": "relation",
            "id": 7770004,
            "tags": {
                "type": "multipolygon",
                "name": "Old Chapel",
                "religion": "christian",
                "denomination": "quaker",
            },
        },
        "geometry": {"type": "Point", "coordinates": [-0.05, 51.52]},
    }

    run(collection(nested), "nested.geojson", default_operator_name="Parish of St Brigid")

    site = Site.objects.get()
    assert (site.external_id, site.denomination) == ("osm:relation/7770004", "Quaker")


def test_a_semicolon_separated_file_is_read(transfer_cast):
    text = "name;faith;address;latitude;longitude;operator\nBow Gurdwara;sikh;5 Bow Road, Bow;51.527;-0.02;Parish of St Brigid\n"
    run(text)
    assert Site.objects.get().address == "5 Bow Road, Bow"


def test_it_refuses_a_repeated_column(transfer_cast):
    refused = refusal("name,faith,address,latitude,longitude,Name\nA,islam,1 St,51,0,B\n")
    assert [str(e) for e in refused.errors] == ["columns: repeated in the header: name"]


def test_it_refuses_absurdly_nested_json_with_a_message_not_a_crash(transfer_cast):
    refused = refusal("[" * 100_000 + "]" * 100_000, "deep.geojson")
    assert [str(e) for e in refused.errors] == ["the file is nested too deeply to be GeoJSON"]


def test_header_names_may_use_spaces_for_underscores(transfer_cast):
    text = "Name,Faith,Address,Latitude,Longitude,Capacity,Typical Peak Attendance,Operator\nBow Gurdwara,sikh,5 Bow Road,51.527,-0.02,300,250,Parish of St Brigid\n"
    run(text)
    assert Site.objects.get().typical_peak_attendance == 250


def test_the_import_function_itself_refuses_an_actor_who_may_not_import(transfer_cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run((DATA / "sites.csv").read_bytes(), actor=transfer_cast.contact_a)
    assert not Site.objects.exists()


def _point_file(coordinates: str) -> str:
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": ' + coordinates + '}, "properties": '
        '{"name": "X", "faith": "islam", "address": "1 St", "operator": "Parish of St Brigid"}}]}'
    )


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_coordinate_hundreds_of_digits_long_is_refused_not_a_crash(transfer_cast, digits):
    refused = refusal(_point_file(f"[{'9' * digits}, 51.5]"), "huge.geojson")
    assert len(refused.errors) == 1
    assert "number" in str(refused.errors[0]) or "range" in str(refused.errors[0])
    assert not Site.objects.exists()


def test_a_capacity_of_thousands_of_digits_is_refused_by_row_and_field(transfer_cast):
    refused = refusal(f"{HEADER}\nx1,A,islam,1 St,51.5,-0.05,{'9' * 5000},,Parish of St Brigid\n")
    assert [str(e) for e in refused.errors] == ["row 2, capacity: a number of 5000 digits is too large"]


def test_a_nul_character_in_a_cell_is_refused_by_row_and_field(transfer_cast):
    refused = refusal(f"{HEADER}\nx1,A\x00B,islam,1 St,51.5,-0.05,10,,Parish of St Brigid\n")
    assert [str(e) for e in refused.errors] == [
        "row 2, name: contains a NUL character (\\x00), which no text may hold"]
