"""`sanctuary import-sites` and `sanctuary export-sites`, as an operator runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sanctuary.audit.models import Action, AuditEvent
from sanctuary.cli import main
from sanctuary.registry.models import Site

DATA = Path(__file__).parent / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_sites_imports_a_csv_file_and_prints_the_summary(transfer_cast, capsys):
    code, out, err = run(capsys, "import-sites", str(DATA / "sites.csv"))

    assert (code, err) == (0, "")
    assert out == "Imported sites.csv: 3 created, 0 updated, 0 unchanged.\n"
    assert Site.objects.count() == 3
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.actor, event.actor_name) == (None, "system: command line")


def test_import_sites_dry_run_reports_and_writes_nothing(transfer_cast, capsys):
    code, out, _ = run(capsys, "import-sites", "--dry-run", str(DATA / "sites.csv"))

    assert code == 0
    assert out == "Dry run: 3 to create, 0 to update, 0 unchanged. Nothing written.\n"
    assert not Site.objects.exists()
    assert not AuditEvent.objects.exists()


def test_import_sites_applies_the_operator_option_to_an_openstreetmap_file(transfer_cast, capsys):
    code, out, _ = run(
        capsys,
        "import-sites",
        "--operator",
        "Riverside Mosque Trust",
        str(DATA / "osm_places_of_worship.geojson"),
    )

    assert code == 0
    assert out.startswith("Imported osm_places_of_worship.geojson: 5 created")
    assert Site.objects.filter(operator=transfer_cast.org_a).count() == 4


def test_import_sites_exits_1_with_each_row_error_on_stderr_and_writes_nothing(
    transfer_cast, capsys, tmp_path
):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        (DATA / "sites.csv")
        .read_text()
        .replace("51.5121,-0.0650", "95.2,-0.0650")
        .replace(",Islam,", ",Druidry,")
    )

    code, out, err = run(capsys, "import-sites", str(bad))

    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "sanctuary import-sites: file refused: 1 row has errors; nothing was written",
        "  row 3, faith: 'Druidry' is not a faith Sanctuary knows; use one of: islam, christianity, judaism, sikhism, hinduism, buddhism, other",
        "  row 3, latitude: 95.2 is out of range (-90 to 90)",
    ]
    assert not Site.objects.exists()


def test_import_sites_refuses_an_unknown_operator_option(transfer_cast, capsys):
    code, _, err = run(
        capsys, "import-sites", "--operator", "East Division Police", str(DATA / "sites.csv")
    )

    assert code == 1
    assert (
        "  default operator: 'East Division Police' is a police unit, not a faith organisation"
        in err
    )


def test_import_sites_reports_a_missing_file_in_one_line(transfer_cast, capsys, tmp_path):
    code, _, err = run(capsys, "import-sites", str(tmp_path / "nowhere.csv"))
    assert code == 2
    assert err.startswith("sanctuary import-sites: cannot read ")


def test_export_sites_writes_every_site_as_csv_to_standard_output(registered_sites, capsys):
    code, out, _ = run(capsys, "export-sites")

    assert code == 0
    names = [row["name"] for row in csv.DictReader(io.StringIO(out))]
    assert names == [
        "Riverside Central Mosque",
        "Riverside Prayer Room",
        "St Brigid's Church",
    ]  # closed ones too
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.detail["count"] == 3 and event.detail["format"] == "csv"


def test_export_sites_writes_geojson_to_a_file_that_imports_back_unchanged(
    registered_sites, capsys, tmp_path
):
    target = tmp_path / "all.geojson"

    code, out, _ = run(capsys, "export-sites", "--format", "geojson", "--output", str(target))

    assert (code, out) == (0, "")
    assert len(json.loads(target.read_text())["features"]) == 3
    code, out, _ = run(capsys, "import-sites", str(target))
    assert out == "Imported all.geojson: 0 created, 0 updated, 3 unchanged.\n"
