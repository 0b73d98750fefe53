"""datapackage.json beside the exports: a valid Frictionless Data package whose typed
schemas the real files satisfy, checked with the `frictionless` library itself."""

from __future__ import annotations

import json

import pytest

from pipelines.publish import latest_xlsx
from tests.conftest import SECOND_DAY, load_state
from tests.web_support import shared_two_registers

frictionless = pytest.importorskip("frictionless")


def test_the_exports_are_a_valid_typed_data_package(crawled):
    crawled.fake.serve(load_state(SECOND_DAY))
    assert crawled.crawl().code == 0
    folder = crawled.exports
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names[:4] == ["latest", "changes", "latest-xlsx", "latest-json"]
    snapshots = sorted(p.name for p in (folder / "snapshots").glob("*.csv"))
    assert len(snapshots) == 2 and [r["path"] for r in package["resources"][4:]] == [
        f"snapshots/{name}" for name in snapshots]
    fields = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert (fields["number"], fields["listed_on"], fields["first_seen"]) == ("integer", "date", "datetime")

    latest_xlsx.refresh(crawled.data_dir, folder.name)  # the workbook, as the first download (or the web) makes it
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_a_wrong_value_fails_the_package(crawled):
    latest = crawled.exports / "latest.csv"
    latest.write_text(latest.read_text(encoding="utf-8").replace(",2015-07-29,", ",29.07.2015,", 1),
                      encoding="utf-8")
    report = frictionless.validate(crawled.exports / "datapackage.json")
    assert not report.valid
    assert any(error[0] == "type-error" for error in report.flatten(["type"]))


def test_the_data_package_of_every_register_and_the_combined_export(tmp_path_factory, baseline_dir):
    """Two registers crawled from the fakes by the real spider: datapackage.json at the top of
    the data directory describes each register's files and the combined ones, and is valid."""
    data_dir = shared_two_registers(tmp_path_factory, baseline_dir)
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    for register in ("ru-minjust-undesirable", "ru-minjust-foreign-agents"):
        assert {f"{register}-{kind}" for kind in ("latest", "changes", "latest-xlsx", "latest-json")} <= set(names)
    assert names[-3:] == ["all-latest", "all-latest-xlsx", "all-latest-json"]
    combined = package["resources"][-3]
    assert combined["path"] == "all/latest.csv"
    fields = [f["name"] for f in combined["schema"]["fields"]]
    assert fields[0] == "register" and fields[-1] == "snapshot_taken_at" and "identifiers" in fields
    assert {f["name"]: f["type"] for f in combined["schema"]["fields"]}["snapshot_taken_at"] == "datetime"

    # The descriptor, and the combined table against its schema (each register's own files
    # are validated by the test above; the whole package takes twice as long).
    descriptor = frictionless.Package.validate_descriptor(str(data_dir / "datapackage.json"))
    assert descriptor.valid, descriptor.flatten(["type", "message"])[:5]
    report = frictionless.Package(str(data_dir / "datapackage.json")).get_resource("all-latest").validate()
    assert report.valid and report.stats["tasks"] == 1, report.flatten(["type", "message"])[:5]
