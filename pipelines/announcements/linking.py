"""Which register entry an announced event names: pure, no I/O.

An event links to an entry when one of its names (or their nominative) matches it with
the status check's matcher, confidently, or more weakly when the dates agree; an announced
exclusion only to an entry the register shows excluded. `first_announced` finds, for the
entries a crawl adds, the earliest pending announcement of each: the alert then says when
the first public word came.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pipelines.matching.index import LISTED_SCORE, QueryError, RegisterIndex
from pipelines.matching.keys import nominative_guess
from pipelines.register.models import EXCLUDED, Entry

LINKED_KINDS = ("designated", "included", "excluded")  # the designation events, not prosecutions


def event_names(event: Mapping[str, Any]) -> list[str]:
    """The names an event (a `pipelines.announcements.articles.events` row) gives its organisation."""
    return [n for n in (event["organisation"], event["acronym"], event.get("other_name")) if n]


def lag_days(announced_on: str, entry: Entry, kind: str) -> int | None:
    """Days from the announcement to the register's order (negative: the register was first):
    the exclusion order for an announced exclusion, the inclusion order otherwise."""
    registered_on = entry.excluded_on if kind == "excluded" else entry.listed_on
    try:
        return (date.fromisoformat(registered_on) - date.fromisoformat(announced_on[:10])).days
    except ValueError:
        return None


# A weaker match links too when the dates agree: the article appeared between shortly before
# the entry's decision and shortly after its inclusion (the decision precedes the register
# by 1–50 days; the press follows the register by 0–2 days), and no rival comes close.
CORROBORATED_SCORE = 75.0
_BEFORE_DECISION, _AFTER_INCLUSION, _RIVAL_MARGIN = timedelta(days=7), timedelta(days=14), 10.0


def _dates_agree(announced_on: str, entry: Entry) -> bool:
    try:
        announced = date.fromisoformat(announced_on[:10])
        listed = date.fromisoformat(entry.listed_on)
        decided = date.fromisoformat(entry.designated_on) if entry.designated_on else listed - timedelta(days=50)
    except ValueError:
        return False
    return decided - _BEFORE_DECISION <= announced <= listed + _AFTER_INCLUSION


def _linkable(verdict, announced_on: str) -> Entry | None:
    """The entry a verdict links to: a confident match, or a weaker unrivalled one whose
    dates agree with the announcement's."""
    if not verdict.matches:
        return None
    best, rivals = verdict.matches[0], verdict.matches[1:]
    if best.score >= LISTED_SCORE:
        return best.entry
    unrivalled = all(r.score < best.score - _RIVAL_MARGIN for r in rivals)
    if best.score >= CORROBORATED_SCORE and unrivalled and _dates_agree(announced_on, best.entry):
        return best.entry
    return None


def match(index: RegisterIndex, names: list[str], kind: str, announced_on: str = "") -> tuple[Entry, str] | None:
    """The entry the register shows for an announced event, and the name (as tried) that
    found it: a match of one of its names or their nominative (see `_linkable`), listed or
    excluded since (the designation did reach the register); for an announced exclusion,
    only an entry the register shows as excluded."""
    tried = [n for name in names for n in (name, nominative_guess(name)) if n]
    for name in tried:
        try:
            entry = _linkable(index.check(name), announced_on)
        except QueryError:
            continue
        if entry is not None and (kind != "excluded" or entry.status == EXCLUDED):
            return entry, name
    return None


@dataclass(frozen=True)
class FirstWord:
    """The earliest announcement of an entry the register now lists."""

    published_on: str
    url: str
    title: str
    lag_days: int | None  # to the inclusion order


def first_announced(index: RegisterIndex, entry_ids: Iterable[str],
                    pending: Iterable[Mapping[str, Any]]) -> dict[str, FirstWord]:
    """entry_id → the earliest pending announcement (`pipelines.announcements.articles.events` rows) that
    links to it, among `entry_ids` (the entries a crawl adds), when it came before the entry's
    inclusion order or on its day: the head start the early warning gave."""
    wanted, found = set(entry_ids), {}
    for event in sorted(pending, key=lambda e: e["published_on"]):
        if event["kind"] not in ("designated", "included"):
            continue
        linked = match(index, event_names(event), event["kind"], event["published_on"])
        if linked is None or linked[0].entry_id not in wanted or linked[0].entry_id in found:
            continue
        lag = lag_days(event["published_on"], linked[0], event["kind"])
        if lag is not None and lag >= 0:
            found[linked[0].entry_id] = FirstWord(event["published_on"][:10], event["url"], event["title"], lag)
    return found
