"""Exports and feeds as a function of the database: `publish` brings every file under
`<data_dir>/<source>/` up to the last stored snapshot, rebuilding only what lags.

Each crawl calls it (an unchanged or refused one too), and so does `regwatch export
--repair`, under the source's lock. What each file shows is recorded in `published.json`,
rewritten atomically after the files it describes: a crash at any point (before the
database commit, after it, in the middle of a file) leaves files that the next call finds
lagging and rebuilds. The change files say themselves which snapshot they hold (the
index lists it), so a snapshot whose crawl died before its change file gets one, written
from the changes stored with it. Temporary files a killed writer left are removed.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from pipelines.publish import combined, feeds, latest_xlsx, name_index
from pipelines.publish.ahead import FEED_RECORDS, LATEST, Ahead
from pipelines.publish.dictionary import REGISTER_SCHEMA_FILE, export_columns
from pipelines.publish.export import (
    StalePatch,
    Writer,
    change_record,
    csv_records,
    entry_record,
    keep_snapshot,
    patch_latest,
    write_csv,
    write_datapackage,
    write_latest,
)
from pipelines.register.models import REMOVED, Entry
from pipelines.storage.atomic import atomic_write, atomic_write_bytes
from pipelines.storage.locks import source_lock
from pipelines.storage.store import Snapshot, Store
from scraper.registers.metadata import source_names

log = logging.getLogger(__name__)
MANIFEST = "published.json"
UNCHANGED, CHANGED = "unchanged", "changed"  # the crawl outcomes a change file names
AFTER_ALERTS_MAX = 20_000  # entries; the real registers have at most a few thousand
# For the crash tests: REGWATCH_PAUSE_AT=<point> stops the process at that point, after
# creating the file REGWATCH_PAUSE_FILE, until it is killed. For the benchmarks:
# REGWATCH_TIMINGS=<file> gets a line "<point> <epoch seconds> <CPU seconds> <peak RSS, KiB>"
# of the process at every point passed (CPU beside wall time: a loaded machine inflates only
# the wall; the peak so far says which step holds the most memory).
PAUSE_AT, PAUSE_FILE, TIMINGS = "REGWATCH_PAUSE_AT", "REGWATCH_PAUSE_FILE", "REGWATCH_TIMINGS"


def pause_point(name: str) -> None:
    """A named point of a crawl's path: noted for the benchmarks when REGWATCH_TIMINGS is
    set, and a place to wait to be killed when REGWATCH_PAUSE_AT names it (the tests kill
    a real crawl there with SIGKILL). Costs two dictionary lookups otherwise."""
    if timings := os.environ.get(TIMINGS):
        with open(timings, "a", encoding="utf-8") as noted:
            import resource  # Unix only, and only for the benchmarks

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
            noted.write(f"{name} {time.time():.6f} {time.process_time():.3f} {peak}\n")
    if os.environ.get(PAUSE_AT) != name:
        return
    Path(os.environ[PAUSE_FILE]).touch()
    while True:
        time.sleep(1)


@dataclass
class Published:
    shows: Snapshot | None  # the snapshot the exports show now (None: nothing stored yet)
    rebuilt: list[str] = field(default_factory=list)  # the files written, in order


def publish(store: Store, data_dir: Path, source: str, *, current: list[Entry] | None = None,
            poll_at: str = "", force: bool = False, xlsx: bool = True, index: bool = False,
            last: Snapshot | None = None, ahead: Ahead | None = None) -> Published:
    """Rebuild whatever lags behind the last stored snapshot of `source`. `current`: its
    entries when the caller holds them (else they are read, and only if a file lags).
    `poll_at`: a crawl at that time found the register as before, and gets an empty
    change file. `force`: rewrite the latest files even if they seem current (the stored
    history was rebuilt). `xlsx`: also the XLSX, last (the costliest file). `index`: the
    name index too, even if that means reading every entry (`export --repair`). A crawl
    leaves both to `publish_after_alerts`. `last`: the last stored snapshot, when the
    caller read it under the source's lock (not read again). `ahead`: a first crawl's files of
    `current`, written while it committed (publish/ahead.py): put in place if they show the
    last snapshot; the caller discards them after."""
    folder = data_dir / source
    done = Published(last or store.last_snapshot(source))
    remove_leftovers(folder, keep={p.name for p in ahead.files.values()} if ahead is not None else set())
    last = done.shows
    if last is None:
        return done
    ready = ahead if ahead is not None and not force and _shows(ahead, current, last) and ahead.written() else None
    state = _State(store, source, current)
    manifest = read_manifest(folder)
    recorded = dict(manifest)
    shown = _stamp(last)
    write = _recorded(folder, done)
    if force or manifest.get("latest") != shown or not all((folder / n).exists() for n in LATEST):
        if ready is not None:
            _put_in_place(ready, folder, done)
        elif force or not _patched(store, folder, source, manifest.get("latest"), last, write):
            write_latest(folder, source, state.entries(), store.changes(source), last.taken_at,
                         list(last.replies), write=write)
        manifest["latest"] = shown
    if manifest.get("snapshot_csv") != shown:
        keep_snapshot(folder, last.taken_at, write=write)
        manifest["snapshot_csv"] = shown
    if manifest.get("datapackage") != shown or force or not (folder / "datapackage.json").exists():
        write_datapackage(folder, source, last.taken_at)
        done.rebuilt.append("datapackage.json")
        manifest["datapackage"] = shown
    _catch_up_feed(store, folder, source, state, poll_at, done, ready)
    if manifest != recorded:  # an unchanged poll writes nothing here
        _write_manifest(folder, source, manifest)
    publish_combined(store, data_dir, done, {source: state}, force=force)
    _costliest(store, data_dir, source, done, write, xlsx=xlsx, index=force or index, force=force,
               entries=state.entries() if state.read else None)
    return done


def publish_after_alerts(store: Store, data_dir: Path, source: str) -> Published:
    """The two costliest files, once a crawl's alerts went out (its `publish` brought the rest up
    to date): the XLSX and the name index of a register of at most AFTER_ALERTS_MAX entries. A
    bigger one's XLSX is made on its first request (publish/latest_xlsx.py) and its index by the
    first `regwatch check`, which keeps it."""
    done = Published(store.last_snapshot(source))
    if done.shows is not None and done.shows.row_count <= AFTER_ALERTS_MAX:
        _costliest(store, data_dir, source, done, _recorded(data_dir / source, done), xlsx=True, index=True)
    return done


def _costliest(store: Store, data_dir: Path, source: str, done: Published, write: Writer, *, xlsx: bool,
               index: bool, force: bool = False, entries: list[Entry] | None = None) -> None:
    """The XLSX (from latest.json, brought up to date before: no decoding; it says itself what
    it shows), the combined one's too, and the name index; each only if it lags (or `force`)."""
    if xlsx:
        latest_xlsx.refresh(data_dir, source, store.url, force, write)
        if (data_dir / combined.ALL).is_dir() and latest_xlsx.refresh(data_dir, combined.ALL, store.url, force):
            done.rebuilt.append(f"{combined.ALL}/{latest_xlsx.LATEST_XLSX}")
    if index and name_index.refresh(store, data_dir, source, entries, force):
        done.rebuilt.append(f"../{name_index.FOLDER}/{source}.index")


