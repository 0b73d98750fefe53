"""Which published column holds which field: by the column's title, never by position.

The service names its fields field_1_i … field_10_s, but only the titles say what they
mean, and the same titles head the XLSX export. Which title means which field is the
register's metadata (`scraper/registers/<id>.toml`, read into `ColumnRules`); the field
names there are a fallback for a title we do not recognise, and a required field that
cannot be found is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.parsers.cells import CELL_SEPARATOR, KEY_SEPARATOR

# Canonical row fields, shared by every register and channel (API, XLSX, old HTML page).
ROW_FIELDS = (
    "number",
    "listed_on",
    "listing_order",
    "designated_on",
    "name",
    "published_on",
    "excluded_on",
    "exclusion_order",
    "cancelled_on",
    "status",
    # registers of people and organisations (foreign agents, extremist, terrorist lists)
    "decision",  # the grounds or the court decision, as published
    "aliases",  # other names, when the register gives them in a column of their own
    "domains",  # web domain names
    "agent_kind",  # the register's own kind of entry ("Физическое лицо", …)
    "ogrn",  # registration number (OGRN)
    "inn",  # taxpayer number (INN)
)


@dataclass(frozen=True)
class Column:
    """One column the service gives: the canonical field it holds and how to know it."""

    field: str  # one of ROW_FIELDS
    key: str  # the service's field name ("field_5_s"): used only when no title matches
    title_words: tuple[str, ...]  # words that must all appear in the folded title
    title_exact: tuple[str, ...] = ()  # whole folded titles that mean this field ("№")
    required: bool = False  # a pull without this column is refused


@dataclass(frozen=True)
class ColumnRules:
    columns: tuple[Column, ...]  # in the service's order
    match_order: tuple[str, ...]  # fields, most specific title rule first

    @property
    def title_rules(self) -> tuple[Column, ...]:
        by_field = {c.field: c for c in self.columns}
        return tuple(by_field[field] for field in self.match_order)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required)


class ColumnError(ValueError):
    pass


def fold_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().lower().replace("ё", "е")


def field_for_title(title: str, rules: ColumnRules) -> str | None:
    folded = fold_title(title)
    for column in rules.title_rules:
        if folded in column.title_exact:
            return column.field
    for column in rules.title_rules:
        if all(word in folded for word in column.title_words):
            return column.field
    return None


def info_columns(info: dict, rules: ColumnRules) -> tuple[dict[str, str], list[str]]:
    """/info's column list → `map_columns`' mapping and warnings (the spider and a reparse
    of stored replies read it the same way)."""
    columns = info.get("columns")
    if not isinstance(columns, list) or not columns:
        raise ColumnError("/info has no column list")
    return map_columns([(str(c.get("name", "")), str(c.get("title", ""))) for c in columns], rules)


def canonical_row(row: dict, columns: dict[str, str]) -> dict[str, str]:
    """A /values row → canonical fields (by `map_columns`' mapping); a field left out is empty."""
    return {field: "" if row.get(key) is None else str(row[key]) for key, field in columns.items()}


def page_lines(rows: list[dict], columns: dict[str, str]) -> list[str]:
    """Each of a page's rows as its line: `cells.cells_line` of its `canonical_row`'s non-empty
    cells (`columns` `in_row_order`), made straight from the served row. The spider keeps a
    pull's rows so, and `line_row` makes a row again only where one is needed: a changed crawl
    of 100 000 rows parses the thousand not stored, and the 99 000 others are never made
    (a fifth of a second of CPU before the alerts are queued).
    ColumnError when a cell holds a separator: its row would not be made back as served."""
    cells_of = [(key, f"{field}{KEY_SEPARATOR}") for key, field in columns.items()]
    lines = []
    made = 0  # cells in the page's lines
    for row in rows:
        get = row.get
        cells = []
        for key, prefix in cells_of:
            value = get(key)
            if value is not None and (text := value if value.__class__ is str else str(value)):
                cells.append(prefix + text)  # an empty cell stays out of the line (as raw_cells leaves it out)
        made += len(cells)
        lines.append(CELL_SEPARATOR.join(cells))
    page = "".join(lines)  # the separators counted once for the page: a text holding one adds to them
    if page.count(KEY_SEPARATOR) != made or page.count(CELL_SEPARATOR) != made - sum(map(bool, lines)):
        position = next(i for i, row in enumerate(rows, 1) if _garbled(row, cells_of))
        raise ColumnError(f"row {position} of the page: a cell holds the control character U+001E "
                          "or U+001F, which no published text holds")
    return lines


def _garbled(row: dict, cells_of: list[tuple[str, str]]) -> bool:
    """Whether a cell of `row` holds a separator (the slow look, once one is known to)."""
    return any(separator in str(row.get(key)) for key, _ in cells_of for separator in (KEY_SEPARATOR, CELL_SEPARATOR))


def line_row(line: str, fields: tuple[str, ...]) -> dict[str, str]:
    """The canonical row whose line (`page_lines`) is `line`: every one of `fields` (the
    pull's, in their order), empty unless the line holds it."""
    row = dict.fromkeys(fields, "")
    if line:
        cells = line.replace(KEY_SEPARATOR, CELL_SEPARATOR).split(CELL_SEPARATOR)  # field, text, field, text…
        row.update(zip(cells[::2], cells[1::2], strict=True))
    return row


NUMBER_CELL = f"{ROW_FIELDS[0]}{KEY_SEPARATOR}"  # a line's first cell, when its row has a number


def line_number(line: str) -> str:
    """The number cell of the row whose line is `line`, without making the row: "number" is
    the first of ROW_FIELDS, so its cell, if any, opens the line."""
    if not line.startswith(NUMBER_CELL):
        return ""
    end = line.find(CELL_SEPARATOR)
    return line[len(NUMBER_CELL):] if end < 0 else line[len(NUMBER_CELL):end]


def in_row_order(columns: dict[str, str]) -> dict[str, str]:
    """`map_columns`' mapping with its fields in ROW_FIELDS order, so `page_lines` makes
    each row's cells in the order its line reads them (cells.cells_line)."""
    return dict(sorted(columns.items(), key=lambda pair: ROW_FIELDS.index(pair[1])))


def map_columns(columns: list[tuple[str, str]], rules: ColumnRules) -> tuple[dict[str, str], list[str]]:
    """[(service field name, title)] → ({service field name: canonical field}, warnings).

    Raises ColumnError when a required field has neither a title nor a usable fallback.
    """
    mapping: dict[str, str] = {}
    warnings: list[str] = []
    for key, title in columns:
        field = field_for_title(title, rules)
        if field is None:
            warnings.append(f"column {key} titled {title!r} is not recognised")
        elif field in mapping.values():
            raise ColumnError(f"two columns look like {field}: {title!r} and another")
        else:
            mapping[key] = field
    known_keys = {key for key, _ in columns}
    for column in rules.columns:
        key, field = column.key, column.field
        if field not in mapping.values() and key in known_keys and key not in mapping:
            mapping[key] = field
            warnings.append(f"column {field} found by its field number {key} only, not by title")
    missing = [f for f in rules.required if f not in mapping.values()]
    if missing:
        titles = "; ".join(repr(t) for _, t in columns) or "none"
        raise ColumnError(f"missing required column(s) {', '.join(missing)} (titles: {titles})")
    return mapping, warnings
