"""The published files a visitor may download: only those listed here, never a path they typed."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pipelines.publish import latest_xlsx
from pipelines.publish.combined import ALL, COMBINED_FILES, PACKAGE
from pipelines.publish.dictionary import REGISTER_SCHEMA_FILE
from pipelines.publish.export import LATEST_FILES
from pipelines.publish.feeds import ATOM_FILE

SNAPSHOTS = "snapshots"
# The Frictionless Data package and the schema it names: their paths are relative, so
# served beside the files they describe, the package's every resource resolves.
PACKAGE_FILES = ("datapackage.json", REGISTER_SCHEMA_FILE)
_SNAPSHOT_NAME = re.compile(r"^\d{8}T\d{6}Z(?:_\d+)?\.csv$")

MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".atom": "application/atom+xml",
}
UTF8_BOM = b"\xef\xbb\xbf"  # lets Excel see that a CSV is UTF-8


@dataclass(frozen=True)
class PublishedFile:
    name: str  # relative to the source's folder: "latest.csv", "snapshots/2026…Z.csv"
    path: Path
    size: int
    modified: str  # UTC, to the second

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.path.suffix]

    def download_name(self, source: str) -> str:
        """The file name a browser saves it under: the source, then the name."""
        return f"{source}_{self.name.replace('/', '_')}"

    @property
    def snapshot_taken(self) -> str:
        """'20260814T101500Z.csv' → '2026-08-14 10:15:00 UTC'."""
        stamp = Path(self.name).stem.split("_")[0]
        return (f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} "
                f"{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]} UTC")


def _described(folder: Path, name: str) -> PublishedFile | None:
    path = folder / name
    try:
        info = path.stat()
    except OSError:
        return None
    modified = datetime.fromtimestamp(info.st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return PublishedFile(name, path, info.st_size, modified)


def published(folder: Path, name: str) -> PublishedFile | None:
    """One downloadable file by its name, if it is one and exists."""
    is_snapshot = name.startswith(SNAPSHOTS + "/") and _SNAPSHOT_NAME.match(name[len(SNAPSHOTS) + 1:])
    if name in (*LATEST_FILES, ATOM_FILE, *PACKAGE_FILES) or is_snapshot:
        return _described(folder, name)
    return None


def data_file(data_dir: Path, name: str, sources: Collection[str]) -> PublishedFile | None:
    """A file under /data/, named from the data directory: the data package of every
    register (its paths resolve beside it), a combined file (`all/…`) or a register's
    published file (`<register>/…`)."""
    if name == PACKAGE:
        return _described(data_dir, name)
    folder, _, rest = name.partition("/")
    if folder == ALL:
        return _described(data_dir, name) if rest in COMBINED_FILES else None
    found = published(data_dir / folder, rest) if folder in sources else None
    return replace(found, name=name) if found else None


def made_if_lagging(data_dir: Path, name: str, sources: Collection[str], database_url: str) -> None:
    """A workbook asked for (`<register or all>/latest.xlsx`, from the data directory) is
    made first if it lags behind its latest.json: once per state, never by a crawl."""
    folder, _, rest = name.rpartition("/")
    if rest == latest_xlsx.LATEST_XLSX and (folder == ALL or folder in sources):
        latest_xlsx.refresh(data_dir, folder, database_url)


def combined_files(data_dir: Path) -> dict[str, PublishedFile | None]:
    return {name: _described(data_dir, f"{ALL}/{name}") for name in COMBINED_FILES} | {
        PACKAGE: _described(data_dir, PACKAGE)}


def latest_files(folder: Path) -> dict[str, PublishedFile | None]:
    return {name: _described(folder, name) for name in (*LATEST_FILES, ATOM_FILE, *PACKAGE_FILES)}


def snapshot_files(folder: Path) -> list[PublishedFile]:
    """Every dated snapshot, newest first."""
    names = sorted((p.name for p in (folder / SNAPSHOTS).glob("*.csv")
                    if _SNAPSHOT_NAME.match(p.name)), reverse=True)
    return [f for n in names if (f := _described(folder, f"{SNAPSHOTS}/{n}"))]


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