def publish_combined(store: Store, data_dir: Path, done: Published, held: dict[str, _State] | None = None,
                     force: bool = False) -> None:
    """The combined `all` export and the data package of every register, when more than
    one register has data: rebuilt when any register's last snapshot is not the one they
    show, from each register's part (`all/parts/`), and only a changed register's part is
    made again (from its own latest files, text only; else from its entries). `held`:
    entries a caller holds already. Under a lock of its own: crawls of two registers may
    both get here."""
    found = store.last_snapshots(names := source_names())
    shown = {source: found[source] for source in names if source in found}  # in the registers' order
    if len(shown) < 2:
        return
    folder = data_dir / combined.ALL
    with source_lock(data_dir, combined.ALL, database_url=store.url):
        remove_leftovers(folder)
        remove_leftovers(folder / combined.PARTS)
        manifest = read_manifest(folder)
        recorded = dict(manifest)
        stamp = {source: _stamp(snapshot) for source, snapshot in shown.items()}
        parts = [combined.Part(source, shown[source], export_columns(source), ()) for source in shown]
        columns = combined.combined_columns(p.columns for p in parts)
        made: dict[str, Any] = {} if force or manifest.get("columns") != list(columns) else \
            dict(manifest.get("parts", {}))
        for part in parts:  # {source: {"shows": stamp, "count": entries}}, each part's
            if (made.get(part.source) or {}).get("shows") != stamp[part.source] or not all(
                    (folder / combined.PARTS / f"{part.source}.{kind}").exists() for kind in ("csv", "json")):
                state = (held or {}).get(part.source) or _State(store, part.source, None)
                made[part.source] = {"shows": stamp[part.source], "count": _write_part(data_dir, part, columns, state)}
                done.rebuilt.append(f"{combined.ALL}/{combined.PARTS}/{part.source}")
        manifest.update(columns=list(columns), parts=made)

        def write(name: str, fill: Callable[[IO[bytes]], object]) -> None:
            atomic_write(folder / name, fill)
            done.rebuilt.append(f"{combined.ALL}/{name}")

        if force or manifest.get("latest") != stamp or not (folder / "latest.csv").exists():
            newest = max(s.taken_at for s in shown.values())
            count = sum(made[p.source]["count"] for p in parts)
            write("latest.csv", lambda h: _concatenated(h, folder, parts, "csv", _csv_head(columns), b"", b""))
            write("latest.json", lambda h: _concatenated(h, folder, parts, "json", combined.json_head(
                parts, columns, newest, count), b",\n", combined.JSON_END))
            atomic_write_bytes(folder / REGISTER_SCHEMA_FILE, _json(combined.combined_schema(columns)))
            atomic_write_bytes(data_dir / combined.PACKAGE, _json(combined.package(parts, columns, newest)))
            done.rebuilt.append(combined.PACKAGE)
            manifest["latest"] = stamp
        if manifest != recorded:
            _write_manifest(folder, combined.ALL, manifest)


