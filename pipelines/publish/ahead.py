"""A first crawl's biggest files, written while its database commit runs.

A first crawl of a big register spends seconds committing (on PostgreSQL the server does
much of it, on the other core) and as many writing latest.csv, latest.json, changes.csv
and the change feed's first file, which list every entry. These depend only on the
entries in hand, the crawl's time and its raw replies, so a forked child writes them to
hidden temporary files (named as atomic_write names its own: `.<target>.<random>.tmp`,
which a later run removes if this one dies) while the crawl's own process commits.
`publish` puts them in place once the commit succeeded and only if they show the snapshot
it stored; a failed commit discards them. Nothing is published before the database holds
it, and the files are the bytes `publish` would have written itself.

One process does it all where fork does not exist, and for a small register.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipelines.publish import feeds
from pipelines.publish.dictionary import CHANGE_COLUMNS, export_columns
from pipelines.publish.export import entry_line, write_csv, write_json_lines
from pipelines.register.models import Entry

MIN_ENTRIES = 20_000  # below this, a fork costs more than the writing it moves off the path
LATEST = ("latest.csv", "latest.json", "changes.csv")  # written together (the XLSX apart), in this order
FEED_RECORDS = "records"  # the records of the feed's first file (its body), in changes/


@dataclass
class Ahead:
    """Files a forked child is writing (or wrote) for a first crawl's snapshot."""
    entries: list[Entry]  # the state they list (the crawl's own list, not a copy)
    taken_at: str  # the snapshot's time, which every file names
    replies: list[str]  # …and its raw replies (latest.json's head)
    folder: Path  # <data_dir>/<source>
    files: dict[str, Path]  # target name → its temporary file (LATEST, and the feed's records)
    pid: int  # the child writing them
    status: int | None = None  # its wait status, once reaped

    def written(self) -> bool:
        """Whether the child wrote every file (waits for it the first time)."""
        if self.status is None:
            _, self.status = os.waitpid(self.pid, 0)
        return self.status == 0

    def discard(self) -> None:
        """Reap the child and remove whatever file is still not in place."""
        self.written()
        for path in self.files.values():
            path.unlink(missing_ok=True)


def write_ahead(data_dir: Path, source: str, entries: list[Entry], taken_at: str,
                replies: list[str]) -> Ahead | None:
    """Start a child writing the first crawl's files of `entries`; None (nothing started)
    when there is no fork or the register is small."""
    if not hasattr(os, "fork") or len(entries) < MIN_ENTRIES:
        return None
    folder = data_dir / source
    places = {name: folder for name in LATEST} | {FEED_RECORDS: folder / feeds.FEED_FOLDER}
    files = {name: _temporary(place, name) for name, place in places.items()}
    try:
        pid = os.fork()
    except OSError:
        for path in files.values():
            path.unlink(missing_ok=True)
        return None
    if pid == 0:  # the child: never returns
        _child(files, source, entries, taken_at, replies)
    return Ahead(entries, taken_at, replies, folder, files, pid)


def _temporary(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    return Path(path)


def _child(files: dict[str, Path], source: str, entries: list[Entry], taken_at: str, replies: list[str]) -> None:
    """Write the files and exit at once: none of the parent's cleanup (its database
    connection, its locks, Scrapy) runs here."""
    code = 1
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):  # not the crawl's handlers (Scrapy's): just end
            signal.signal(sig, signal.SIG_DFL)
        _write_files(files, source, entries, taken_at, replies)
        code = 0
    finally:
        os._exit(code)


def _write_files(files: dict[str, Path], source: str, entries: list[Entry], taken_at: str,
                 replies: list[str]) -> None:
    """The files as `publish` writes them for a first snapshot (export.write_latest, and the
    records of the feed's first file): each entry's JSON line is made once, for both."""
    _write(files["latest.csv"], lambda h: write_csv(h, entries, export_columns(source)))
    with open(files[FEED_RECORDS], "wb") as records:  # a body to copy: not flushed to disk
        _write(files["latest.json"], lambda h: write_json_lines(h, source, taken_at, replies, len(entries),
                                                                _teed(entries, taken_at, records)))
    _write(files["changes.csv"], lambda h: write_csv(h, [], CHANGE_COLUMNS))


def _teed(entries: list[Entry], taken_at: str, records: IO[bytes]) -> Iterator[bytes]:
    """Each entry's line of latest.json, its feed record written to `records` as it goes:
    neither file's lines are held (the child's peak memory is the crawl's, at the fork)."""
    for i, entry in enumerate(entries):
        line = entry_line(entry)
        records.write(feeds.baseline_chunk(i, entry, taken_at, line))
        yield line


def _write(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    with open(path, "wb") as handle:
        fill(handle)
        handle.flush()
        os.fsync(handle.fileno())  # as atomic_write: on disk before it replaces the old file
    os.chmod(path, 0o644)
