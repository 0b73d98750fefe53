"""Change feeds beside the exports, for readers who follow the register rather than download it.

After every good crawl (baseline, changed, unchanged) one JSON file under
`<source>/changes/`, named by the crawl's UTC time, lists what changed, each change with
the entry as it stands after it (None once removed). A feed's first file lists every
entry as a change of kind `baseline`, so replaying the files in order (`replay`)
rebuilds `latest.json`; `changes/index.json` lists the files in order. An empty
`changes` means the register was read and found unchanged: a missing file means no crawl.
A file and its index row name the snapshot they hold (`snapshot_id`, `snapshot_taken_at`):
pipelines/publish/sync.py writes the file of a snapshot whose crawl died before it, from
the changes stored with it. A file is streamed, one change a line (the C JSON encoder).

A crawl whose published text differs only in form (diff stores no Change) gets an empty
file too: diff keeps such an entry's id, first_seen and last_changed, its content fields
are equal by definition, and source_url comes from the source's metadata, so no exported
field moves and replay still matches.

`<source>/changes.atom` (RFC 4287) shows the latest 200 changes to a feed reader,
newest first; a crawl that found changes puts them at its head and keeps the older
entries as they were (the whole feed is rebuilt from the change files only when missing).
A first crawl is one Atom entry ("Baseline: N entries"), not one per row: its hundreds
of rows would push every real change out of the feed, and are not news.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from lxml import etree

from pipelines.publish.export import change_record, entry_record, snapshot_name
from pipelines.register.models import REMOVED, Change, Entry
from pipelines.storage.atomic import atomic_write, atomic_write_bytes

FEED_FOLDER = "changes"
INDEX_FILE = "index.json"
ATOM_FILE = "changes.atom"
ATOM_LIMIT = 200
BASELINE = "baseline"  # the outcome of a first crawl, and the kind of each entry it lists
# An entry whose exported record moved without a change of the register: the same content
# published in another form, or read from another source (the old page, then the API).
# Listed so that a replay stays exact; not news, so not in the Atom feed.
RESTATED = "restated"
ATOM = "http://www.w3.org/2005/Atom"
# RFC 4151 tag URIs. Never change this: feed readers know a change by its id.
TAG_PREFIX = "tag:regwatch,2026:"

# Characters XML 1.0 cannot carry at all; lxml refuses them rather than write a bad feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Record = dict[str, Any]  # JSON-ready data, as written to and read from the files


# --- the JSON change files ----------------------------------------------------------------

def feed_file_name(crawled_at: str, taken: Container[str]) -> str:
    """'2026-08-14T10:15:00+00:00' → '20260814T101500Z.json'; '…Z_2.json' when a crawl in
    the same second took that name already (the suffix sorts after it)."""
    stem = snapshot_name(crawled_at).removesuffix(".csv")
    name, suffix = f"{stem}.json", 1
    while name in taken:
        suffix += 1
        name = f"{stem}_{suffix}.json"
    return name


def change_records(changes: list[Change], entries: list[Entry]) -> list[Record]:
    """Each change as `regwatch changes --format json` gives it, plus `entry`: the entry
    as it stands after the change, None once removed."""
    changed = {c.entry_id for c in changes}
    after = {e.entry_id: entry_record(e) for e in entries if e.entry_id in changed}
    return [{**change_record(c), "entry": None if c.kind == REMOVED else after[c.entry_id]}
            for c in changes]


def baseline_records(entries: list[Record], detected_at: str) -> list[Record]:
    """Every entry (as latest.json has it) as a change of kind `baseline`."""
    return [{**change_record(Change(BASELINE, e["entry_id"], e["number"], e["name"],
                                    new=e["status"], detected_at=detected_at)), "entry": e}
            for e in entries]


def baseline_head(entry: Entry, detected_at: str) -> Record:
    """An entry's record of kind `baseline` (change_record's keys and order, without a Change
    per entry), but its `entry`, which comes last."""
    return {"detected_at": detected_at, "kind": BASELINE, "entry_id": entry.entry_id, "number": entry.number,
            "name": entry.name, "field": "", "old": "", "new": entry.status}


def baseline_chunk(i: int, entry: Entry, detected_at: str, line: bytes) -> bytes:
    """What write_feed_file writes for its `i`-th record, the baseline record of `entry`,
    around `line`, that entry as latest.json has it (export.entry_line): encoded once for both
    files (publish/ahead.py)."""
    return (b",\n" if i else b"\n") + _json(baseline_head(entry, detected_at))[:-1] + b', "entry": ' + line + b"}"


@dataclass(frozen=True)
class Written:
    """A change file's baseline records written already (baseline_chunk), copied as they
    are: `count` of them, `first` the first as a record (the Atom feed's summary)."""
    path: Path
    count: int
    first: Record


def feed_document(source: str, crawled_at: str, outcome: str, snapshot_taken_at: str,
                  previous: str | None, changes: list[Record]) -> Record:
    return {"source": source, "crawled_at": crawled_at, "outcome": outcome,
            "snapshot_taken_at": snapshot_taken_at, "previous": previous, "changes": changes}


def replay(folder: Path) -> list[Record]:
    """The register as a reader of `folder` (a `changes/` folder) rebuilds it: every file
    of the index applied in order, entries sorted by number as in latest.json."""
    state: dict[str, Record] = {}
    for row in read_index(folder)["files"]:
        document = _read_json(folder / row["file"])
        if document["outcome"] == BASELINE:  # a new database starts its register afresh
            state.clear()
        for change in document["changes"]:
            if change["entry"] is None:
                state.pop(change["entry_id"], None)
            else:
                state[change["entry_id"]] = change["entry"]
    return sorted(state.values(), key=lambda entry: entry["number"])


# --- the Atom feed ------------------------------------------------------------------------

def recent_changes(files: Iterable[tuple[str, Record]],
                   limit: int = ATOM_LIMIT) -> list[tuple[str, Record]]:
    """The latest `limit` changes as (file stem, change), from feed files given newest
    first. A file's `baseline` changes become one summary change."""
    found: list[tuple[str, Record]] = []
    for stem, document in files:
        listed = [c for c in document["changes"] if c["kind"] == BASELINE]
        if listed:
            found.append((stem, _baseline_summary(listed[0], len(listed))))
        found.extend((stem, c) for c in document["changes"] if c["kind"] not in (BASELINE, RESTATED))
        if len(found) >= limit:  # older files are never read
            break
    return found[:limit]


def _baseline_summary(first: Record, count: int) -> Record:
    """One change standing for a whole first crawl; `number` says how many entries it listed."""
    return {**first, "entry_id": "", "number": count, "name": "", "new": "",
            "entry": {"source_url": first["entry"]["source_url"]}}


def atom_feed(source: str, changes: list[tuple[str, Record]], generated_at: str) -> bytes:
    """RFC 4287 feed of `changes` ((file stem, change), newest first)."""
    register_url = next((c["entry"]["source_url"] for _, c in changes if c["entry"]), "")
    feed = _feed(quote(source, safe=""), f"{source}: changes seen by regwatch",
                 changes[0][1]["detected_at"] if changes else generated_at)
    if register_url:
        _add(feed, "link", rel="alternate", href=register_url)
    for stem, change in changes:
        feed.append(_atom_entry(source, stem, change, register_url))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def atom_id(source: str, stem: str, change: Record) -> str:
    """The same change keeps its id in every rewrite of the feed. `stem` is the change
    file's name: the detection time, with the suffix that tells two crawls in a second apart."""
    parts = (source, change["entry_id"], change["kind"], change["field"], stem)
    return TAG_PREFIX + ":".join(quote(str(part), safe="/") for part in parts)


def _atom_entry(source: str, stem: str, change: Record, register_url: str) -> etree._Element:
    entry = etree.Element(f"{{{ATOM}}}entry")
    _add(entry, "id", atom_id(source, stem, change))
    _add(entry, "title", atom_title(change))
    _add(entry, "updated", change["detected_at"])
    link = change["entry"]["source_url"] if change["entry"] else register_url
    if link:
        _add(entry, "link", rel="alternate", href=link)
    _add(entry, "content", "\n".join(atom_details(change)), type="text")
    return entry


def announcements_atom(events: list[Record], generated_at: str) -> bytes:
    """RFC 4287 feed of announced designations (`pipelines.announcements.articles.events` rows, newest
    first): the early warnings for a feed reader, each linked to its article; an entry's id
    is made of its article and organisation, so it survives a rebuilt database."""
    feed = _feed("announcements", "Designations announced, seen by regwatch",
                 max((e["fetched_at"] for e in events), default=generated_at))
    for event in events:
        entry = _add(feed, "entry")
        key = "\n".join((event["url"], event["organisation"], event["kind"]))
        _add(entry, "id", TAG_PREFIX + "announcement:" + hashlib.sha256(key.encode()).hexdigest()[:32])
        status = "not yet in the register" if event["status"] == "pending" else (
            f"in the register as {event['entry_id']}" if event["entry_id"] else event["status"])
        _add(entry, "title", f"{str(event['kind']).capitalize()}: {event['organisation']} ({status})")
        _add(entry, "updated", event["fetched_at"])
        if event["url"].startswith(("https://", "http://")):
            _add(entry, "link", rel="alternate", href=event["url"])
        facts = (("Organisation", "organisation"), ("Also named", "other_name"), ("Acronym", "acronym"),
                 ("Country", "country"), ("Decision", "decision_date"), ("Register date", "register_date"),
                 ("Authority", "authority"), ("Published", "published_on"), ("Article", "title"))
        lines = [f"{label}: {event[key]}" for label, key in facts if event.get(key)]
        _add(entry, "content", "\n".join([*lines, f"«{event['sentence']}»"]), type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _feed(feed_id: str, title: str, updated: str) -> etree._Element:
    """An Atom feed element with what RFC 4287 requires of it (id, title, updated, author)."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(feed, "id", TAG_PREFIX + feed_id)
    _add(feed, "title", title)
    _add(feed, "updated", updated)
    _add(_add(feed, "author"), "name", "regwatch")
    _add(feed, "generator", "regwatch")
    return feed


def _add(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text:
        child.text = _NOT_XML.sub("", text)
    return child


def atom_title(change: Record) -> str:
    """'Modified (name): №57 Stichting Bellingcat (Нидерланды)'."""
    if change["kind"] == BASELINE:
        return f"Baseline: {change['number']} entries"
    field = f" ({change['field']})" if change["kind"] == "modified" else ""
    return f"{str(change['kind']).capitalize()}{field}: №{change['number']} {change['name']}"


def atom_details(change: Record) -> list[str]:
    """What changed, then the entry as it now stands: one fact a line."""
    # A removed change has no entry left: its name and id still say which one it was.
    entry = {"name": change["name"], "entry_id": change["entry_id"], **(change["entry"] or {})}
    kind = change["kind"]
    if kind == BASELINE:
        lines = [f"First crawl: {change['number']} entries in the register."]
    elif kind == "added":
        lines = ["Added to the register."]
    elif kind == REMOVED:
        lines = [f"No longer published in the register (status was {change['old']})."]
    else:
        old, new = change["old"] or "(empty)", change["new"] or "(empty)"
        lines = [f"{change['field']}: {old} → {new}"]
    facts = (("Name", "name"), ("Country", "country"), ("Designated on", "designated_on"),
             ("Listed on", "listed_on"), ("Listing order", "listing_order"),
             ("Excluded on", "excluded_on"), ("Exclusion order", "exclusion_order"),
             ("Status", "status"), ("Entry", "entry_id"))
    lines += [f"{label}: {entry[key]}" for label, key in facts if entry.get(key)]
    return [*lines, f"Detected at: {change['detected_at']}"]


# --- files ----------------------------------------------------------------------------------

def read_index(folder: Path, source: str = "") -> Record:
    path = folder / INDEX_FILE
    try:
        return _read_json(path)
    except FileNotFoundError:
        return {"source": source, "files": []}
    except ValueError:  # torn by a crash of the machine (it is not flushed to disk)
        return index_of_files(folder, source)


_INDEX_END = b"\n]}\n"  # how _write_document ends the index: one row a line, then this


def last_index_row(folder: Path) -> Record | None:
    """The index's last row, read from its last line alone (a feed polled every minute for a
    year has half a million rows); None when it has none or is not as written (torn by a
    crash): a caller then reads it whole (read_index)."""
    try:
        with open(folder / INDEX_FILE, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 8192))
            tail = handle.read()
    except FileNotFoundError:
        return None
    return _row_ending(tail)


def _row_ending(data: bytes) -> Record | None:
    """The row on the last line of index bytes `data` (or of their tail)."""
    if not data.endswith(_INDEX_END):
        return None
    line = data[data.rfind(b"\n", 0, len(data) - len(_INDEX_END)) + 1:len(data) - len(_INDEX_END)]
    if not line.startswith(b'{"file": '):
        return None
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row if isinstance(row, dict) and isinstance(row.get("file"), str) else None


def index_of_files(folder: Path, source: str = "") -> Record:
    """The index as the change files give it: each names its crawl, outcome and snapshot."""
    rows = []
    for path in sorted(folder.glob("*.json"), key=_file_order):
        if path.name == INDEX_FILE:
            continue
        document = _read_json(path)
        source = source or document["source"]
        snapshot = {key: document[key] for key in ("snapshot_id", "snapshot_taken_at") if "snapshot_id" in document}
        rows.append({"file": path.name, "crawled_at": document["crawled_at"], "outcome": document["outcome"],
                     "changes": len(document["changes"]), **snapshot})
    return {"source": source, "files": rows}


def _file_order(path: Path) -> tuple[str, int]:
    """'20260814T101500Z_2.json' after '20260814T101500Z.json', '…_10' after '…_9'."""
    stem, _, suffix = path.stem.partition("_")
    return stem, int(suffix or 1)


def write_feeds(data_dir: Path, source: str, outcome: str, crawled_at: str,
                snapshot_taken_at: str, changes: list[Change], entries: list[Entry],
                restated: Iterable[Entry] = (), snapshot_id: int | None = None) -> None:
    """One change file from changes in hand (a reparse, a poll that found nothing new):
    `entries` holds at least the changed entries as they now stand. A feed with no file
    yet starts with the whole register, as latest.json lists it."""
    records = change_records(changes, entries) + restated_records(restated, crawled_at)
    folder = data_dir / source / FEED_FOLDER
    if outcome == BASELINE or not read_index(folder, source)["files"]:
        records = baseline_records(_latest_entries(data_dir / source), crawled_at) + records
    write_feed_file(data_dir, source, outcome, crawled_at, snapshot_taken_at, records, snapshot_id)


def restated_records(restated: Iterable[Entry], crawled_at: str) -> list[Record]:
    return [{**change_record(Change(RESTATED, e.entry_id, e.number, e.name, detected_at=crawled_at)),
             "entry": entry_record(e)} for e in restated]


def write_feed_file(data_dir: Path, source: str, outcome: str, crawled_at: str,
                    snapshot_taken_at: str, records: Iterable[Record],
                    snapshot_id: int | None = None, written: Written | None = None) -> str:
    """Write one change file (streamed: a baseline lists every entry), add it to the index,
    and put its news at the head of the Atom feed. Returns the file's name. `written`: its
    baseline records, written already (`records` then empty)."""
    folder = data_dir / source / FEED_FOLDER
    index = _IndexEnd(folder, source)
    name = feed_file_name(crawled_at, index)
    previous = index.last_file()
    head = feed_document(source, crawled_at, outcome, snapshot_taken_at, previous, [])
    if snapshot_id is not None:
        head["snapshot_id"] = snapshot_id
    stem, news = name.removesuffix(".json"), []
    count, listed, first_listed = 0, 0, None

    def write(handle: IO[bytes]) -> None:
        nonlocal count, listed, first_listed
        if written is not None:
            with open(written.path, "rb") as body:
                shutil.copyfileobj(body, handle, 1 << 20)
            count, listed, first_listed = written.count, written.count, written.first
        for record in records:
            if record["kind"] == BASELINE:  # the Atom feed shows a baseline as one entry
                listed, first_listed = listed + 1, first_listed or record
            elif record["kind"] != RESTATED:
                news.append(record)
            handle.write((b",\n" if count else b"\n") + _json(record))
            count += 1
    atomic_write(folder / name, lambda handle: _write_document(handle, head, "changes", write))
    row = {"file": name, "crawled_at": crawled_at, "outcome": outcome, "changes": count,
           **({"snapshot_id": snapshot_id, "snapshot_taken_at": snapshot_taken_at}
              if snapshot_id is not None else {})}
    index.add(row)
    if first_listed is not None:
        news.insert(0, _baseline_summary(first_listed, listed))
    _update_atom(data_dir, source, [(stem, change) for change in news], crawled_at)
    return name


class _IndexEnd:
    """The index as a crawl adds a row to it. As written (one row a line), its bytes get the
    row spliced in at the end: a feed polled every minute has half a million rows in a year,
    and reading them as JSON and writing them again grew with every poll. Else (missing,
    torn by a crash) the rows are read whole and written again."""

    def __init__(self, folder: Path, source: str) -> None:
        self.folder, self.source = folder, source
        try:
            self.known = (folder / INDEX_FILE).read_bytes()
        except FileNotFoundError:
            self.known = b""
        self.last = _row_ending(self.known)
        self.whole = read_index(folder, source) if self.last is None else None

    def __contains__(self, name: object) -> bool:
        """Whether the feed has a file named `name` (feed_file_name asks of its candidates):
        each is looked for on disk, not by listing a folder that grows with every poll."""
        if self.whole is not None:
            return any(row["file"] == name for row in self.whole["files"])
        return name == self.last["file"] or (isinstance(name, str) and (self.folder / name).exists())  # type: ignore[index]

    def last_file(self) -> str | None:
        if self.whole is not None:
            return self.whole["files"][-1]["file"] if self.whole["files"] else None
        return self.last["file"]  # type: ignore[index]

    def add(self, row: Record) -> None:
        # not flushed to disk: the change files are the record, and a torn index is made again from them
        if self.whole is None:
            data = self.known[:-len(_INDEX_END)] + b",\n" + _json(row) + _INDEX_END
            atomic_write_bytes(self.folder / INDEX_FILE, data, durable=False)
            return
        rows = [*self.whole["files"], row]
        atomic_write(self.folder / INDEX_FILE, durable=False, write=lambda handle: _write_document(
            handle, {"source": self.whole["source"] or self.source}, "files",  # type: ignore[index]
            lambda h: h.write(b"".join((b",\n" if i else b"\n") + _json(r) for i, r in enumerate(rows)))))


def _update_atom(data_dir: Path, source: str, news: list[tuple[str, Record]], generated_at: str) -> None:
    """The new changes at the head of changes.atom, the older entries kept as they were
    (read back from the feed itself, not from the change files): a crawl costs what it
    found. A missing feed is rebuilt from the change files."""
    atom = data_dir / source / ATOM_FILE
    if not atom.exists():
        # the newest file's news are at hand: only older files are read (a baseline's is big)
        index = read_index(data_dir / source / FEED_FOLDER, source)
        older = {**index, "files": index["files"][:-1]}
        found = news + (recent_changes(_newest_first(data_dir / source / FEED_FOLDER, older),
                                       ATOM_LIMIT - len(news)) if len(news) < ATOM_LIMIT else [])
        atomic_write_bytes(atom, atom_feed(source, found[:ATOM_LIMIT], generated_at))
        return
    if not news:
        return
    old = etree.parse(str(atom), etree.XMLParser(resolve_entities=False, huge_tree=True)).getroot()
    feed = etree.fromstring(atom_feed(source, news[:ATOM_LIMIT], generated_at))
    if feed.find(f"{{{ATOM}}}link") is None and (link := old.find(f"{{{ATOM}}}link")) is not None:
        feed.find(f"{{{ATOM}}}generator").addnext(link)  # type: ignore[union-attr]
    kept = ATOM_LIMIT - len(feed.findall(f"{{{ATOM}}}entry"))
    for entry in old.findall(f"{{{ATOM}}}entry")[:max(kept, 0)]:
        feed.append(entry)
    atomic_write_bytes(atom, etree.tostring(feed, xml_declaration=True, encoding="utf-8",
                                            pretty_print=True))


def _newest_first(folder: Path, index: Record) -> Iterator[tuple[str, Record]]:
    """Change files that hold changes, newest first, each read only when asked for."""
    for row in reversed(index["files"]):
        if row["changes"]:
            yield row["file"].removesuffix(".json"), _read_json(folder / row["file"])


def _latest_entries(folder: Path) -> list[Record]:
    """What latest.json lists: exactly the register a replay must rebuild."""
    return _read_json(folder / "latest.json")["entries"]


def _read_json(path: Path) -> Record:
    return json.loads(path.read_text(encoding="utf-8"))


def _json(record: Record) -> bytes:
    # No indent: with one, Python falls back to its pure-Python encoder (14 s and +1 GB
    # for a 100 000-entry baseline); one record a line keeps the files readable.
    return _encode(record).encode("utf-8")


_encode = json.JSONEncoder(ensure_ascii=False).encode  # one for every record (json.dumps with options makes one each)


def _write_document(handle: IO[bytes], head: Record, key: str,
                    write_items: Callable[[IO[bytes]], object]) -> None:
    """`head` as a JSON object whose last member, `key`, is a list the caller streams."""
    head = {k: v for k, v in head.items() if k != key}
    handle.write(_json(head)[:-1] + f', "{key}": ['.encode())
    write_items(handle)
    handle.write(b"\n]}\n")
