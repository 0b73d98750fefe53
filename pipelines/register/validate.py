"""Guardrails: is a pull complete and plausible, and is its diff safe to report at once?

Pure functions. A refusal raises SourceRefused with a one-line reason naming the source;
a diff that needs a second pull to agree returns the reason it is being held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from pipelines.register.diff import Diff
from pipelines.register.models import ADDED, REMOVED, Entry, SourceRefused
from pipelines.register.normalise import Problem, parse_date
from scraper.items import Pull
from scraper.registers.metadata import Thresholds

DATE_FIELDS = ("designated_on", "listed_on", "excluded_on")


def check_pull(pull: Pull, thresholds: Thresholds) -> None:
    """Refuse a pull that is not the whole register."""
    src, count = pull.source, pull.row_count()
    if count < pull.size:
        raise SourceRefused(f"{src}: reply has {count} of {pull.size} rows")
    if count > pull.size:
        raise SourceRefused(f"{src}: reply has {count} rows but announces {pull.size}")
    if count < thresholds.min_rows:
        raise SourceRefused(
            f"{src}: {count} rows, fewer than the {thresholds.min_rows} expected")
    check_cell_sizes(pull, thresholds)


def check_cell_sizes(pull: Pull, thresholds: Thresholds) -> None:
    """Refuse a pull with a cell longer than any the register can hold (a 50 MB "name"
    would otherwise be parsed, stored, exported and put in every subscriber's alert)."""
    limit = thresholds.max_cell_chars
    for position, row in _longer_rows(pull, limit):
        for key, value in row.items():
            if len(text := str(value)) > limit:
                number = str(row.get("number", ""))
                where = f"row {number}" if 0 < len(number) <= 20 else f"the row at position {position}"
                raise SourceRefused(
                    f"{pull.source}: {where}: {key}: {len(text)} characters, more than the {limit} "
                    "a cell of this register may hold (assertions.max_cell_chars): not the register")


def _longer_rows(pull: Pull, limit: int) -> Iterator[tuple[int, dict[str, str]]]:
    """(position, row) of each row whose cells are longer than `limit` together: one cheap look
    at the usual row. A row left as its line (Pull.lines) is made only then: no cell is longer
    than the line that holds it."""
    if pull.lines:
        yield from ((position, pull.line_row(line)) for position, line in enumerate(pull.lines, 1)
                    if len(line) > limit)
        return
    for position, row in enumerate(pull.rows, 1):
        if sum(map(len, row.values())) > limit:  # rows hold text
            yield position, row


def date_problems(entries: Iterable[Entry], thresholds: Thresholds, now: str) -> list[Problem]:
    """Dates no row of the register can have: a published date that does not parse, one
    before the register's law (`earliest_date`), one after tomorrow (from `now`, ISO), an
    exclusion before its inclusion. Each is implausible data, never a change to report."""
    latest = (date.fromisoformat(now[:10]) + timedelta(days=1)).isoformat()
    earliest = thresholds.earliest_date
    problems = []
    for entry in entries:
        published = dict(entry.raw)
        number = str(entry.number)
        for field in DATE_FIELDS:
            value, text = getattr(entry, field), published.get(field, "")
            if not value and text.strip():  # the normaliser left it empty: it does not parse
                try:
                    parse_date(text)
                    continue  # read as empty on purpose
                except ValueError as exc:
                    problems.append(Problem(number, field, str(exc)))
            elif value and earliest and value < earliest:
                problems.append(Problem(number, field, f"{text!r} is before {earliest}, "
                                                       "the earliest date the register's law allows"))
            elif value and value > latest:
                problems.append(Problem(number, field, f"{text!r} is in the future (after {latest})"))
        if entry.excluded_on and entry.listed_on and entry.excluded_on < entry.listed_on:
            problems.append(Problem(number, "excluded_on", f"excluded on {entry.excluded_on}, before "
                                                           f"its inclusion on {entry.listed_on}"))
    return problems


def check_dates(source: str, entries: Iterable[Entry], thresholds: Thresholds, now: str) -> None:
    """Refuse a pull with an implausible date, naming the row: the stored value is kept."""
    problems = date_problems(entries, thresholds, now)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SourceRefused(f"{source}: {problems[0]}{more}; implausible, the stored data is kept")


def size_warnings(pull: Pull, thresholds: Thresholds) -> list[str]:
    if pull.row_count() > thresholds.max_rows:
        return [f"{pull.row_count()} rows, more than the {thresholds.max_rows} expected: "
                "check the source's metadata"]
    return []


def check_problems(source: str, problems: list[Problem]) -> None:
    fatal = [p for p in problems if p.fatal]
    if fatal:
        more = f" (and {len(fatal) - 1} more)" if len(fatal) > 1 else ""
        raise SourceRefused(f"{source}: {fatal[0]}{more}")


def check_drop(source: str, previous_count: int, current_count: int, thresholds: Thresholds) -> None:
    if previous_count and current_count < previous_count * (1 - thresholds.max_drop):
        raise SourceRefused(
            f"{source}: {current_count} rows against {previous_count} last time, "
            f"a drop of more than {thresholds.max_drop:.0%}")


def additions_limit(previous_count: int, thresholds: Thresholds, gap_days: float = 0.0) -> float:
    """How many additions one pull may bring before it is held. A register that changes
    every `changes_every_days` days gathers additions while nobody looks (after an import
    of an old copy, or a long pause): the limit grows with the days since the last snapshot."""
    ordinary = max(thresholds.mass_change_floor * 5, previous_count // 4)
    return ordinary * max(1.0, gap_days / thresholds.changes_every_days)


def additions_over_gap(d: Diff, previous_count: int, thresholds: Thresholds, gap_days: float) -> int:
    """How many additions are stored at once only because of the gap (0: none, or not so many)."""
    added = d.count(ADDED)
    if previous_count and additions_limit(previous_count, thresholds) < added <= additions_limit(
            previous_count, thresholds, gap_days):
        return added
    return 0


def hold_reason(d: Diff, previous_count: int, thresholds: Thresholds, gap_days: float = 0.0) -> str:
    """Why this diff must wait for a second pull to agree ('' when it can be reported now).
    `gap_days`: days since the last snapshot."""
    if d.removed:
        numbers = ", ".join(str(e.number) for e in d.removed[:5])
        if len(d.removed) == 1:
            return f"1 entry vanished (number {numbers})"
        more = ", …" if len(d.removed) > 5 else ""
        return f"{len(d.removed)} entries vanished (numbers {numbers}{more})"
    touched = {c.entry_id for c in d.changes if c.kind not in (ADDED, REMOVED)}
    limit = max(thresholds.mass_change_floor, previous_count * thresholds.mass_change)
    if len(touched) > limit:
        return f"{len(touched)} of {previous_count} entries changed at once"
    added = d.count(ADDED)
    if previous_count and added > additions_limit(previous_count, thresholds, gap_days):
        return f"{added} entries added at once"
    return ""
