"""pipelines/publish/sync.publish on a real store (SQLite and PostgreSQL), without a crawl:
it writes what lags behind the last stored snapshot and nothing else (tests/test_crash.py
kills real crawls; this checks the bookkeeping)."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.publish import feeds, latest_xlsx
from pipelines.publish.dictionary import export_columns
from pipelines.publish.export import write_latest_xlsx
from pipelines.publish.sync import MANIFEST, Published, publish, publish_combined
from pipelines.register.diff import baseline, diff
from pipelines.register.models import Entry
from pipelines.storage.store import Store
from tests.conftest import POSTGRESQL, SECOND_DAY, load_state, webhook_sub, write_config

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


def sheet(path: Path) -> bytes:
    with zipfile.ZipFile(path) as book:
        return book.read("xl/worksheets/sheet1.xml")


def test_a_new_snapshot_patches_the_latest_files_into_what_a_rebuild_writes(stored, tmp_path, monkeypatch):
    """The snapshot after the one the files show: its versions, removals and changes are
    patched into latest.csv/json and changes.csv (nothing else decoded), byte for byte what
    writing them from every stored entry gives; the XLSX is read from latest.json."""
    store, entries = stored
    publish(store, tmp_path, SOURCE)
    renamed = replace(entries[0], entry_id="", name="=Organisation One", raw=(("name", "=Organisation One"),))
    added = Entry("", 4, "Organisation «4», \"quoted\"", raw=(("name", "Organisation «4»"),),
                  identifiers=(("inn", "7707304743"),), aliases=("A", "B"))
    result = diff(SOURCE, entries, [renamed, entries[2], added], T1, gone=[],
                  taken_ids={e.entry_id for e in entries})
    assert sorted(c.kind for c in result.changes) == ["added", "modified", "removed"]
    store.commit_state(SOURCE, "api", T1, "h1", [], None, 3, result.touched, result.removed, result.changes)
    folder = tmp_path / SOURCE
    manifest = (folder / MANIFEST).read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(Store, "current_entries", lambda *_: pytest.fail("decoded every entry"))
        publish(store, tmp_path, SOURCE)
    (folder / MANIFEST).write_bytes(manifest)  # killed after the files, before the manifest: the
    publish(store, tmp_path, SOURCE)           # changes are not appended twice (written afresh)
    names = ("latest.csv", "latest.json", "changes.csv")
    made = {name: (folder / name).read_bytes() for name in names}
    xlsx = sheet(folder / "latest.xlsx")
    publish(store, tmp_path, SOURCE, force=True)
    assert made == {name: (folder / name).read_bytes() for name in names}
    assert [e["number"] for e in json.loads(made["latest.json"])["entries"]] == [1, 3, 4]
    assert b"'=Organisation One" in made["latest.csv"]
    (folder / "latest.xlsx").unlink()
    write_latest_xlsx(folder, store.current_entries(SOURCE))
    assert xlsx == sheet(folder / "latest.xlsx")


def test_regwatch_crawl_writes_the_xlsx_after_the_alerts_went_out(crawled, webhook, tmp_path):
    """The alerts and the other files do not wait for the costliest one: the crawl makes it
    from latest.json once they went out (a register too big for that has it made by its
    first download, or `export --repair`), and it says which latest.json."""
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    crawled.fake.serve(load_state(SECOND_DAY))
    result = crawled.regwatch("crawl", "--config", str(config))
    assert result.code == 0 and "23 added" in result.stdout, result.output
    (call,) = webhook.calls
    folder = crawled.exports
    assert (folder / "latest.csv").stat().st_mtime <= call.at <= (folder / "latest.xlsx").stat().st_mtime
    assert not latest_xlsx.lags(folder) and "xlsx" not in json.loads((folder / MANIFEST).read_text())
    with zipfile.ZipFile(folder / "latest.xlsx") as book, open(folder / "latest.json", "rb") as latest:
        assert book.comment == latest_xlsx.made_from(latest)
    latest = json.loads((folder / "latest.json").read_text(encoding="utf-8"))
    assert sheet(folder / "latest.xlsx").count(b"<row>") == 1 + len(latest["entries"]) == 1 + 390
    (folder / "latest.xlsx").unlink()  # as a big register's crawl leaves it
    assert latest_xlsx.lags(folder) and latest_xlsx.refresh(crawled.data_dir, SOURCE)  # as the first download does
    assert not latest_xlsx.lags(folder) and not latest_xlsx.refresh(crawled.data_dir, SOURCE)


AGENTS = "ru_minjust_foreign_agents"
T2 = "2026-08-16T10:00:00+00:00"


def with_an_agent(store: Store) -> None:
    person = baseline(AGENTS, [Entry("", 7, "Иванов Иван Иванович", entity_type="person",
                                     identifiers=(("inn", "390505077931"),), source_url="https://example.org/fa",
                                     raw=(("name", "Иванов Иван Иванович"),))], T1).entries
    store.commit_state(AGENTS, "api", T1, "a0", [], None, 1, person, [], [])


def test_the_combined_export_follows_every_register(stored, tmp_path):
    """Written from the database once a second register has data, a `register` column first
    and the union of the columns; rewritten when any register changes, and only then."""
    store, entries = stored
    assert not any(name.startswith("all/") for name in publish(store, tmp_path, SOURCE).rebuilt)
    assert not (tmp_path / "all").exists()  # one register: nothing to combine
    with_an_agent(store)
    done = publish(store, tmp_path, AGENTS, xlsx=False)  # a crawl defers the XLSX: the combined one too
    assert {"all/latest.csv", "all/latest.json", "datapackage.json"} <= set(done.rebuilt)
    assert not (tmp_path / "all" / "latest.xlsx").exists()
    assert "all/latest.xlsx" in publish(store, tmp_path, AGENTS).rebuilt
    with open(tmp_path / "all" / "latest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["register", *export_columns(AGENTS), "snapshot_taken_at"]
    assert [(r["register"], r["entry_id"]) for r in rows] == [
        (AGENTS, f"{AGENTS}/7"), *((SOURCE, e.entry_id) for e in entries)]
    agent, organisation = rows[0], rows[1]
    assert (agent["identifiers"], agent["entity_type"], agent["snapshot_taken_at"]) == (
        "inn:390505077931", "person", T1)
    assert agent["source_url"] == "https://example.org/fa"
    # a column the register of undesirable organisations does not have stays empty
    assert (organisation["entity_type"], organisation["identifiers"], organisation["snapshot_taken_at"]) == (
        "", "", T0)
    document = json.loads((tmp_path / "all" / "latest.json").read_text(encoding="utf-8"))
    assert [(r["source"], r["snapshot_taken_at"]) for r in document["registers"]] == [(AGENTS, T1), (SOURCE, T0)]
    assert document["count"] == 4 and document["entries"][0]["identifiers"] == {"inn": "390505077931"}
    assert document["entries"][1]["identifiers"] is None and document["entries"][1]["register"] == SOURCE

    before = files(tmp_path / "all")
    assert publish(store, tmp_path, SOURCE).rebuilt == [] and files(tmp_path / "all") == before
    renamed = replace(entries[0], name="Organisation One", raw=(("name", "Organisation One"),))
    result = diff(SOURCE, entries, [renamed, *entries[1:]], T2, gone=[], taken_ids={e.entry_id for e in entries})
    store.commit_state(SOURCE, "api", T2, "h2", [], None, 3, result.touched, result.removed, result.changes)
    done = publish(store, tmp_path, SOURCE)
    assert {"all/latest.csv", "all/latest.json", "all/latest.xlsx"} <= set(done.rebuilt)
    text = (tmp_path / "all" / "latest.csv").read_text(encoding="utf-8")
    assert "Organisation One" in text and f"{T2}\n" in text


def test_a_change_of_one_register_remakes_only_its_part_of_the_combined_files(stored, tmp_path, monkeypatch):
    """The combined files are each register's part put together: a changed register's part is
    made again from its own (just patched) latest files, text only, decoding no entry; the
    others are kept. The result is what making every part from the entries gives."""
    store, entries = stored
    with_an_agent(store)
    publish(store, tmp_path, SOURCE)
    publish(store, tmp_path, AGENTS)
    renamed = replace(entries[0], name="=Organisation One", raw=(("name", "=Organisation One"),))
    result = diff(SOURCE, entries, [renamed, *entries[1:]], T2, gone=[], taken_ids={e.entry_id for e in entries})
    store.commit_state(SOURCE, "api", T2, "h2", [], None, 3, result.touched, result.removed, result.changes)
    with monkeypatch.context() as patched:
        patched.setattr(Store, "current_entries", lambda *_, **__: pytest.fail("decoded every entry"))
        done = publish(store, tmp_path, SOURCE, xlsx=False)
    assert [name for name in done.rebuilt if "/parts/" in name] == [f"all/parts/{SOURCE}"]
    made = {name: (tmp_path / "all" / name).read_bytes() for name in ("latest.csv", "latest.json")}
    assert b"'=Organisation One" in made["latest.csv"] and f"{T2}\n".encode() in made["latest.csv"]
    for source in (SOURCE, AGENTS):  # no register's own files to start from: every part from its entries
        (tmp_path / source / "latest.json").rename(tmp_path / source / "kept.json")
    publish_combined(store, tmp_path, Published(None), force=True)
    assert made == {name: (tmp_path / "all" / name).read_bytes() for name in ("latest.csv", "latest.json")}
    document = json.loads(made["latest.json"])
    assert document["count"] == 4 and [e["register"] for e in document["entries"]] == [AGENTS, *[SOURCE] * 3]


def test_the_combined_export_on_postgresql_under_its_advisory_lock(stored, backend, tmp_path):
    if backend != POSTGRESQL:
        pytest.skip("the advisory lock is PostgreSQL's (SQLite's is a file beside the data)")
    store, entries = stored
    with_an_agent(store)
    done = publish(store, tmp_path, SOURCE)
    assert {"all/latest.csv", "all/latest.json", "all/latest.xlsx", "datapackage.json"} <= set(done.rebuilt)
    assert not (tmp_path / ".all.lock").exists()  # the lock is in the database
    assert len((tmp_path / "all" / "latest.csv").read_text(encoding="utf-8").splitlines()) == 1 + 1 + len(entries)
    assert not any(name.startswith("all/") for name in publish(store, tmp_path, AGENTS).rebuilt)  # current


def _first_crawl(url: str, data_dir: Path, monkeypatch, now: str = T1) -> dict[str, list[tuple]]:
    """A first crawl of the real register (ingest), its replies fetched at `now`, then every
    row of every table."""
    from pipelines.crawl import ingest
    from pipelines.storage.schema import metadata
    from tests import scenes
    from tests.conftest import FIRST_DAY

    monkeypatch.setattr(scenes, "utc_now", lambda: now)
    store = Store(url)
    try:
        assert ingest(scenes.pull(load_state(FIRST_DAY)), store, data_dir, now=now).status == "baseline"
        with store.engine.connect() as conn:
            return {t.name: sorted(map(tuple, conn.execute(t.select())), key=repr) for t in metadata.sorted_tables}
    finally:
        store.close()


def _contents(folder: Path) -> dict[str, bytes]:
    """files(), a workbook as its parts and comment (the zip stamps each part with the clock's time)."""
    found = files(folder)
    for name in [n for n in found if n.endswith(".xlsx")]:
        with zipfile.ZipFile(folder / name) as workbook:
            found[name] = b"\0".join([workbook.comment, *(workbook.read(part) for part in workbook.namelist())])
    return found


def _other_database(backend, request, tmp_path: Path) -> str:
    from tests.conftest import _pg_database

    return _pg_database(request) if backend == POSTGRESQL else f"sqlite:///{tmp_path / 'other.db'}"


def test_a_first_crawls_files_written_ahead_of_its_commit_are_those_written_after_it(
        db_url, backend, request, tmp_path, monkeypatch):
    """publish/ahead.py: a forked child writes latest.csv, latest.json, changes.csv and the
    feed's first records while the crawl commits; the data directory and the database rows
    are byte for byte those of a crawl that writes everything after its commit."""
    from pipelines.publish import ahead, sync

    monkeypatch.setattr(ahead, "MIN_ENTRIES", 10**9)  # the one-process path
    after = _first_crawl(_other_database(backend, request, tmp_path), tmp_path / "after", monkeypatch)
    monkeypatch.setattr(ahead, "MIN_ENTRIES", 100)  # the real register's 367 rows go ahead
    forked, used = [], []
    monkeypatch.setattr(ahead.os, "fork", lambda fork=ahead.os.fork: forked.append(1) or fork())
    monkeypatch.setattr(sync, "_put_in_place", lambda *a, put=sync._put_in_place: used.append("latest") or put(*a))
    monkeypatch.setattr(sync, "_written", lambda *a, made=sync._written: (found := made(*a)) and used.append(
        f"feed of {found.count}") or found)
    monkeypatch.chdir(tmp_path)  # a data directory given relative to it: its files written ahead are still kept
    assert _first_crawl(db_url, Path("ahead"), monkeypatch) == after
    assert forked and used == ["latest", "feed of 367"]
    written, expected = _contents(tmp_path / "ahead"), _contents(tmp_path / "after")
    expected.pop("regwatch.db", None), written.pop("regwatch.db", None)  # the SQLite files: their rows compared above
    assert [n for n in written if n.endswith(".tmp")] == []  # every file written ahead is in place
    assert written.keys() == expected.keys() and written == expected
    assert len(json.loads(written[f"{SOURCE}/latest.json"])["entries"]) == 367


def test_a_failed_commit_publishes_none_of_the_files_written_ahead(db_url, tmp_path, monkeypatch):
    from pipelines.publish import ahead

    monkeypatch.setattr(ahead, "MIN_ENTRIES", 100)
    started: list[ahead.Ahead] = []
    monkeypatch.setattr("pipelines.crawl.write_ahead", lambda *a: started.append(made := ahead.write_ahead(*a)) or made)

    def failing(*args, **kwargs):
        assert started[0] is not None and started[0].written()  # the child had written them all
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Store, "commit_state", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _first_crawl(db_url, tmp_path, monkeypatch)
    folder = tmp_path / SOURCE
    left = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert not any(name.startswith(("latest", "changes", ".")) or "/." in name for name in left), left
