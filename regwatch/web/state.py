"""What the web pages show: the latest stored state of a register, built once per snapshot.

Entries, their folded names, the name index of the check box and the register's changes
are read and built when a newer snapshot appears, never per request. Whether one has
appeared is asked of the database at most once per `recheck_seconds`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipelines.announcements.articles import aliases_of, register_checker, register_index
from pipelines.matching.index import QueryError, RegisterIndex, Verdict
from pipelines.matching.keys import fold
from pipelines.matching.registers import Register
from pipelines.register.models import EXCLUDED, LISTED, PERSON, Change, Entry
from pipelines.register.stats import designation_year
from pipelines.storage.store import Snapshot, Store
from scraper.registers.metadata import SourceMeta


@dataclass(frozen=True)
class CountryOption:
    code: str
    published: str  # the register's most frequent Russian name of the country
    count: int


@dataclass(frozen=True)
class RegisterState:
    meta: SourceMeta
    snapshot: Snapshot | None  # None: nothing crawled yet
    entries: tuple[Entry, ...] = ()
    folded_names: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()  # oldest first
    index: RegisterIndex | None = None
    countries: tuple[CountryOption, ...] = ()
    years: tuple[int, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # total, listed, excluded
    checker: Register | None = None  # the check across registers (as `regwatch check`'s)

    @property
    def empty(self) -> bool:
        return self.snapshot is None

    @property
    def read_on(self) -> date:
        """The day the register shown was read (UTC)."""
        return date.fromisoformat(self.snapshot.taken_at[:10]) if self.snapshot else date.min

    def check(self, query: str, false_positives: Collection[tuple[str, str]] = ()) -> Verdict | None:
        """The verdict on a query; None when nothing is left to check once markup and
        spaces are dropped. The caller has capped its length (params.text)."""
        if self.index is None:
            return None
        try:
            return self.index.check(query, false_positives=false_positives)
        except QueryError:
            return None


def _countries(entries: Sequence[Entry]) -> tuple[CountryOption, ...]:
    names: dict[str, Counter[str]] = {}
    for e in entries:
        if e.country_code:
            names.setdefault(e.country_code, Counter())[e.country] += 1
    options = (CountryOption(code, c.most_common(1)[0][0], c.total()) for code, c in names.items())
    return tuple(sorted(options, key=lambda o: (-o.count, o.code)))


def build_state(meta: SourceMeta, snapshot: Snapshot | None, entries: Sequence[Entry],
                changes: Sequence[Change],
                known_aliases: dict[str, list[tuple[str, str]]] | None = None) -> RegisterState:
    if snapshot is None:
        return RegisterState(meta, None)
    statuses = Counter(e.status for e in entries)
    index = register_index(list(entries), known_aliases or {})
    # Without people, the page's index is the one the check across registers needs: built once.
    checker = (register_checker(meta.source, list(entries), known_aliases or {})
               if any(e.entity_type == PERSON for e in entries) else Register(meta.source, entries, index))
    return RegisterState(
        meta, snapshot, tuple(entries), tuple(fold(e.name) for e in entries), tuple(changes),
        index, _countries(entries),
        tuple(sorted({y for e in entries if (y := designation_year(e)) is not None}, reverse=True)),
        {"total": len(entries), LISTED: statuses[LISTED], EXCLUDED: statuses[EXCLUDED]}, checker,
    )


class LiveRegister:
    """The latest RegisterState of one source, rebuilt when the store has a newer snapshot."""

    def __init__(self, store: Store, meta: SourceMeta, recheck_seconds: float = 1.0,
                 on_new: Callable[[], object] | None = None) -> None:
        self.store = store
        self.meta = meta
        self.recheck_seconds = recheck_seconds
        self.on_new = on_new  # run in a thread of its own once a newer snapshot is shown
        self._lock = threading.Lock()
        self._state: RegisterState | None = None
        self._checked_at = float("-inf")

    def current(self) -> RegisterState:
        state = self._state
        if state is not None and time.monotonic() - self._checked_at < self.recheck_seconds:
            return state
        with self._lock:  # one request rebuilds; the others wait for its result
            snapshot = self.store.last_snapshot(self.meta.source)
            state = self._state
            if state is None or _snapshot_id(state.snapshot) != _snapshot_id(snapshot):
                state = self._state = build_state(
                    self.meta, snapshot, self.store.current_entries(self.meta.source),
                    self.store.changes(self.meta.source), aliases_of(self.store.engine))
                if self.on_new is not None and snapshot is not None:
                    threading.Thread(target=self.on_new, name=f"{self.meta.source}: new snapshot",
                                     daemon=True).start()
            self._checked_at = time.monotonic()
            return state


def _snapshot_id(snapshot: Snapshot | None) -> int | None:
    return None if snapshot is None else snapshot.id


def read_status(data_dir: Path, source: str) -> dict | None:
    """`<source>/status.json` (when the register was last checked, and how it went), or None."""
    try:
        return json.loads((data_dir / source / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
