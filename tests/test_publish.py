"""pipelines/publish/sync.publish on a real store (SQLite and PostgreSQL), without a crawl:
it writes what lags behind the last stored snapshot and nothing else (tests/test_crash.py
kills real crawls; this checks the bookkeeping)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.publish import feeds
from pipelines.publish.sync import MANIFEST, publish
from pipelines.register.diff import baseline, diff
from pipelines.register.models import Entry
from pipelines.storage.store import Store
from tests.conftest import SECOND_DAY, load_state, webhook_sub, write_config

pytestmark = pytest.mark.both_backends

SOURCE = "ru_minjust_undesirable"
T0, T1 = "2026-08-14T10:00:00+00:00", "2026-08-15T10:00:00+00:00"


def first_state() -> list[Entry]:
    return baseline(SOURCE, [Entry("", n, f"Organisation {n}", raw=(("name", f"Organisation {n}"),))
                             for n in (1, 2, 3)], T0).entries


@pytest.fixture
def stored(db_url) -> Iterator[tuple[Store, list[Entry]]]:
    """A store holding the first state, committed and not yet published."""
    store = Store(db_url)
    entries = first_state()
    store.commit_state(SOURCE, "api", T0, "h0", [], None, len(entries), entries, [], [])
    yield store, entries
    store.close()


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_first_publish_writes_every_file_and_a_second_one_nothing(stored, tmp_path):
    store, _ = stored
    done = publish(store, tmp_path, SOURCE)
    assert {"latest.csv", "latest.json", "changes.csv", "datapackage.json", "latest.xlsx"} <= set(done.rebuilt)
    assert any(name.startswith("snapshots/") for name in done.rebuilt)
    assert any(name.startswith(f"{feeds.FEED_FOLDER}/") for name in done.rebuilt)
    folder = tmp_path / SOURCE
    before = files(folder)
    again = publish(store, tmp_path, SOURCE)
    assert again.rebuilt == [] and files(folder) == before
    assert json.loads((folder / MANIFEST).read_text())["latest"]["snapshot_id"] == again.shows.id


def test_only_what_is_missing_or_torn_is_rebuilt(stored, tmp_path):
    store, _ = stored
    publish(store, tmp_path, SOURCE)
    folder = tmp_path / SOURCE
    (folder / "latest.xlsx").unlink()
    torn = [folder / ".latest.csv.x1y2.tmp", folder / "snapshots" / ".20260814T100000Z.csv.a.tmp",
            folder / feeds.FEED_FOLDER / ".index.json.b.tmp"]
    for path in torn:
        path.write_bytes(b"half a file")
    assert publish(store, tmp_path, SOURCE).rebuilt == ["latest.xlsx"]
    assert not any(path.exists() for path in torn)


def test_a_snapshot_stored_but_never_published_gets_its_files_from_the_database(stored, tmp_path):
    store, entries = stored
    publish(store, tmp_path, SOURCE)
    renamed = replace(entries[1], name="Organisation Two", raw=(("name", "Organisation Two"),))
    result = diff(SOURCE, entries, [entries[0], renamed, entries[2]], T1, gone=[],
                  taken_ids={e.entry_id for e in entries})
    assert [c.kind for c in result.changes] == ["modified"]
    store.commit_state(SOURCE, "api", T1, "h1", [], None, 3, result.touched, result.removed, result.changes)
    # as a crawl killed right after its commit leaves it: nothing written since
    done = publish(store, tmp_path, SOURCE)
    folder = tmp_path / SOURCE
    assert "changes/20260815T100000Z.json" in done.rebuilt and "latest.json" in done.rebuilt
    document = json.loads((folder / feeds.FEED_FOLDER / "20260815T100000Z.json").read_text())
    assert (document["outcome"], document["snapshot_id"]) == ("changed", done.shows.id)
    (change,) = document["changes"]
    assert (change["kind"], change["new"], change["entry"]["name"]) == (
        "modified", "Organisation Two", "Organisation Two")
    latest = json.loads((folder / "latest.json").read_text())["entries"]
    assert feeds.replay(folder / feeds.FEED_FOLDER) == latest
    assert [e["name"] for e in latest] == ["Organisation 1", "Organisation Two", "Organisation 3"]
    assert len(list((folder / "snapshots").glob("*.csv"))) == 2


def test_regwatch_crawl_writes_the_xlsx_after_the_alerts_went_out(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    crawled.fake.serve(load_state(SECOND_DAY))
    result = crawled.regwatch("crawl", "--config", str(config))
    assert result.code == 0 and "23 added" in result.stdout, result.output
    (call,) = webhook.calls
    folder = crawled.exports
    assert (folder / "latest.csv").stat().st_mtime <= call.at <= (folder / "latest.xlsx").stat().st_mtime
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["xlsx"] == manifest["latest"]  # recorded as showing the new snapshot
