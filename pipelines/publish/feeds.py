"""Change feeds beside the exports, for readers who follow the register rather than download it.

After every good crawl (baseline, changed, unchanged) one JSON file under
`<source>/changes/`, named by the crawl's UTC time, lists what changed, each change with
the entry as it stands after it (None once removed). A feed's first file lists every
entry as a change of kind `baseline`, so replaying the files in order (`replay`)
rebuilds `latest.json`; `changes/index.json` lists the files in order. An empty
`changes` means the register was read and found unchanged: a missing file means no crawl.

A crawl whose published text differs only in form (diff stores no Change) gets an empty
file too: diff keeps such an entry's id, first_seen and last_changed, its content fields
are equal by definition, and source_url comes from the source's metadata, so no exported
field moves and replay still matches.

`<source>/changes.atom` (RFC 4287) shows the latest 200 changes to a feed reader,
newest first; it is rewritten after a crawl that found changes (or when it is missing).
A first crawl is one Atom entry ("Baseline: N entries"), not one per row: its hundreds
of rows would push every real change out of the feed, and are not news.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from pipelines.publish.export import change_record, entry_record, snapshot_name
from pipelines.register.models import REMOVED, Change, Entry
from pipelines.storage.atomic import atomic_write_bytes

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

def feed_file_name(crawled_at: str, taken: Collection[str]) -> str:
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


def feed_document(source: str, crawled_at: str, outcome: str, snapshot_taken_at: str,
                  previous: str | None, changes: list[Record]) -> Record:
    return {"source": source, "crawled_at": crawled_at, "outcome": outcome,
            "snapshot_taken_at": snapshot_taken_at, "previous": previous, "changes": changes}


def with_file(index: Record, name: str, document: Record) -> Record:
    """The index with one more file listed at its end."""
    row = {"file": name, "crawled_at": document["crawled_at"], "outcome": document["outcome"],
           "changes": len(document["changes"])}
    return {"source": index["source"], "files": [*index["files"], row]}


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
            found.append((stem, _baseline_summary(listed)))
        found.extend((stem, c) for c in document["changes"] if c["kind"] not in (BASELINE, RESTATED))
        if len(found) >= limit:  # older files are never read
            break
    return found[:limit]


def _baseline_summary(listed: list[Record]) -> Record:
    """One change standing for a whole first crawl; `number` says how many entries it listed."""
    first = listed[0]
    return {**first, "entry_id": "", "number": len(listed), "name": "", "new": "",
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
    return _read_json(path) if path.exists() else {"source": source, "files": []}


def write_feeds(data_dir: Path, source: str, outcome: str, crawled_at: str,
                snapshot_taken_at: str, changes: list[Change], entries: list[Entry],
                restated: Iterable[Entry] = ()) -> None:
    """After a good crawl, once the exports are written: one change file, the index, and
    the Atom feed when there is news (or no feed yet)."""
    folder = data_dir / source / FEED_FOLDER
    index = read_index(folder, source)
    records = change_records(changes, entries) + [
        {**change_record(Change(RESTATED, e.entry_id, e.number, e.name, detected_at=crawled_at)),
         "entry": entry_record(e)} for e in restated]
    if outcome == BASELINE or not index["files"]:  # a feed starts with the whole register
        records = baseline_records(_latest_entries(data_dir / source), crawled_at) + records
    name = feed_file_name(crawled_at, {row["file"] for row in index["files"]})
    previous = index["files"][-1]["file"] if index["files"] else None
    document = feed_document(source, crawled_at, outcome, snapshot_taken_at, previous, records)
    _write_json(folder / name, document)
    index = with_file(index, name, document)
    _write_json(folder / INDEX_FILE, index)
    atom = data_dir / source / ATOM_FILE
    if records or not atom.exists():
        atomic_write_bytes(atom, atom_feed(source, recent_changes(_newest_first(folder, index)),
                                           crawled_at))


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


def _write_json(path: Path, document: Record) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))
