"""datapackage.json beside the exports: a valid Frictionless Data package whose typed
schemas the real files satisfy, checked with the `frictionless` library itself."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SECOND_DAY, load_state

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

    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_a_wrong_value_fails_the_package(crawled):
    latest = crawled.exports / "latest.csv"
    latest.write_text(latest.read_text(encoding="utf-8").replace(",2015-07-29,", ",29.07.2015,", 1),
                      encoding="utf-8")
    report = frictionless.validate(crawled.exports / "datapackage.json")
    assert not report.valid
    assert any(error[0] == "type-error" for error in report.flatten(["type"]))
