"""The official XLSX export (`GET /export`) as a second way to read the register.

Its layout (fixtures README): sheet «Лист 1»; A1 the title; A2 the data date (a
datetime); row 3 the column titles; data from row 4. Columns are mapped by their titles
exactly as /info's are (scraper/parsers/columns.py, the register's `ColumnRules`); a
column's position stands in for the service's field name (the metadata lists the
columns in the service's order), so the field names remain the fallback.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from scraper.parsers.columns import ColumnRules, map_columns

HEADER_ROW = 3  # 1-based, as a spreadsheet shows it (row 1: the title, row 2: the data date)


class ExportError(ValueError):
    """An export that is not the workbook the protocol promises."""


@dataclass
class Export:
    title: str
    as_of: str  # the data date of A2, ISO 8601 ("" when the cell holds none)
    rows: list[dict[str, str]]  # canonical field → published text, as from /values
    warnings: list[str]


def column_key(position: int, rules: ColumnRules) -> str:
    """The service's field name of the column at that position (0 → "field_1_i"), as the
    metadata lists them; past its columns, the service's pattern."""
    if position < len(rules.columns):
        return rules.columns[position].key
    return f"field_{position + 1}_s"


def cell_text(value: object) -> str:
    """A cell as the JSON service would send it: numbers without '.0', dates as DD.MM.YYYY."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def read_export(body: bytes, rules: ColumnRules) -> Export:
    # Imported here: openpyxl (and the numpy it loads) would cost every crawl's start-up,
    # and only a crawl --via xlsx or a reparse of an export reads one.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ExportError(f"/export is not an XLSX workbook ({type(exc).__name__}: {exc})") from None
    try:
        lines = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if len(lines) < HEADER_ROW:
        raise ExportError(f"/export has {len(lines)} rows, not even the title, date and header rows")
    title, stamp = (lines[0] or (None,))[0], (lines[1] or (None,))[0]
    headers = [cell_text(v) for v in lines[HEADER_ROW - 1]]
    try:
        keys = {column_key(i, rules): i for i, title in enumerate(headers) if title}
        mapping, warnings = map_columns([(key, headers[i]) for key, i in keys.items()], rules)
    except ValueError as exc:
        raise ExportError(f"/export header row: {exc}") from None
    positions = {keys[key]: field for key, field in mapping.items()}
    rows = [{field: cell_text(line[i] if i < len(line) else None) for i, field in positions.items()}
            for line in lines[HEADER_ROW:] if any(v is not None and str(v).strip() for v in line)]
    return Export(cell_text(title), _as_of(stamp), rows, warnings)


def _as_of(stamp: object) -> str:
    if isinstance(stamp, datetime):
        return stamp.isoformat(timespec="seconds")
    if isinstance(stamp, date):
        return stamp.isoformat()
    return ""
