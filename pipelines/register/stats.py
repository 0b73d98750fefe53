"""Figures about a register for the web page and the API. Pure: entries in, numbers out.

A designation is dated by the Ministry's inclusion order (`listed_on`), else by the
Prosecutor General's decision (`designated_on`), else by the day regwatch first saw
the entry: the date a reader can check in the official register comes first.
Every row counts, excluded ones included: an exclusion does not undo a designation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pipelines.register.models import Entry

FIRST_MONTH = "2015-01"  # the law on undesirable organisations dates from May 2015


@dataclass(frozen=True)
class PeriodCount:
    period: str  # "YYYY-MM" or "YYYY"
    count: int  # designations dated in the period
    cumulative: int  # designations dated in the period or before


def designation_day(entry: Entry) -> str:
    """The ISO day an entry was designated, by the best date it has ("" if none)."""
    return entry.listed_on or entry.designated_on or entry.first_seen[:10]


def designation_year(entry: Entry) -> int | None:
    day = designation_day(entry)
    return int(day[:4]) if day[:4].isdigit() else None


def _months(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from first to last, both included."""
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def monthly_designations(entries: Iterable[Entry], until: date) -> list[PeriodCount]:
    """Designations per month from 2015-01 (or an earlier dated row) to the month of `until`
    (the day the register was read: later months are unknown, not empty) or a later dated
    row, with the running total. Months without a designation count 0."""
    per_month = Counter(day[:7] for e in entries if len(day := designation_day(e)) >= 7)
    if not per_month:
        return []
    first = min(FIRST_MONTH, *per_month)
    last = max(until.isoformat()[:7], *per_month)
    total = 0
    counts = []
    for month in _months(first, last):
        total += per_month[month]
        counts.append(PeriodCount(month, per_month[month], total))
    return counts


def yearly_designations(months: Iterable[PeriodCount]) -> list[PeriodCount]:
    """The monthly counts summed by year, with the running total at each year's end."""
    years: dict[str, PeriodCount] = {}
    for m in months:
        before = years[year].count if (year := m.period[:4]) in years else 0
        years[year] = PeriodCount(year, before + m.count, m.cumulative)
    return list(years.values())


def by_field(entries: Iterable[Entry], field: str) -> dict[str, int]:
    """How many entries have each value of one field, most frequent first ("" for none)."""
    return dict(Counter(getattr(e, field) for e in entries).most_common())
