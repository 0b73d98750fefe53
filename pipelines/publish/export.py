"""The files a journalist opens: CSV, XLSX and JSON of the register, and every change.

Writers stream entries to a file handle (a 100 000-row register never sits in memory
as text); `write_exports` writes them atomically under `<data_dir>/<source>/`.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import IO

from pipelines.publish import xlsx
from pipelines.publish.dictionary import (
    CHANGE_COLUMNS,
    EXPORT_COLUMNS,
    REGISTER_SCHEMA_FILE,
    datapackage,
    export_columns,
    table_schema,
)
from pipelines.register.diff import format_value
from pipelines.register.models import EXCLUDED, LISTED, Change, Entry
from pipelines.storage.atomic import atomic_write, atomic_write_bytes

# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a CSV cell inert: a leading apostrophe keeps a spreadsheet from running it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@functools.lru_cache(maxsize=64)
def _columns_of(source: str) -> tuple[tuple[str, ...], Callable[[object], tuple[object, ...]]]:
    """A register's export columns and a getter of their values (a first crawl asks 100 000 times)."""
    columns = export_columns(source)
    return columns, _getter(columns)


def _getter(columns: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    get = attrgetter(*columns)
    return get if len(columns) > 1 else lambda obj: (get(obj),)


def entry_record(entry: Entry) -> dict[str, object]:
    """An entry as JSON-ready data, with its register's columns: lists stay lists, and
    identifiers are an object ({"inn": "…", "ogrn": "…"})."""
    columns, values = _columns_of(entry.entry_id.split("/", 1)[0])
    return {c: (dict(v) if c == "identifiers" else list(v)) if isinstance(v, tuple) else v
            for c, v in zip(columns, values(entry))}


def change_record(change: Change) -> dict[str, object]:
    return {c: getattr(change, c) for c in CHANGE_COLUMNS}


def _lines(objects: Iterable[object], columns: tuple[str, ...]) -> Iterator[list[str]]:
    """Each entry or change as the text of its cells, produced one at a time."""
    values = _getter(columns)
    for obj in objects:
        yield [v if v.__class__ is str else format_value(v) for v in values(obj)]


def write_csv(handle: IO[bytes], objects: Iterable[object], columns: tuple[str, ...], header: bool = True) -> None:
    # neutralise, inlined: it runs for every cell of every row
    _write_rows(handle, ([("'" + cell) if cell.startswith(_FORMULA_STARTS) else cell for cell in line]
                         for line in _lines(objects, columns)), [columns] if header else [])


def _write_rows(handle: IO[bytes], rows: Iterable[Sequence[str]], head: list[Sequence[str]]) -> None:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows(head)
    writer.writerows(rows)
    text.flush()
    text.detach()  # the caller owns the handle


def write_xlsx(handle: IO[bytes], objects: Iterable[object], columns: tuple[str, ...],
               title: str) -> None:
    """Every cell is text (see pipelines/xlsx.py): nothing can run as a formula."""
    xlsx.write_xlsx(handle, columns, _lines(objects, columns), sheet_name=title)


def write_entries_json(handle: IO[bytes], entries: Iterable[Entry], source: str,
                       generated_at: str, raw_replies: list[str] | None = None) -> None:
    """One entry per line inside a JSON document, written as it goes. `raw_replies`: SHA-256
    of the raw replies the data was read from (see raw/ and the raw_replies table), so a
    quoted figure can be traced to the bytes the source served."""
    entries = list(entries)
    write_json_lines(handle, source, generated_at, raw_replies, len(entries), map(entry_line, entries))


# json.dumps with an option builds an encoder per call: one serves every line
_encode = json.JSONEncoder(ensure_ascii=False).encode


def entry_line(entry: Entry) -> bytes:
    """An entry's line of latest.json (and inside its record in a change file: feeds.baseline_chunk)."""
    return _encode(entry_record(entry)).encode("utf-8")


def write_json_lines(handle: IO[bytes], source: str, generated_at: str, raw_replies: list[str] | None,
                     count: int, lines: Iterable[bytes]) -> None:
    """latest.json's head, then `count` entry lines (one JSON object each)."""
    head = {"source": source, "generated_at": generated_at,
            **({"raw_replies_sha256": raw_replies} if raw_replies is not None else {}),
            "count": count, "columns": list(export_columns(source))}
    handle.write(json.dumps(head, ensure_ascii=False)[:-1].encode("utf-8") + b', "entries": [\n')
    written = 0
    for line in lines:
        handle.write((b",\n" if written else b"") + line)
        written += 1
    if written != count:  # a patch that does not add up: the caller writes the file afresh
        raise StalePatch(f"latest.json: {written} entries, not {count}")
    handle.write(b"\n]}\n" if written else b"]}\n")


def _to_bytes(write: Callable[[IO[bytes]], None]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def entries_csv(entries: list[Entry], columns: tuple[str, ...] = EXPORT_COLUMNS) -> bytes:
    return _to_bytes(lambda h: write_csv(h, entries, columns))


def entries_xlsx(entries: list[Entry], columns: tuple[str, ...] = EXPORT_COLUMNS) -> bytes:
    return _to_bytes(lambda h: write_xlsx(h, entries, columns, "register"))


def entries_json(entries: list[Entry], source: str, generated_at: str,
                 raw_replies: list[str] | None = None) -> bytes:
    return _to_bytes(lambda h: write_entries_json(h, entries, source, generated_at, raw_replies))


def changes_csv(found: list[Change]) -> bytes:
    return _to_bytes(lambda h: write_csv(h, found, CHANGE_COLUMNS))


def changes_json(found: list[Change]) -> bytes:
    return json.dumps([change_record(c) for c in found], ensure_ascii=False, indent=1).encode() + b"\n"


def render(entries: list[Entry], fmt: str, source: str, generated_at: str) -> bytes:
    if fmt == "csv":
        return entries_csv(entries, export_columns(source))
    if fmt == "xlsx":
        return entries_xlsx(entries, export_columns(source))
    if fmt == "json":
        return entries_json(entries, source, generated_at)
    raise ValueError(f"unknown export format {fmt!r} (csv, xlsx or json)")


def snapshot_name(taken_at: str) -> str:
    """'2026-08-14T10:15:00+00:00' → '20260814T101500Z.csv' (sortable, safe in any file system)."""
    stamp = taken_at.replace("+00:00", "").replace("Z", "")
    return stamp.replace("-", "").replace(":", "").split(".")[0] + "Z.csv"


LATEST_FILES = ("latest.csv", "latest.xlsx", "latest.json", "changes.csv")


def exports_present(data_dir: Path, source: str) -> bool:
    return all((data_dir / source / name).exists() for name in LATEST_FILES)


def write_exports(data_dir: Path, source: str, entries: list[Entry], all_changes: list[Change],
                  taken_at: str, raw_replies: list[str], new_snapshot: bool) -> Path:
    """Write latest.{csv,xlsx,json} and changes.csv; a dated snapshot CSV only when the data changed."""
    folder = data_dir / source
    write_latest(folder, source, entries, all_changes, taken_at, raw_replies)
    if new_snapshot:
        keep_snapshot(folder, taken_at)
    write_datapackage(folder, source, taken_at)
    write_latest_xlsx(folder, entries)
    return folder


Writer = Callable[[Path, Callable[[IO[bytes]], object]], None]


def write_latest(folder: Path, source: str, entries: list[Entry], all_changes: list[Change],
                 taken_at: str, raw_replies: list[str], write: Writer = atomic_write) -> None:
    """latest.csv, latest.json and changes.csv, each streamed to disk."""
    write(folder / "latest.csv", lambda h: write_csv(h, entries, export_columns(source)))
    write(folder / "latest.json", lambda h: write_entries_json(h, entries, source, taken_at, raw_replies))
    write(folder / "changes.csv", lambda h: write_csv(h, all_changes, CHANGE_COLUMNS))


class StalePatch(Exception):
    """The files a patch starts from are not what it needs: write them afresh instead."""


_JSON_LINE = re.compile(rb'^\{"entry_id": "([^"\\]*)", "number": (\d+)[,}]')


def patch_latest(folder: Path, source: str, count: int, touched: list[Entry], dropped: set[str],
                 found: list[Change], changes_before: int, taken_at: str, raw_replies: list[str],
                 write: Writer = atomic_write) -> None:
    """latest.csv, latest.json and changes.csv of the snapshot before, brought to the next
    one (of `count` entries) in one pass over each: the lines of entries that snapshot left
    alone are copied, those of `touched` (new versions) take their place in number order,
    those of `dropped` go, and `found` (its changes) is appended to changes.csv, which must
    hold `changes_before` changes (a run killed after appending them must not append them
    twice). Raises StalePatch when the files are not shaped as this module writes them."""
    with open(folder / "changes.csv", encoding="utf-8", newline="") as listed:
        if sum(1 for _ in csv.reader(listed)) != changes_before + 1:  # and the header
            raise StalePatch(f"changes.csv: not the {changes_before} changes before this snapshot")
    gone = dropped | {e.entry_id for e in touched}
    touched = sorted(touched, key=lambda e: e.number)
    columns = export_columns(source)
    # Old lines are copied as bytes, never parsed into cells: only their id and number are read.
    fresh_csv = [(e.number, _csv_line([neutralise(c) for c in line]))
                 for e, line in zip(touched, _lines(touched, columns))]
    fresh_json = [(e.number, entry_line(e)) for e in touched]

    def patched_csv(old: IO[bytes], handle: IO[bytes]) -> None:
        records = csv_records(old)
        header = _csv_line(columns)
        if next(records, None) != header:
            raise StalePatch("latest.csv: not this register's columns")
        handle.write(header)
        handle.writelines(_merged(records, _csv_key, gone, fresh_csv))

    def json_lines(old: IO[bytes]) -> Iterator[bytes]:
        next(old)  # the head, written anew
        lines = (line.rstrip(b"\n").removesuffix(b",") for line in old if not line.startswith(b"]}"))
        return _merged(lines, _json_key, gone, fresh_json)

    with open(folder / "latest.csv", "rb") as old_csv:
        write(folder / "latest.csv", lambda h: patched_csv(old_csv, h))
    with open(folder / "latest.json", "rb") as old_json:
        write(folder / "latest.json", lambda h: write_json_lines(h, source, taken_at, raw_replies, count,
                                                                 json_lines(old_json)))
    with open(folder / "changes.csv", "rb") as old_changes:
        def appended(handle: IO[bytes]) -> None:
            shutil.copyfileobj(old_changes, handle)
            write_csv(handle, found, CHANGE_COLUMNS, header=False)
        write(folder / "changes.csv", appended)


def _merged(old: Iterable[bytes], key: Callable[[bytes], tuple[str, int]], gone: set[str],
            fresh: list[tuple[int, bytes]]) -> Iterator[bytes]:
    """The old lines (in number order) but those of entries `gone`, with the `fresh` ones
    (number, line) in number order among them: an old line first at an equal number."""
    pending = iter(fresh)
    upcoming = next(pending, None)
    for line in old:
        entry_id, number = key(line)
        while upcoming is not None and upcoming[0] < number:
            yield upcoming[1]
            upcoming = next(pending, None)
        if entry_id not in gone:
            yield line
    while upcoming is not None:
        yield upcoming[1]
        upcoming = next(pending, None)


def _json_key(line: bytes) -> tuple[str, int]:
    """An entry line of latest.json → (entry_id, number)."""
    if (match := _JSON_LINE.match(line)) is None:
        raise StalePatch(f"latest.json: not an entry line: {line[:80]!r}")
    return match[1].decode(), int(match[2])


def _csv_key(record: bytes) -> tuple[str, int]:
    """A record of latest.csv → (entry_id, number): its first two cells, never quoted."""
    first = record.index(b",")
    if record.startswith(b'"'):
        raise StalePatch(f"latest.csv: not an entry record: {record[:80]!r}")
    return record[:first].decode(), int(record[first + 1:record.index(b",", first + 1)])


def csv_records(handle: IO[bytes]) -> Iterator[bytes]:
    """A CSV file's records as bytes: a quoted cell may hold a line break, so a record ends at
    the first line break after an even number of quotes (csv.writer doubles a quote inside)."""
    pending = b""
    for line in handle:
        pending += line
        if pending.count(b'"') % 2 == 0:
            yield pending
            pending = b""
    if pending:
        raise StalePatch("latest.csv: a quoted cell that never ends")


def _csv_line(cells: Sequence[str]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    return text.getvalue().encode("utf-8")


def write_latest_xlsx(folder: Path, entries: list[Entry], write: Writer = atomic_write) -> None:
    """latest.xlsx of `entries` (publish makes it from latest.json instead: latest_xlsx.py)."""
    write(folder / "latest.xlsx", lambda h: write_xlsx(h, entries, export_columns(folder.name), "register"))


def record_cells(record: dict[str, object], columns: Sequence[str]) -> list[str]:
    """An entry_record's cells as _lines gives the entry's (identifiers back as pairs; a
    column a combined row's register lacks, null, empty)."""
    return [v if (v := record[c]).__class__ is str  # most cells: nothing to format
            else format_value(tuple(v.items()) if isinstance(v, dict) else v) for c in columns]


def keep_snapshot(folder: Path, taken_at: str, write: Writer = atomic_write) -> Path:
    """snapshots/<taken_at>.csv, a copy of latest.csv. Twice for one snapshot (a rebuild
    after a crash) finds the copy made the first time; two snapshots within one second
    keep both (`_2` sorts after)."""
    stem = snapshot_name(taken_at)[:-4]
    target, suffix = folder / "snapshots" / f"{stem}.csv", 1
    while target.exists():
        if _same_bytes(target, folder / "latest.csv"):
            return target
        suffix += 1
        target = target.with_name(f"{stem}_{suffix}.csv")
    with open(folder / "latest.csv", "rb") as latest:
        write(target, lambda h: shutil.copyfileobj(latest, h))
    return target


def _same_bytes(one: Path, other: Path) -> bool:
    if one.stat().st_size != other.stat().st_size:
        return False
    with open(one, "rb") as a, open(other, "rb") as b:
        while chunk := a.read(1 << 20):
            if chunk != b.read(len(chunk)):
                return False
    return True


def write_datapackage(folder: Path, source: str, generated_at: str) -> None:
    """datapackage.json (Frictionless Data) and the register's schema, beside the files."""
    snapshots = sorted(f"snapshots/{p.name}" for p in (folder / "snapshots").glob("*.csv"))
    columns = export_columns(source)
    for name, document in ((REGISTER_SCHEMA_FILE, table_schema(columns, "entry_id")),
                           ("datapackage.json", datapackage(source, snapshots, generated_at, columns))):
        atomic_write_bytes(folder / name, json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n")


def register_at(entries: list[Entry], day: str) -> list[Entry]:
    """The register as it officially stood on `day` (ISO date), by the dates of the
    inclusion and exclusion orders. An entry without an inclusion date counts from the
    day regwatch first saw it."""
    standing = []
    for entry in entries:
        since = entry.listed_on or entry.first_seen[:10]
        if not since or since > day:
            continue
        if entry.excluded_on and entry.excluded_on <= day:
            standing.append(entry if entry.status == EXCLUDED else replace(entry, status=EXCLUDED))
        else:
            standing.append(replace(entry, status=LISTED, excluded_on="", exclusion_order=""))
    return standing