def _csv_head(columns: tuple[str, ...]) -> bytes:
    head = io.BytesIO()
    write_csv(head, (), columns)
    return head.getvalue()


def _concatenated(handle: IO[bytes], folder: Path, parts: list[combined.Part], kind: str, head: bytes,
                  between: bytes, end: bytes) -> None:
    """A combined file: its head, each register's part (`between` those not empty), its end."""
    handle.write(head)
    first = True
    for part in parts:
        with open(folder / combined.PARTS / f"{part.source}.{kind}", "rb") as made:
            if (peek := made.read(1 << 16)) and not first:
                handle.write(between)
            first = first and not peek
            handle.write(peek)
            shutil.copyfileobj(made, handle, 1 << 20)
    handle.write(end)


def _write_part(data_dir: Path, part: combined.Part, columns: tuple[str, ...], state: _State) -> int:
    """A register's part of the combined files (`all/parts/<register>.csv`, `.json`, no head,
    JSON lines joined by ",\n"); its number of entries. Made from the register's own latest
    files when they show its last snapshot (latest.json says which, and is opened first:
    latest.csv is replaced before it, so is as new at least), else from its entries."""
    target, own = data_dir / combined.ALL / combined.PARTS, data_dir / part.source
    around = combined.splice(part, columns)
    if around is not None:
        try:
            with open(own / "latest.json", "rb") as json_in:
                head = json.loads(json_in.readline().removesuffix(b', "entries": [\n') + b"}")
                if (head.get("generated_at"), head.get("raw_replies_sha256")) == (
                        part.snapshot.taken_at, list(part.snapshot.replies)):
                    with open(own / "latest.csv", "rb") as csv_in:
                        next(csv_in)  # the header
                        atomic_write(target / f"{part.source}.json", lambda h: h.writelines(_joined(
                            around[2] + line.rstrip(b"\n").removesuffix(b",")[1:-1] + around[3]
                            for line in json_in if not line.startswith(b"]}"))))
                        atomic_write(target / f"{part.source}.csv", lambda h: h.writelines(
                            around[0] + record[:-1] + around[1] for record in csv_records(csv_in)))
                    return int(head["count"])
        except (OSError, ValueError, StalePatch) as problem:
            log.warning("%s: its part of the combined files is made from its entries (%s)", part.source, problem)
    full = replace(part, entries=state.entries())
    atomic_write(target / f"{part.source}.json", lambda h: h.writelines(_joined(combined.json_lines(full, columns))))
    atomic_write(target / f"{part.source}.csv", lambda h: write_csv(h, combined.rows([full]), columns, header=False))
    return len(full.entries)


