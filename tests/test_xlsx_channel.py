"""The official XLSX export as a second channel: `crawl --via xlsx` and `regwatch verify`,
against the local fake serving the real exports of each recorded state."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipelines.crawl import UNCHANGED
from pipelines.register.normalise import normalise_rows
from pipelines.storage.store import Store
from regwatch.fakes.minjust import State
from regwatch.fakes.states import with_name
from scraper.parsers.columns import map_columns
from scraper.parsers.xlsx_export import ExportError, read_export
from scraper.registers.metadata import load_source
from tests import scenes
from tests.conftest import FIRST_DAY, SECOND_DAY, load_state

RULES = load_source("ru_minjust_undesirable").columns


def api_rows(state: State) -> list[dict[str, str]]:
    """The /values rows as the spider turns them into canonical rows."""
    columns, _ = map_columns([(c["name"], c["title"]) for c in state.info["columns"]], RULES)
    rows = [{f: "" if r.get(k) is None else str(r[k]) for k, f in columns.items()} for r in state.rows]
    return sorted(rows, key=lambda r: int(r["number"]))


@pytest.mark.parametrize("day", [FIRST_DAY, SECOND_DAY])
def test_each_fixture_export_reads_as_the_same_entries_as_its_values_rows(day):
    state = load_state(day)
    export = read_export(state.export, RULES)
    assert export.as_of == f"{day}T17:28:00"
    assert export.warnings == []
    from_xlsx, problems_x = normalise_rows(export.rows, "src")
    from_api, problems_a = normalise_rows(api_rows(state), "src")
    assert len(from_xlsx) == len(state.rows)
    assert from_xlsx == from_api  # every field, the raw published cells included
    assert [str(p) for p in problems_x] == [str(p) for p in problems_a]


def test_a_broken_workbook_is_a_clear_error():
    with pytest.raises(ExportError, match="not an XLSX workbook"):
        read_export(b"PK\x03\x04 truncated", RULES)
    with pytest.raises(ExportError, match="not an XLSX workbook"):
        read_export(b"<html>error</html>", RULES)


def test_crawl_via_xlsx_then_api_is_one_history(workspace):
    result = workspace.regwatch("crawl", "--via", "xlsx")
    assert result.code == 0, result.output
    assert "367 rows from /export, data date 2026-07-29T17:28:00" in result.stdout
    status = json.loads((workspace.exports / "status.json").read_text())
    assert status["exports_show"]["channel"] == "xlsx"
    assert status["exports_show"]["source_data_date"] == "2026-07-29T17:28:00"
    assert [r.path.rsplit("/", 1)[-1] for r in workspace.fake.requests] == ["export"]

    # the JSON service publishes exactly the same rows; the next export, 23 more (in process: the
    # crawls over HTTP are the tests above and below)
    assert scenes.crawl_workspace(workspace, load_state(FIRST_DAY)).status == UNCHANGED
    added = scenes.crawl_workspace(workspace, load_state(SECOND_DAY), via="xlsx")
    assert added.ok and added.message == "23 added", added.message


def test_a_broken_export_is_refused_and_keeps_the_data(crawled):
    before = crawled.fingerprint()
    state = load_state(SECOND_DAY)
    crawled.fake.serve(State(state.info, state.rows, b"PK\x03\x04 cut short"))
    result = crawled.regwatch("crawl", "--via", "xlsx")
    assert result.code == 1
    assert "ru_minjust_undesirable: /export is not an XLSX workbook" in result.stderr
    crawled.fake.serve(state)
    crawled.fake.fail("html_200", route="export")
    result = crawled.regwatch("crawl", "--via", "xlsx")
    assert result.code == 1 and "/export returned an HTML page" in result.stderr
    assert crawled.fingerprint() == before


def test_verify_agrees_on_every_row_of_a_real_state(workspace):
    workspace.fake.serve(load_state(SECOND_DAY))
    result = workspace.regwatch("verify")
    assert result.code == 0, result.output
    assert "api   390 rows" in result.stdout and "xlsx  390 rows, data date 2026-08-14" in result.stdout
    assert "the channels agree on every row" in result.stdout
    assert not (workspace.exports / "latest.csv").exists()  # verify stores nothing as current


def test_verify_names_every_row_where_the_channels_disagree(workspace):
    state = load_state(SECOND_DAY)
    edited = with_name(state, 5, "Другое «имя»")
    workspace.fake.serve(State(edited.info, [r for r in edited.rows if r["field_1_i"] != 390],
                               state.export))
    result = workspace.regwatch("verify", "--json")
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["agree"] is False
    assert [(d["number"], d["field"], d["first"]) for d in report["disagreements"]] == [
        (5, "name", "Другое «имя»"), (390, "row", "absent")]
    kept = {row[0] for row in workspace.query("select sha256 from raw_replies")}  # both channels' bytes kept
    assert {h for c in report["channels"] for h in c["raw_replies_sha256"]} <= kept


def test_verify_fails_clearly_when_a_channel_is_down(workspace):
    workspace.fake.fail("status_500", route="export")
    result = workspace.regwatch("verify")
    assert result.code == 1
    assert "xlsx  FAILED" in result.stdout and "HTTP 500" in result.stdout


def test_an_older_database_gets_the_new_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Store(url).close()
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute("alter table snapshots drop column as_of")
        db.execute("drop table alembic_version")  # as made before migrations
    Store(url).close()
    with sqlite3.connect(tmp_path / "old.db") as db:
        assert "as_of" in {row[1] for row in db.execute("pragma table_info(snapshots)")}
