"""Published register rows → Entry objects. Pure: no I/O, no clock.

A row arrives as canonical field name → published text (the spider maps the service's
columns to these names). Anything we cannot read is reported as a Problem naming the
row, never guessed: a bad date stays empty in the entry and the published text stays
in `raw`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pipelines.register.models import EXCLUDED, LISTED, Entry
from pipelines.register.names import normalise_whitespace, split_name
from scraper.parsers.columns import ROW_FIELDS

PROSECUTOR_GENERAL = "Prosecutor General's Office of the Russian Federation"

_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


@dataclass(frozen=True)
class Problem:
    number: str  # the row's register number as published ("" when unknown)
    field: str
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"row {self.number or '?'}: {self.field}: {self.message}"


@functools.lru_cache(maxsize=8192)  # a register has a few thousand distinct dates at most
def parse_date(text: str) -> str:
    """'29.07.2015' (or an ISO date/datetime) → '2015-07-29'; '' for empty; ValueError otherwise."""
    text = normalise_whitespace(text)
    if not text:
        return ""
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise ValueError(f"not a date: {text!r}")
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:  # 31.02.2020, 00.00.0000
        raise ValueError(f"not a valid date: {text!r} ({exc})") from None


def parse_status(text: str, excluded_on: str) -> tuple[str, str]:
    """→ (status, problem message or ''). «Включена» is listed; anything «исключ…» is excluded."""
    folded = normalise_whitespace(text).lower().replace("ё", "е")
    if folded.startswith("включен"):
        return LISTED, ("has an exclusion date but status «Включена»" if excluded_on else "")
    if folded.startswith("исключен"):
        return EXCLUDED, ""
    derived = EXCLUDED if excluded_on else LISTED
    if not folded:
        return derived, f"status is empty; taken as {derived} from the exclusion date"
    return derived, f"unknown status {text!r}; taken as {derived} from the exclusion date"


RawCells = tuple[tuple[str, str], ...]


def raw_cells(row: dict[str, str]) -> RawCells:
    """The row's published cells, exactly as served (empty ones left out): what an Entry
    keeps as `raw`, and the key under which an unchanged row finds its earlier Entry."""
    return tuple((k, str(row[k])) for k in ROW_FIELDS if row.get(k) not in (None, ""))


def normalise_row(row: dict[str, str], source_url: str = "",
                  raw: RawCells | None = None) -> tuple[Entry | None, list[Problem]]:
    """One canonical row → (Entry without entry_id, problems). None when the row is unusable.
    `raw`: the row's raw_cells, when the caller has them already."""
    cells = {k: normalise_whitespace(str(row.get(k) or "")) for k in ROW_FIELDS}
    number_text = cells["number"]
    problems: list[Problem] = []

    def problem(field_name: str, message: str, fatal: bool = False) -> None:
        problems.append(Problem(number_text, field_name, message, fatal))

    try:
        number = int(number_text)
    except ValueError:
        problem("number", f"not a whole number: {number_text!r}", fatal=True)
        return None, problems
    if not cells["name"]:
        problem("name", "empty name", fatal=True)
        return None, problems

    dates: dict[str, str] = {}
    for key in ("listed_on", "designated_on", "excluded_on"):
        try:
            dates[key] = parse_date(cells[key])
        except ValueError as exc:
            dates[key] = ""
            problem(key, f"{exc}; left empty")
    status, status_problem = parse_status(cells["status"], dates["excluded_on"])
    if status_problem:
        problem("status", status_problem)
    if not dates["listed_on"] and not any(p.field == "listed_on" for p in problems):
        problem("listed_on", "no inclusion date")

    parts = split_name(cells["name"])
    entry = Entry(
        entry_id="",
        number=number,
        name=cells["name"],
        name_ru=tuple(parts.name_ru),
        name_original=tuple(parts.name_original),
        acronyms=tuple(parts.acronyms),
        country=parts.country,
        country_code=parts.country_code,
        designated_on=dates["designated_on"],
        designated_by=PROSECUTOR_GENERAL,
        listed_on=dates["listed_on"],
        listing_order=cells["listing_order"],
        excluded_on=dates["excluded_on"],
        exclusion_order=cells["exclusion_order"],
        status=status,
        source_url=source_url,
        raw=raw_cells(row) if raw is None else raw,
    )
    return entry, problems


def normalise_rows(
    rows: list[dict[str, str]], source_url: str = "", known: Mapping[RawCells, Entry] | None = None,
) -> tuple[list[Entry], list[Problem]]:
    """All rows of one pull. Duplicate register numbers are fatal: identity depends on them.

    `known` maps the raw cells of rows normalised before to their entries: a row published
    exactly as before reuses its entry (same object) instead of being parsed again.
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    for row in rows:
        raw = raw_cells(row)
        if known and (same := known.get(raw)) is not None:
            entries.append(same)
            continue
        entry, row_problems = normalise_row(row, source_url, raw)
        problems.extend(row_problems)
        if entry is not None:
            entries.append(entry)
    counts = Counter(e.number for e in entries)
    for number, count in sorted(counts.items()):
        if count > 1:
            problems.append(Problem(str(number), "number", f"appears {count} times", fatal=True))
    return entries, problems