def _joined(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Lines joined by ",\n", without building the joined text."""
    for i, line in enumerate(lines):
        yield (b",\n" + line) if i else line


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n"
def _patched(store: Store, folder: Path, source: str, shown: Any, last: Snapshot, write: Writer) -> bool:
    """The latest files brought from the snapshot before `last` to `last` by what `last`
    stored (its new versions, removals and changes): a crawl then costs what it changed,
    not a decoding of every stored entry. False when they show another snapshot, or are
    missing or not as written: the caller writes them afresh."""
    before = store.snapshots_of(source)[-2:-1]
    if not before or shown != _stamp(before[0]) or not all((folder / n).exists() for n in LATEST):
        return False
    found = store.changes_of(source, last.id)
    touched = [new for new, _ in store.versions_at(source, last.id)]
    dropped = {c.entry_id for c in found if c.kind == REMOVED}
    try:
        patch_latest(folder, source, last.row_count, touched, dropped, found,
                     store.count_changes(source) - len(found), last.taken_at, list(last.replies), write=write)
    except (StalePatch, ValueError, IndexError) as problem:
        log.warning("%s: the latest files are written afresh (%s)", source, problem)
        return False
    return True


def remove_leftovers(folder: Path, keep: Container[str] = ()) -> list[Path]:
    """Temporary files of a writer that was killed (atomic_write names them
    `.<target>.<random>.tmp`); the caller holds the source's lock, so none is being written
    but those it `keep`s (its own, written ahead: by name). The workbook's are not: it is made under a
    lock of its own, which removes them."""
    found = [p for place in (folder, folder / "snapshots", folder / feeds.FEED_FOLDER)
             if place.is_dir() for p in place.glob(".*.tmp")
             if not p.name.startswith(latest_xlsx.TEMPORARY) and p.name not in keep]
    for path in found:
        path.unlink(missing_ok=True)
    return found


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        found = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet (or a torn one): everything counts as lagging
        return {}
    return found if isinstance(found, dict) else {}


def _write_manifest(folder: Path, source: str, manifest: dict[str, Any]) -> None:
    manifest["source"] = source
    atomic_write_bytes(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode() + b"\n")


def _stamp(snapshot: Snapshot) -> dict[str, Any]:
    """How a file names the snapshot it shows: its id and time (an id alone could repeat
    in another database)."""
    return {"snapshot_id": snapshot.id, "snapshot_taken_at": snapshot.taken_at}


def _recorded(folder: Path, done: Published) -> Callable[[Path, Callable[[IO[bytes]], object]], None]:
    """atomic_write that notes each file and offers the crash tests a point inside it (the
    temporary file written, not yet in place)."""
    def write(target: Path, fill: Callable[[IO[bytes]], object]) -> None:
        def filled(handle: IO[bytes]) -> None:
            fill(handle)
            handle.flush()
            pause_point(f"writing:{target.name}")
        atomic_write(target, filled)
        done.rebuilt.append(str(target.relative_to(folder)))
    return write


class _State:
    """The current entries, read from the store at most once and only when needed."""

    def __init__(self, store: Store, source: str, current: list[Entry] | None) -> None:
        self.store, self.source, self._entries = store, source, current

    @property
    def read(self) -> bool:
        return self._entries is not None

    def entries(self) -> list[Entry]:
        if self._entries is None:
            self._entries = self.store.current_entries(self.source)
        return self._entries


# --- the change feed ------------------------------------------------------------------------

def _missing_from_feed(snapshots: list[Snapshot], index: feeds.Record) -> list[Snapshot]:
    """The snapshots after the last one a change file holds, oldest first. Rows written
    before change files named their snapshot count as holding every snapshot taken by
    their crawl's time."""
    rows = index["files"]
    held = {(r["snapshot_id"], r["snapshot_taken_at"]) for r in rows if "snapshot_id" in r}
    untagged = max((r["crawled_at"] for r in rows if "snapshot_id" not in r), default="")
    missing: list[Snapshot] = []
    for snapshot in reversed(snapshots):
        if (snapshot.id, snapshot.taken_at) in held or snapshot.taken_at <= untagged:
            break
        missing.append(snapshot)
    return missing[::-1]


def _catch_up_feed(store: Store, folder: Path, source: str, state: _State, poll_at: str,
                   done: Published, ready: Ahead | None = None) -> None:
    """A change file for every stored snapshot the feed lacks, from the changes stored with
    it; then the poll's own (empty) file. A feed with no file yet starts with the whole
    register, in the first file written. `ready`: the first snapshot's records, written ahead."""
    feed = folder / feeds.FEED_FOLDER
    shown = done.shows
    tail = feeds.last_index_row(feed)
    if poll_at and shown is not None and tail is not None \
            and (tail.get("snapshot_id"), tail.get("snapshot_taken_at")) == (shown.id, shown.taken_at):
        # the usual poll: the feed's last file holds the last snapshot (the index is not read whole)
        feeds.write_feed_file(folder.parent, source, UNCHANGED, poll_at, shown.taken_at, iter(()), shown.id)
        return
    index = feeds.read_index(feed, source)
    fresh = not index["files"]
    # the feed holds the last snapshot already (an older file does): it lacks none
    caught_up = shown is not None and not fresh and not _missing_from_feed([shown], index)
    snapshots = [shown] if shown is not None and caught_up else store.snapshots_of(source)
    # a fresh feed starts with the register: in the poll's own file, else in the last snapshot's
    missing = ([] if poll_at else snapshots[-1:]) if fresh else _missing_from_feed(snapshots, index)
    for snapshot in missing:
        first = snapshot.id == snapshots[0].id
        # a first snapshot stores no change: its file lists the register instead
        records: Iterable[feeds.Record] = [] if first else _stored_records(store, source, snapshot)
        written = _written(ready, snapshot) if first else None
        if (first or fresh) and written is None:
            records = _chain(_baseline(state.entries(), snapshot.taken_at), records)
        name = feeds.write_feed_file(folder.parent, source, feeds.BASELINE if first else CHANGED,
                                     snapshot.taken_at, snapshot.taken_at, records, snapshot.id, written)
        done.rebuilt.append(f"{feeds.FEED_FOLDER}/{name}")
        fresh = False
    if poll_at:
        last = snapshots[-1]
        records = _baseline(state.entries(), poll_at) if fresh else iter(())
        feeds.write_feed_file(folder.parent, source, UNCHANGED, poll_at, last.taken_at, records, last.id)


def _written(ready: Ahead | None, snapshot: Snapshot) -> feeds.Written | None:
    """The baseline records of `snapshot` that `ready` wrote, if it wrote them for it."""
    if ready is None or ready.taken_at != snapshot.taken_at or not ready.entries:
        return None
    first = next(_baseline(ready.entries[:1], snapshot.taken_at))
    return feeds.Written(ready.files[FEED_RECORDS], len(ready.entries), first)


def _shows(ahead: Ahead, current: list[Entry] | None, last: Snapshot) -> bool:
    """Whether files written ahead list the state of `last`: written of the very entries
    the caller holds as its state, for its time and raw replies."""
    return current is ahead.entries and ahead.taken_at == last.taken_at and tuple(ahead.replies) == last.replies


def _put_in_place(ahead: Ahead, folder: Path, done: Published) -> None:
    """The latest files written ahead, moved in place as atomic_write would (with the crash
    tests' point between the file written and its move)."""
    for name in LATEST:
        pause_point(f"writing:{name}")
        os.replace(ahead.files[name], folder / name)
        done.rebuilt.append(name)


def _chain(*parts: Iterable[feeds.Record]) -> Iterator[feeds.Record]:
    for part in parts:
        yield from part


def _baseline(entries: list[Entry], detected_at: str) -> Iterator[feeds.Record]:
    """Every entry as a change of kind `baseline`, made one at a time as the file is written."""
    for entry in entries:
        yield {**feeds.baseline_head(entry, detected_at), "entry": entry_record(entry)}


def _stored_records(store: Store, source: str, snapshot: Snapshot) -> list[feeds.Record]:
    """The changes stored with `snapshot`, each with its entry as the snapshot stored it,
    then the entries it restated (a new version, no change: their record moved all the same)."""
    found = store.changes_of(source, snapshot.id)
    versions = store.versions_at(source, snapshot.id)
    after = {new.entry_id: new for new, _ in versions}
    records = []
    for change in found:
        entry = after.get(change.entry_id)
        records.append({**change_record(change),
                        "entry": None if change.kind == REMOVED or entry is None else entry_record(entry)})
    changed = {c.entry_id for c in found}
    restated = [new for new, old in versions
                if new.entry_id not in changed and old is not None and entry_record(new) != entry_record(old)]
    return records + feeds.restated_records(restated, snapshot.taken_at)
