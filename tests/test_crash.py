"""A real `regwatch crawl` killed with SIGKILL at any point (before the database commit,
after it, in the middle of an export) leaves nothing stale for good: one ordinary run
afterwards, or `regwatch export --repair`, brings every export, feed and status.json in
line with the database (issue 14). The crawl is stopped exactly there by the
REGWATCH_PAUSE_AT hook (pipelines/publish/sync.pause_point), then killed from outside."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from pipelines.publish import feeds, latest_xlsx
from pipelines.publish.export import changes_csv, render
from pipelines.storage.store import Store
from tests import scenes
from tests.conftest import ROOT, SECOND_DAY, Workspace, load_state

POINTS = ("before_commit", "after_commit", "writing:latest.json")


def kill_crawl_at(workspace: Workspace, point: str, marker: Path, command: str = "crawl") -> None:
    """Start `regwatch crawl` (or `command`), wait until it stands at `point`, and kill it (SIGKILL)."""
    env = {**workspace.env, "REGWATCH_PAUSE_AT": point, "REGWATCH_PAUSE_FILE": str(marker)}
    child = subprocess.Popen([sys.executable, "-m", "regwatch", *command.split()], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"the crawl never reached {point} (exit {child.poll()})"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL


def stored(workspace: Workspace) -> tuple[list[tuple], list[tuple]]:
    """(snapshots: id, taken_at, row_count, replies) and the changes' (snapshot_id, kind, entry_id)."""
    return (workspace.query("select id, taken_at, row_count, replies from snapshots order by id"),
            workspace.query("select snapshot_id, kind, entry_id from changes order by id"))


def assert_consistent(workspace: Workspace) -> None:
    """Every file under the register's folder shows what the database holds."""
    exports = workspace.exports
    snapshots, found = stored(workspace)
    last_id, last_taken, last_rows, last_replies = snapshots[-1]
    assert list(exports.rglob("*.tmp")) == []
    # latest.csv and latest.json: the current entries, as `regwatch export` renders them from the
    # database (its functions, in this process: test_cli.py runs the command), byte for byte
    store = Store(workspace.database_url)
    try:
        entries, changes = store.current_entries(exports.name), store.changes(exports.name)
    finally:
        store.close()
    assert (exports / "latest.csv").read_bytes() == render(entries, "csv", exports.name, "")
    latest = json.loads((exports / "latest.json").read_text(encoding="utf-8"))
    from_db = json.loads(render(entries, "json", exports.name, ""))
    assert latest["entries"] == from_db["entries"] and len(latest["entries"]) == last_rows
    assert latest["raw_replies_sha256"] == json.loads(last_replies)
    assert (exports / "changes.csv").read_bytes() == changes_csv(changes)  # `regwatch changes --format csv`
    latest_xlsx.refresh(workspace.data_dir, exports.name)  # as the first download makes it, if it lags
    assert not latest_xlsx.lags(exports)
    sheet = openpyxl.load_workbook(exports / "latest.xlsx", read_only=True).active
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [entry["entry_id"] for entry in latest["entries"]]
    # one snapshot CSV per stored snapshot, the last one a copy of latest.csv; the data package lists them
    copies = sorted((exports / "snapshots").glob("*.csv"))
    assert len(copies) == len(snapshots) and copies[-1].read_bytes() == (exports / "latest.csv").read_bytes()
    package = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    assert {f"snapshots/{p.name}" for p in copies} <= {r["path"] for r in package["resources"]}
    # the change feed: a file for every snapshot, the stored changes in order, replaying to latest.json
    folder = exports / feeds.FEED_FOLDER
    rows = feeds.read_index(folder)["files"]
    assert {(r["snapshot_id"], r["snapshot_taken_at"]) for r in rows} >= {(s[0], s[1]) for s in snapshots}
    documents = [json.loads((folder / r["file"]).read_text(encoding="utf-8")) for r in rows]
    listed = [(d["snapshot_id"], c["kind"], c["entry_id"]) for d in documents for c in d["changes"]
              if c["kind"] not in (feeds.BASELINE, feeds.RESTATED)]
    assert listed == found
    assert feeds.replay(folder) == latest["entries"]
    atom = etree.fromstring((exports / feeds.ATOM_FILE).read_bytes())
    assert len(atom.findall(f"{{{feeds.ATOM}}}entry")) == 1 + len(found)  # the baseline is one entry
    # status.json names the snapshot the files show
    shown = json.loads((exports / "status.json").read_text(encoding="utf-8"))["exports_show"]
    assert (shown["snapshot_taken_at"], shown["entries"]) == (last_taken, last_rows)


@pytest.mark.parametrize("point", POINTS)
def test_one_ordinary_run_after_a_killed_crawl_leaves_everything_consistent(crawled, point, tmp_path):
    crawled.fake.serve(load_state(SECOND_DAY))  # 23 organisations added
    kill_crawl_at(crawled, point, tmp_path / "paused")
    committed = len(stored(crawled)[0]) == 2
    assert committed == (point != "before_commit")
    if point.startswith("writing:"):  # a torn file, never in place
        assert list(crawled.exports.glob(f".{point.removeprefix('writing:')}.*.tmp"))
    if committed:  # what issue 14 found: the database ahead of the files
        assert len(crawled.latest_rows()) == 367
    result = crawled.crawl()
    assert result.code == 0, result.output
    assert ("unchanged" if committed else "23 added") in result.stdout
    assert_consistent(crawled)


def test_a_workbook_killed_while_being_made_is_made_again(crawled, tmp_path):
    """The XLSX of a register too big for its crawl to make it is made on request (here by
    `export --repair`): killed in the middle, it leaves a torn temporary file, never a torn
    workbook, and the next request makes it."""
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY)).ok and not latest_xlsx.lags(crawled.exports)
    (crawled.exports / "latest.xlsx").unlink()  # as a big register's crawl leaves it
    kill_crawl_at(crawled, "writing:latest.xlsx", tmp_path / "paused", "export --repair")
    assert list(crawled.exports.glob(".latest.xlsx.*.tmp")) and latest_xlsx.lags(crawled.exports)
    repaired = crawled.regwatch("export", "--repair")
    assert repaired.code == 0 and "latest.xlsx" in repaired.stdout, repaired.output
    assert not latest_xlsx.lags(crawled.exports)
    assert_consistent(crawled)


def test_export_repair_rebuilds_what_lags_and_says_what(crawled, tmp_path):
    crawled.fake.serve(load_state(SECOND_DAY))
    kill_crawl_at(crawled, "after_commit", tmp_path / "paused")
    repaired = crawled.regwatch("export", "--repair")
    assert repaired.code == 0, repaired.output
    line = repaired.stdout.strip()
    assert line.startswith("ru_minjust_undesirable: rebuilt ") and "latest.csv" in line, line
    assert "latest.xlsx" in line and f"{feeds.FEED_FOLDER}/" in line, line
    assert line.endswith(f"(the exports now show the snapshot of {stored(crawled)[0][-1][1]})"), line
    assert_consistent(crawled)
    again = crawled.regwatch("export", "--repair")
    assert again.code == 0 and "nothing to rebuild" in again.stdout, again.output
    assert crawled.regwatch("export", "--repair", "--at", "2026-01-01").code == 2


def test_export_repair_with_nothing_crawled_says_so(workspace):
    result = workspace.regwatch("export", "--repair")
    assert result.code == 1 and "regwatch crawl" in result.stderr, result.output
