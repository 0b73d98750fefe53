"""The combined `all` export: every register's current entries in one table, a `register`
column first, and the data package that describes each register's files and this one.

Columns are the union of the registers' own (export_columns, in that order), so a cell a
register does not have is empty; every row keeps its provenance (`source_url`, and the
`snapshot_taken_at` of the register's state it comes from). Written by publish/sync.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.publish.dictionary import REGISTER_SCHEMA_FILE, latest_resources, table_schema
from pipelines.publish.export import entry_record
from pipelines.register.models import Entry
from pipelines.storage.store import Snapshot

ALL = "all"  # the folder beside the registers' own, and the `register` of none of them
COMBINED_FILES = ("latest.csv", "latest.json", "latest.xlsx", REGISTER_SCHEMA_FILE)
PARTS = "parts"  # all/parts/<register>.csv and .json: a register's combined rows, kept until it changes
PACKAGE = "datapackage.json"  # at the top of the data directory: paths are <folder>/<file>


def combined_columns(register_columns: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """`register`, the union of the registers' columns in their order, `snapshot_taken_at`."""
    union: list[str] = []
    for columns in register_columns:
        union.extend(c for c in columns if c not in union)
    return ("register", *union, "snapshot_taken_at")


@dataclass(frozen=True)
class Part:
    """One register's share of the combined export."""

    source: str
    snapshot: Snapshot
    columns: tuple[str, ...]  # the register's own export columns
    entries: Sequence[Entry]


class Row:
    """An entry as a combined row: its register's columns, empty for the others' (the
    writers read cells by attribute)."""

    __slots__ = ("_entry", "_own", "register", "snapshot_taken_at")

    def __init__(self, part: Part, entry: Entry) -> None:
        self.register, self.snapshot_taken_at = part.source, part.snapshot.taken_at
        self._entry, self._own = entry, part.columns

    def __getattr__(self, column: str) -> object:
        return getattr(self._entry, column) if column in self._own else ""


def rows(parts: Iterable[Part]) -> Iterable[Row]:
    for part in parts:
        for entry in part.entries:
            yield Row(part, entry)


def json_lines(part: Part, columns: Sequence[str]) -> Iterator[bytes]:
    """Each entry of `part` as a line of the combined latest.json; a column its register lacks is null."""
    for entry in part.entries:
        record = entry_record(entry)
        line = {c: part.source if c == "register" else part.snapshot.taken_at if c == "snapshot_taken_at"
                else record.get(c) for c in columns}
        yield json.dumps(line, ensure_ascii=False).encode("utf-8")


def json_head(parts: Sequence[Part], columns: Sequence[str], generated_at: str, count: int) -> bytes:
    """As a register's latest.json, one entry a line. `registers`: each register's snapshot
    and the SHA-256 of the raw replies it was read from."""
    head = {"source": ALL, "generated_at": generated_at,
            "registers": [{"source": p.source, "snapshot_taken_at": p.snapshot.taken_at,
                           "raw_replies_sha256": list(p.snapshot.replies)} for p in parts],
            "count": count, "columns": list(columns)}
    return json.dumps(head, ensure_ascii=False)[:-1].encode("utf-8") + b', "entries": [\n'


JSON_END = b"\n]}\n"


def splice(part: Part, columns: Sequence[str]) -> tuple[bytes, bytes, bytes, bytes] | None:
    """What to put around a line of the register's own latest.csv and latest.json to make it
    a line of the combined ones, text only (csv before, after; json before, after): the
    register's columns lead the combined ones, the others' are empty (null), the snapshot's
    time closes the line. None when its columns do not lead: its rows are made from entries."""
    own = tuple(part.columns)
    if tuple(columns[1:1 + len(own)]) != own:
        return None
    others = columns[1 + len(own):-1]
    taken = json.dumps(part.snapshot.taken_at).encode()
    return (part.source.encode() + b",", b"," * (len(others) + 1) + part.snapshot.taken_at.encode() + b"\n",
            b'{"register": ' + json.dumps(part.source).encode() + b", ",
            b"".join(b", " + json.dumps(c).encode() + b": null" for c in others)
            + b', "snapshot_taken_at": ' + taken + b"}")


def package(parts: Sequence[Part], columns: tuple[str, ...], generated_at: str) -> dict[str, Any]:
    """The data package of every register's latest files and the combined ones (paths from
    the data directory; dated snapshots are in each register's own datapackage.json)."""
    resources = []
    for part in parts:
        resources += latest_resources(part.columns, f"{part.source}/", part.source.replace("_", "-") + "-",
                                      part.source)
    resources += latest_resources(columns, f"{ALL}/", f"{ALL}-", "every register", changes=False)
    return {"name": "regwatch-all", "title": "regwatch: every register", "profile": "data-package",
            "created": generated_at,
            "description": "Exports of the official Russian registers regwatch keeps ("
                           + ", ".join(p.source for p in parts) + "), each register's and all of "
                           "them in one table (all/, a `register` column first); every row names its "
                           "official source (source_url) and the register's snapshot it comes from.",
            "resources": resources}


def combined_schema(columns: Sequence[str]) -> dict[str, Any]:
    return table_schema(columns, primary_key="entry_id")
