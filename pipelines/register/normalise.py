"""Published register rows → Entry objects. Pure: no I/O, no clock.

A row arrives as canonical field name → published text (the spider maps the service's
columns to these names). Anything we cannot read is reported as a Problem naming the
row, never guessed: a bad date stays empty in the entry and the published text stays
in `raw`.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines.register import decisions
from pipelines.register.models import EXCLUDED, LISTED, ORGANISATION, PERSON, Entry
from pipelines.register.names import normalise_whitespace, split_name
from pipelines.register.parties import (
    entity_type,
    organisation_aliases,
    parse_domains,
    parse_identifier,
    split_person,
)
from scraper.parsers.cells import RawCells, cells_line, line_fingerprint
from scraper.parsers.columns import ROW_FIELDS, line_number
from scraper.registers.metadata import SourceMeta

PROSECUTOR_GENERAL = "Prosecutor General's Office of the Russian Federation"
# Fields only registers of people and organisations give (foreign agents, extremist and
# terrorist lists): a register with one of them gets aliases from its names too.
PARTY_FIELDS = ("decision", "aliases", "domains", "agent_kind", "ogrn", "inn")


@dataclass(frozen=True)
class Profile:
    """What a register's metadata tells the normaliser about its rows. The default is the
    register of "undesirable" organisations, for callers that name none."""

    authority: str = PROSECUTOR_GENERAL  # who designates: every entry's designated_by
    entity_kinds: tuple[str, ...] = (ORGANISATION,)
    dated: bool = True  # every row must carry an inclusion date (listed_on is required)
    has_status: bool = True  # a status column: when it is missing, the exclusion date decides
    parties: bool = False  # names carry other names in «» (see PARTY_FIELDS)
    decisions: str = ""  # rows cite court decisions in this form (decisions.TERRORIST, EXTREMIST)

    @classmethod
    def of(cls, meta: SourceMeta) -> Profile:
        fields_ = {c.field for c in meta.columns.columns}
        # A source without columns (one HTML page: its parser gives canonical fields itself,
        # the FSB's list with its decisions and aliases) may give any field.
        parties = PERSON in meta.entity_kinds or bool(fields_ & set(PARTY_FIELDS)) or not fields_
        return cls(authority=meta.authority, entity_kinds=meta.entity_kinds,
                   dated="listed_on" in meta.columns.required, has_status="status" in fields_,
                   parties=parties, decisions=meta.decisions)


DEFAULT_PROFILE = Profile()

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


_NO_CELLS = dict.fromkeys(ROW_FIELDS, "")


def raw_cells(row: dict[str, str]) -> RawCells:
    """The row's published cells, exactly as served (empty ones left out): what an Entry
    keeps as `raw`, and the key under which an unchanged row finds its earlier Entry."""
    return tuple([(k, v if v.__class__ is str else str(v))
                  for k in ROW_FIELDS if (v := row.get(k)) is not None and v != ""])


def fingerprint(raw: RawCells, source_url: str) -> str:
    """A compact key of a row as published and where it was read: equal fingerprints mean
    the stored entry stands as it is (nothing to decode, parse or compare). Stored in
    entries.fingerprint: a change to this function needs a migration that refills it."""
    return line_fingerprint(cells_line(raw), source_url)


def normalise_row(row: dict[str, str], source_url: str = "", raw: RawCells | None = None,
                  profile: Profile = DEFAULT_PROFILE) -> tuple[Entry | None, list[Problem]]:
    """One canonical row → (Entry without entry_id, problems). None when the row is unusable.
    `raw`: the row's raw_cells, when the caller has them already; `profile`: the register's."""
    cells = dict(_NO_CELLS)  # most fields of a row are empty: only the others are normalised
    for key, value in row.items():
        if value and key in cells:
            cells[key] = normalise_whitespace(value if value.__class__ is str else str(value))
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
    if status_problem and (profile.has_status or cells["status"]):
        problem("status", status_problem)
    if profile.dated and not dates["listed_on"] and not any(p.field == "listed_on" for p in problems):
        problem("listed_on", "no inclusion date")

    court = _court_decision(cells, profile, problem)
    entry = Entry(
        entry_id="",
        number=number,
        name=cells["name"],
        designated_on=dates["designated_on"] or court.get("designated_on", ""),
        designated_by=court.get("designated_by") or profile.authority,
        listed_on=dates["listed_on"],
        listing_order=cells["listing_order"],
        excluded_on=dates["excluded_on"],
        exclusion_order=cells["exclusion_order"],
        status=status,
        source_url=source_url,
        raw=raw_cells(row) if raw is None else raw,
        **_name_fields(cells, profile),
        **_party_fields(cells, problem),
        decision_date=court.get("decision_date", ""),
        decision_number=court.get("decision_number", ""),
    )
    return entry, problems


def _court_decision(cells: dict[str, str], profile: Profile,
                    problem: Callable[[str, str], None]) -> dict[str, str]:
    """A court list's row: its first court act (the one that put it on the list) gives
    designated_on (the day it came into force when the text says, else the day of the
    decision), the court that decided (designated_by), the decision's date and number.
    A row without decision text is the list's as published (nothing to read); text that
    does not read fully is a warning naming the row, and what was read is kept."""
    if not profile.decisions:
        return {}
    found = decisions.parse(profile.decisions, cells["decision"], cells["name"])
    if not found.text:
        return {}
    if not found.complete(profile.decisions):
        problem("decision", "court decision not fully read: " + "; ".join(
            found.problems or ("a court, date or number is missing",)))
    if (act := found.first) is None:
        return {}
    return {"designated_on": act.effective_on or act.decided_on, "designated_by": act.court,
            "decision_date": act.decided_on, "decision_number": act.number}


def _name_fields(cells: dict[str, str], profile: Profile) -> dict[str, Any]:
    """A person's name parts, or an organisation's split name (names.split_name)."""
    kind = entity_type(cells["agent_kind"], profile.entity_kinds)
    listed_aliases = _listed_aliases(cells["aliases"])
    if kind == PERSON:
        person = split_person(cells["name"])
        return dict(entity_type=PERSON, name_ru=(person.name,), surname=person.surname,
                    given_name=person.given_name, patronymic=person.patronymic,
                    aliases=tuple(dict.fromkeys((*person.aliases, *listed_aliases))))
    parts = split_name(cells["name"])
    # The source's own list of other names, when it gives one, over our reading of the «»
    aliases = listed_aliases or (organisation_aliases(cells["name"]) if profile.parties else ())
    return dict(entity_type=ORGANISATION, name_ru=tuple(parts.name_ru),
                name_original=tuple(parts.name_original), acronyms=tuple(parts.acronyms),
                country=parts.country, country_code=parts.country_code, aliases=aliases)


def _listed_aliases(text: str) -> tuple[str, ...]:
    """An aliases column: names separated by '|' or ';', each kept whole («» and all)."""
    if not text:  # most registers have no such column
        return ()
    names = (normalise_whitespace(n) for n in re.split(r"[|;]", text))
    return tuple(dict.fromkeys(n for n in names if n))


def _party_fields(cells: dict[str, str], problem: Callable[[str, str], None]) -> dict[str, Any]:
    """Identifiers, domains, the register's kind text and the decision, where published."""
    identifiers = []
    for kind in ("inn", "ogrn"):
        value, message = parse_identifier(kind, cells[kind])
        if message:
            problem(kind, message)
        if value:
            identifiers.append((kind, value))
    domains, domain_problems = parse_domains(cells["domains"])
    for message in domain_problems:
        problem("domains", message)
    return dict(identifiers=tuple(identifiers), domains=domains, agent_kind=cells["agent_kind"],
                decision=cells["decision"])


