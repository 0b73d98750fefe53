"""Which published column holds which field: by the column's title, never by position.

The service names its fields field_1_i … field_10_s, but only the titles say what they
mean, and the same titles head the XLSX export. Field numbers are a fallback for a
title we do not recognise, and a required field that cannot be found is an error.
"""

from __future__ import annotations

import re

# Canonical row fields, shared by every channel of the register (API, XLSX, old HTML page).
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
)
REQUIRED_ROW_FIELDS = ("number", "listed_on", "name")

# (canonical field, words that must all appear in the folded title), most specific first.
TITLE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("п/п",)),
    ("name", ("наименование",)),
    ("status", ("статус",)),
    ("published_on", ("обнародован",)),
    ("cancelled_on", ("отмен",)),
    ("exclusion_order", ("номер", "исключ")),
    ("excluded_on", ("дата", "исключ")),
    ("designated_on", ("прокуратур", "нежелательн")),
    ("listing_order", ("номер", "включ")),
    ("listed_on", ("дата", "включ")),
)

# Documented field numbers of the official service (fixtures README), used only as a fallback.
FIELD_FALLBACK = {
    "field_1_i": "number",
    "field_2_s": "listed_on",
    "field_3_s": "listing_order",
    "field_4_s": "designated_on",
    "field_5_s": "name",
    "field_6_s": "published_on",
    "field_7_s": "excluded_on",
    "field_8_s": "exclusion_order",
    "field_9_s": "cancelled_on",
    "field_10_s": "status",
}


class ColumnError(ValueError):
    pass


def fold_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().lower().replace("ё", "е")


def field_for_title(title: str) -> str | None:
    folded = fold_title(title)
    if folded in ("№", "no", "n"):
        return "number"
    for field, words in TITLE_RULES:
        if all(word in folded for word in words):
            return field
    return None


def info_columns(info: dict) -> tuple[dict[str, str], list[str]]:
    """/info's column list → `map_columns`' mapping and warnings (the spider and a reparse
    of stored replies read it the same way)."""
    columns = info.get("columns")
    if not isinstance(columns, list) or not columns:
        raise ColumnError("/info has no column list")
    return map_columns([(str(c.get("name", "")), str(c.get("title", ""))) for c in columns])


def canonical_row(row: dict, columns: dict[str, str]) -> dict[str, str]:
    """A /values row → canonical fields (by `map_columns`' mapping); a field left out is empty."""
    return {field: "" if row.get(key) is None else str(row[key]) for key, field in columns.items()}


def map_columns(columns: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """[(service field name, title)] → ({service field name: canonical field}, warnings).

    Raises ColumnError when a required field has neither a title nor a usable fallback.
    """
    mapping: dict[str, str] = {}
    warnings: list[str] = []
    for key, title in columns:
        field = field_for_title(title)
        if field is None:
            warnings.append(f"column {key} titled {title!r} is not recognised")
        elif field in mapping.values():
            raise ColumnError(f"two columns look like {field}: {title!r} and another")
        else:
            mapping[key] = field
    known_keys = {key for key, _ in columns}
    for key, field in FIELD_FALLBACK.items():
        if field not in mapping.values() and key in known_keys and key not in mapping:
            mapping[key] = field
            warnings.append(f"column {field} found by its field number {key} only, not by title")
    missing = [f for f in REQUIRED_ROW_FIELDS if f not in mapping.values()]
    if missing:
        titles = "; ".join(repr(t) for _, t in columns) or "none"
        raise ColumnError(f"missing required column(s) {', '.join(missing)} (titles: {titles})")
    return mapping, warnings
