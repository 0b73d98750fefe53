"""latest.xlsx, the costliest file, made from latest.json once per state and kept: when
first asked for (a download, `regwatch export --repair`), never on a crawl's path, so a
changed crawl's alerts and other files do not wait for it.

The workbook says itself which latest.json it was made from: its zip comment holds that
file's SHA-256, so a workbook whose comment names other content lags, and is made again;
it needs neither the database nor the crawl's lock, and a copied or restored data folder
(new inodes and times) keeps its workbooks, byte for byte. A process hashes one version of
a latest.json once (remembered by its path, with its inode, time and size: the file is only
replaced whole). This holds for a register's folder and for the combined one (`all/`),
whose latest.json has the same shape (a head line naming the columns, then one entry a line).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pipelines.publish import xlsx
from pipelines.publish.export import Writer, record_cells
from pipelines.storage.atomic import atomic_write
from pipelines.storage.locks import source_lock

LATEST_JSON, LATEST_XLSX = "latest.json", "latest.xlsx"
TEMPORARY = f".{LATEST_XLSX}."  # how atomic_write's temporary files of it begin
_MADE_FROM = b"regwatch: made from latest.json "


def made_from(latest: io.BufferedReader) -> bytes:
    """The comment of a workbook made from the latest.json open in `latest` (read from its
    start; left at its start)."""
    stat = os.fstat(latest.fileno())
    version = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    known = _digests.get(path := str(latest.name))
    if known is None or known[0] != version:
        latest.seek(0)
        known = _digests[path] = version, hashlib.file_digest(latest, "sha256").hexdigest()
        latest.seek(0)
    return _MADE_FROM + known[1].encode()


# path → (the version of the file hashed, its SHA-256): one per path, so a long-lived process
# (the web, the daemon) that sees latest.json replaced again and again keeps only the last
_digests: dict[str, tuple[tuple[int, int, int, int], str]] = {}


def lags(folder: Path) -> bool:
    """True when latest.xlsx is missing, or made from another latest.json than the one in
    place (False when there is no latest.json to make it from)."""
    try:
        with open(folder / LATEST_JSON, "rb") as latest:
            wanted = made_from(latest)
    except OSError:
        return False
    try:
        with zipfile.ZipFile(folder / LATEST_XLSX) as workbook:
            return workbook.comment != wanted
    except (OSError, zipfile.BadZipFile):
        return True


def refresh(data_dir: Path, name: str, database_url: str = "", force: bool = False,
            write: Writer = atomic_write) -> bool:
    """Make `<data_dir>/<name>/latest.xlsx` from latest.json if it lags (`force`: even if
    not); True when it was made. Under a lock of its own (not the crawl's): two visitors
    asking at once make it once, and a crawl never waits for it."""
    folder = data_dir / name
    if not (folder / LATEST_JSON).exists() or not force and not lags(folder):
        return False
    with source_lock(data_dir, f"{name}.xlsx", database_url=database_url):
        if not force and not lags(folder):  # made meanwhile by the one we waited for
            return False
        for torn in folder.glob(TEMPORARY + "*.tmp"):  # a maker killed before us: none is at work now
            torn.unlink(missing_ok=True)
        with open(folder / LATEST_JSON, "rb") as latest:  # this very file, even if replaced meanwhile
            comment = made_from(latest)
            columns = json.loads(latest.readline().removesuffix(b', "entries": [\n') + b"}")["columns"]
            write(folder / LATEST_XLSX, lambda h: xlsx.write_xlsx(h, columns, _cells(latest, columns),
                                                                  sheet_name="register", comment=comment))
    return True


def _cells(latest: IO[bytes], columns: list[str]) -> Iterator[list[str]]:
    for line in latest:  # after the head line, read already
        if not line.startswith(b"]}"):
            yield record_cells(json.loads(line.rstrip(b"\n").removesuffix(b",")), columns)
