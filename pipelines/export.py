"""The files a journalist opens: CSV, XLSX and JSON of the register, and every change.

Rendering functions are pure (entries in, bytes out); `write_exports` writes them
atomically under `<data_dir>/<source>/`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pipelines.atomic import atomic_write_bytes
from pipelines.diff import format_value
from pipelines.models import EXCLUDED, LISTED, Change, Entry

EXPORT_COLUMNS = (
    "entry_id", "number", "name", "name_ru", "name_original", "acronyms", "country",
    "country_code", "designated_on", "designated_by", "listed_on", "listing_order",
    "excluded_on", "exclusion_order", "status", "first_seen", "last_changed", "source_url",
)
CHANGE_COLUMNS = ("detected_at", "kind", "entry_id", "number", "name", "field", "old", "new")
LIST_COLUMNS = ("name_ru", "name_original", "acronyms")

# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a CSV cell inert: a leading apostrophe keeps a spreadsheet from running it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def entry_record(entry: Entry) -> dict[str, object]:
    """An entry as JSON-ready data: lists stay lists."""
    return {c: list(v) if isinstance(v := getattr(entry, c), tuple) else v for c in EXPORT_COLUMNS}


def _table(rows: list[dict[str, object]], columns: tuple[str, ...]) -> list[list[str]]:
    return [[format_value(row[c]) for c in columns] for row in rows]


def csv_bytes(rows: list[dict[str, object]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([neutralise(cell) for cell in line] for line in _table(rows, columns))
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, object]], columns: tuple[str, ...], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for line in _table(rows, columns):
        cells = []
        for text in line:
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # always text: a leading "=" must not become a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def entries_csv(entries: list[Entry]) -> bytes:
    return csv_bytes([entry_record(e) for e in entries], EXPORT_COLUMNS)


def entries_xlsx(entries: list[Entry]) -> bytes:
    return xlsx_bytes([entry_record(e) for e in entries], EXPORT_COLUMNS, "register")


def entries_json(entries: list[Entry], source: str, generated_at: str,
                 raw_replies: list[str] | None = None) -> bytes:
    """`raw_replies`: SHA-256 of the raw replies the data was read from (see raw/ and the
    raw_replies table), so a quoted figure can be traced to the bytes the source served."""
    document = {
        "source": source,
        "generated_at": generated_at,
        **({"raw_replies_sha256": raw_replies} if raw_replies is not None else {}),
        "count": len(entries),
        "columns": list(EXPORT_COLUMNS),
        "entries": [entry_record(e) for e in entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def change_record(change: Change) -> dict[str, object]:
    return {c: getattr(change, c) for c in CHANGE_COLUMNS}


def changes_csv(found: list[Change]) -> bytes:
    return csv_bytes([change_record(c) for c in found], CHANGE_COLUMNS)


def changes_json(found: list[Change]) -> bytes:
    return json.dumps([change_record(c) for c in found], ensure_ascii=False, indent=1).encode() + b"\n"


def render(entries: list[Entry], fmt: str, source: str, generated_at: str) -> bytes:
    if fmt == "csv":
        return entries_csv(entries)
    if fmt == "xlsx":
        return entries_xlsx(entries)
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
    latest_csv = entries_csv(entries)
    atomic_write_bytes(folder / "latest.csv", latest_csv)
    atomic_write_bytes(folder / "latest.xlsx", entries_xlsx(entries))
    atomic_write_bytes(folder / "latest.json", entries_json(entries, source, taken_at, raw_replies))
    atomic_write_bytes(folder / "changes.csv", changes_csv(all_changes))
    if new_snapshot:
        target = folder / "snapshots" / snapshot_name(taken_at)
        suffix = 1
        while target.exists():  # two changes within one second keep both snapshots
            suffix += 1
            target = target.with_name(f"{snapshot_name(taken_at)[:-4]}_{suffix}.csv")  # sorts after
        atomic_write_bytes(target, latest_csv)
    return folder


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
