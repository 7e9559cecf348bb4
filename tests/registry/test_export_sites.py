"""Exporting sites: /sites/export.csv and /sites/export.geojson, and the round trip back in.

An export holds what its reader may see, narrowed by the list's filters, with the import's columns.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from sanctuary.access.actor import Actor, Channel
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.registry.models import Contact, Site
from sanctuary.registry.transfer import COLUMNS, import_sites


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def names_in(response, fmt: str) -> list[str]:
    if fmt == "csv":
        return [row["name"] for row in csv_rows(response)]
    return [f["properties"]["name"] for f in json.loads(response.content)["features"]]


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_a_site_contact_exports_only_their_own_organisations_sites(
    fmt: str, registered_sites, transfer_cast
):
    contact_a = transfer_cast.client_for(transfer_cast.contact_a)
    contact_b = transfer_cast.client_for(transfer_cast.contact_b)

    assert names_in(contact_a.get(f"/sites/export.{fmt}?status=all"), fmt) == [
        "Riverside Central Mosque",
        "Riverside Prayer Room",
    ]
    assert names_in(contact_b.get(f"/sites/export.{fmt}?status=all"), fmt) == ["St Brigid's Church"]


def test_staff_export_every_site_and_the_list_filters_apply(registered_sites, transfer_cast):
    sergeant = transfer_cast.client_for(transfer_cast.sergeant)

    assert names_in(sergeant.get("/sites/export.csv"), "csv") == [
        "Riverside Central Mosque",
        "St Brigid's Church",
    ]  # active only, as on the list
    assert names_in(sergeant.get("/sites/export.csv?faith=christianity"), "csv") == [
        "St Brigid's Church"
    ]
    assert len(names_in(sergeant.get("/sites/export.csv?status=all"), "csv")) == 3


def test_the_csv_export_has_the_import_columns_and_a_dated_attachment_name(
    registered_sites, transfer_cast, settings
):
    response = transfer_cast.client_for(transfer_cast.admin).get("/sites/export.csv?status=all")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sanctuary-sites-20')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")  # so that Excel reads UTF-8
    rows = csv_rows(response)
    assert list(rows[0]) == list(COLUMNS)
    mosque = rows[0]
    assert mosque["external_id"] == "council:RV-001"
    assert (mosque["faith"], mosque["operator"], mosque["capacity"]) == (
        "islam",
        "Riverside Mosque Trust",
        "900",
    )
    assert mosque["notes"] == "Jumu'ah overflow into the car park,\nstewards on the gate."
    prayer_room = rows[1]
    assert prayer_room["external_id"] == f"sanctuary:{registered_sites[1].pk}"  # no id of its own
    assert (prayer_room["status"], prayer_room["capacity"]) == ("closed", "")


def test_the_geojson_export_has_points_and_the_import_properties(registered_sites, transfer_cast):
    response = transfer_cast.client_for(transfer_cast.admin).get("/sites/export.geojson")

    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].endswith('.geojson"')
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    first = document["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [-0.0654, 51.5123]}
    assert set(first["properties"]) == set(COLUMNS) - {"latitude", "longitude"}
    assert first["properties"]["capacity"] == 900


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_an_export_reimports_as_all_unchanged(fmt: str, registered_sites, transfer_cast):
    response = transfer_cast.client_for(transfer_cast.admin).get(f"/sites/export.{fmt}?status=all")

    report = import_sites(
        Actor.person(transfer_cast.admin, Channel.PAGE),
        response.content,
        filename=f"export.{fmt}",
        fmt=None,
        default_operator_name=None,
        dry_run=False,
    )

    assert report.summary() == f"Imported export.{fmt}: 0 created, 0 updated, 3 unchanged."
    assert Site.objects.count() == 3
    assert Site.objects.filter(external_id__startswith="sanctuary:").count() == 0


def test_an_edited_export_updates_the_sites_it_came_from(registered_sites, transfer_cast):
    response = transfer_cast.client_for(transfer_cast.admin).get("/sites/export.csv?status=all")
    edited = response.content.decode("utf-8-sig").replace(
        "Riverside Prayer Room", "Riverside Prayer Hall"
    )

    report = import_sites(
        Actor.system("test"),
        edited.encode(),
        filename="edited.csv",
        fmt=None,
        default_operator_name=None,
        dry_run=False,
    )

    assert [(c.name, c.fields) for c in report.updated] == [("Riverside Prayer Hall", ("name",))]
    registered_sites[1].refresh_from_db()
    assert registered_sites[1].name == "Riverside Prayer Hall"
    assert registered_sites[1].external_id is None


def test_a_formula_in_a_name_is_defused_in_the_csv_and_survives_the_round_trip(transfer_cast):
    Site.objects.create(
        name='=HYPERLINK("http://evil.example")',
        faith="islam",
        address="-1 Minus Street",
        latitude=51.5,
        longitude=-0.05,
        operator=transfer_cast.org_a,
        area=transfer_cast.area,
        external_id="x:1",
    )
    response = transfer_cast.client_for(transfer_cast.admin).get("/sites/export.csv")

    row = csv_rows(response)[0]
    assert row["name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["address"] == "'-1 Minus Street"
    assert row["longitude"] == "-0.05"  # numbers are left alone
    report = import_sites(
        Actor.system("test"),
        response.content,
        filename="e.csv",
        fmt=None,
        default_operator_name=None,
        dry_run=True,
    )
    assert len(report.unchanged) == 1


def test_contacts_are_not_exported(registered_sites, transfer_cast):
    Contact.objects.create(
        site=registered_sites[0],
        name="Yusuf Patel",
        phone="07700 900123",
        email="yusuf@example.org",
    )
    admin = transfer_cast.client_for(transfer_cast.admin)
    for fmt in ("csv", "geojson"):
        body = admin.get(f"/sites/export.{fmt}").content.decode("utf-8-sig")
        assert "Yusuf" not in body and "07700" not in body and "yusuf@" not in body


def test_an_export_writes_one_export_event_with_format_count_and_filters(
    registered_sites, transfer_cast
):
    registered_sites[0].is_sensitive = True
    registered_sites[0].save()

    transfer_cast.client_for(transfer_cast.contact_a).get(
        "/sites/export.geojson?faith=islam&status=all"
    )

    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor == transfer_cast.contact_a
    assert event.detail == {
        "format": "geojson",
        "count": 2,
        "filters": {"faith": "islam", "status": "all"},
        "sensitive_site_ids": [registered_sites[0].pk],
    }


def test_an_unknown_export_format_is_not_found_and_anonymous_readers_log_in(
    registered_sites, transfer_cast, client
):
    assert (
        transfer_cast.client_for(transfer_cast.admin).get("/sites/export.xlsx").status_code == 404
    )
    response = client.get("/sites/export.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