def normalise_rows(
    rows: list[dict[str, str]], source_url: str = "", known: Mapping[RawCells, Entry] | None = None,
    profile: Profile = DEFAULT_PROFILE,
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
        _normalise_into(entries, problems, row, source_url, raw, profile)
    return entries, problems + duplicate_numbers(e.number for e in entries)


def normalise_changed(
    rows: Iterable[dict[str, str]], source_url: str, stored: Mapping[str, str], profile: Profile = DEFAULT_PROFILE,
    fingerprints: Iterable[str] | None = None,
) -> tuple[list[Entry], list[str], list[Problem]]:
    """normalise_rows for a pull compared by fingerprints: `stored` maps the fingerprint of
    each stored entry (see `fingerprint`) to its entry_id. A row published as before keeps
    its stored entry and is not parsed: only its entry_id is returned. → (the other rows'
    entries, the kept entry_ids, problems); duplicate numbers are checked over every row.
    `fingerprints`: the rows' own, in order, when the caller made them already."""
    part = normalise_part(rows, source_url, stored, profile, fingerprints)
    return part.entries, part.kept, part.problems + duplicate_numbers(part.numbers())


@dataclass
class Part:
    """normalise_changed's work on some of a pull's rows, before the check of duplicate
    numbers (which needs every row): a pull may be normalised in parts, in order."""

    entries: list[Entry]
    kept: list[str]
    problems: list[Problem]
    kept_numbers: list[int]  # the register numbers of the kept rows

    def numbers(self) -> list[int]:
        return [*self.kept_numbers, *(e.number for e in self.entries)]


def normalise_part(
    rows: Iterable[dict[str, str]], source_url: str, stored: Mapping[str, str], profile: Profile = DEFAULT_PROFILE,
    fingerprints: Iterable[str] | None = None,
) -> Part:
    """normalise_changed without the check of duplicate numbers."""
    entries: list[Entry] = []
    kept: list[str] = []
    problems: list[Problem] = []
    numbers: list[int] = []
    shared: dict[tuple[str, str], tuple[str, str]] = {}
    made = None if fingerprints is None else iter(fingerprints)
    for row in rows:
        raw = None if made is not None else raw_cells(row)
        found = next(made) if made is not None else fingerprint(raw or (), source_url)
        if (entry_id := stored.get(found)) is not None:
            kept.append(entry_id)
            numbers.append(_stored_number(row["number"]))
            continue
        _normalise_into(entries, problems, row, source_url,
                        _shared_cells(raw_cells(row) if raw is None else raw, shared), profile)
    return Part(entries, kept, problems, numbers)


def split_kept(lines: Iterable[str], fingerprints: Iterable[str], stored: Mapping[str, str],
               ) -> tuple[list[str], list[str], Part]:
    """A pull's rows left as their lines (scraper.items.Pull.lines), with their fingerprints,
    split as `normalise_part` splits rows: the lines of those not stored, with their
    fingerprints, to be made rows and normalised; and the Part of those stored, kept
    without a row made (the number read from the line: the duplicates are checked over
    every row). A changed crawl makes only the rows it parses."""
    to_parse: list[str] = []
    made: list[str] = []
    kept: list[str] = []
    numbers: list[int] = []
    for line, found in zip(lines, fingerprints, strict=True):
        if (entry_id := stored.get(found)) is not None:
            kept.append(entry_id)
            numbers.append(_stored_number(line_number(line)))
        else:
            to_parse.append(line)
            made.append(found)
    return to_parse, made, Part([], kept, [], numbers)


def _shared_cells(raw: RawCells, shared: dict[tuple[str, str], tuple[str, str]]) -> RawCells:
    """`raw` with its short cells (dates, statuses: the same in thousands of rows) taken from
    `shared`: one (field, text) pair for all the entries that hold it, not one each."""
    return tuple([shared.setdefault(cell, cell) if len(cell[1]) <= 10 else cell for cell in raw])


def _stored_number(text: str) -> int:
    """The number of a row stored before (so a valid one): int() takes the usual text as it is."""
    try:
        return int(text)
    except ValueError:
        return int(normalise_whitespace(str(text)))


def _normalise_into(entries: list[Entry], problems: list[Problem], row: dict[str, str], source_url: str,
                    raw: RawCells, profile: Profile) -> None:
    entry, row_problems = normalise_row(row, source_url, raw, profile)
    problems.extend(row_problems)
    if entry is not None:
        entries.append(entry)


def duplicate_numbers(numbers: Iterable[int]) -> list[Problem]:
    """A fatal problem for each register number that appears more than once."""
    numbers = sorted(numbers)
    if not any(map(operator.eq, numbers, itertools.islice(numbers, 1, None))):
        return []  # the usual case, without a Counter of 100 000 numbers (10 MB at a first crawl's peak)
    counts = Counter(numbers)
    return [Problem(str(number), "number", f"appears {count} times", fatal=True)
            for number, count in sorted(counts.items()) if count > 1]
