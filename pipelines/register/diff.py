"""Identity and difference between two states of a register. Pure: no I/O, no clock.

The register's row number is not guaranteed stable, so an entry is recognised by its
number, its inclusion order (number and date) and its name together:

1. all of number, order, date and name equal → the same entry;
2. order, date and name equal, number differs → the same entry, `renumbered`;
3. number equal and either the name or the order (number and date) equal → the same
   entry, edited (`modified`, or `excluded`/`reinstated` for a status change);
4. a row that matches an entry that had vanished earlier → that entry, `reinstated`;
5. anything left: new rows are `added`, old entries that found no row are `removed`.

An entry_id is fixed when the entry is first seen and never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace

from pipelines.register.models import (
    ADDED,
    CONTENT_FIELDS,
    EXCLUDED,
    EXCLUDED_KIND,
    MODIFIED,
    REINSTATED,
    REMOVED,
    RENUMBERED,
    Change,
    Entry,
    with_identity,
)

# Fields whose change is part of an exclusion or reinstatement, not an edit of its own.
_EXCLUSION_FIELDS = ("excluded_on", "exclusion_order")


@dataclass
class Diff:
    entries: list[Entry]  # the new state, every entry with its entry_id
    changes: list[Change]
    removed: list[Entry]  # entries of the old state that found no row
    touched: list[Entry] = field(default_factory=list)  # new or different: versions to store

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def entry_id_for(source: str, number: int, taken: set[str]) -> str:
    """`<source>/<number>`; if an older entry holds that id already, `<source>/<number>-2`, -3…"""
    base = f"{source}/{number}"
    candidate, suffix = base, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def format_value(value: object) -> str:
    """How a field's value reads in a Change, CSV or message: lists joined by ' | '."""
    if isinstance(value, (tuple, list)):  # identifiers are pairs: "inn:7707304743"
        return " | ".join(":".join(v) if isinstance(v, (tuple, list)) else v for v in value)
    return "" if value is None else str(value)


def _full_key(e: Entry) -> Hashable:
    return (e.number, e.listing_order, e.listed_on, e.name)


def _stable_key(e: Entry) -> Hashable:
    return (e.listing_order, e.listed_on, e.name)


def _pair_by(
    key: Callable[[Entry], Hashable],
    old: dict[int, Entry],
    new: dict[int, Entry],
    accept: Callable[[Entry, Entry], bool] = lambda o, n: True,
) -> list[tuple[Entry, Entry]]:
    """Pair unmatched old and new entries whose key is equal and unique on both sides."""
    old_by_key: dict[Hashable, list[int]] = {}
    for i, e in old.items():
        old_by_key.setdefault(key(e), []).append(i)
    new_by_key: dict[Hashable, list[int]] = {}
    for j, e in new.items():
        new_by_key.setdefault(key(e), []).append(j)
    pairs = []
    for k, js in new_by_key.items():
        is_ = old_by_key.get(k, [])
        if len(is_) == 1 and len(js) == 1 and accept(old[is_[0]], new[js[0]]):
            pairs.append((old.pop(is_[0]), new.pop(js[0])))
    return pairs


def _pair_reused(old: dict[int, Entry], new: dict[int, Entry]) -> list[tuple[Entry, Entry]]:
    """Rows published exactly as before arrive as the very entry objects of the old state
    (see normalise_rows' `known`): pair those by identity, the cheapest match of all."""
    position = {id(e): i for i, e in old.items()}
    pairs = []
    for j in [j for j, e in new.items() if id(e) in position]:
        entry = new.pop(j)
        pairs.append((old.pop(position[id(entry)]), entry))
    return pairs


def _same_by_number(o: Entry, n: Entry) -> bool:
    return o.name == n.name or (o.listing_order, o.listed_on) == (n.listing_order, n.listed_on)


def _content(e: Entry) -> tuple:
    return tuple(getattr(e, name) for name in CONTENT_FIELDS)


def changes_between(old: Entry, new: Entry, detected_at: str) -> list[Change]:
    """What changed in one entry between two states (new carries old's entry_id)."""
    def change(kind: str, field: str, before: object, after: object) -> Change:
        return Change(kind, old.entry_id, new.number, new.name, field,
                      format_value(before), format_value(after), detected_at)

    changes = []
    if old.number != new.number:
        changes.append(change(RENUMBERED, "number", old.number, new.number))
    status_changed = old.status != new.status
    if status_changed:
        kind = EXCLUDED_KIND if new.status == EXCLUDED else REINSTATED
        changes.append(change(kind, "status", old.status, new.status))
    for name in CONTENT_FIELDS:
        if name in ("number", "status") or (status_changed and name in _EXCLUSION_FIELDS):
            continue
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(change(MODIFIED, name, before, after))
    return changes


def diff(
    source: str,
    previous: Iterable[Entry],
    current: Iterable[Entry],
    detected_at: str,
    gone: Iterable[Entry] = (),
    taken_ids: Iterable[str] = (),
) -> Diff:
    """Match `current` (rows without ids) against `previous` (the last state, with ids).

    `gone` holds entries that vanished in earlier states, so a row that comes back is
    `reinstated` under its old id; `taken_ids` every id ever given, so none is reused.
    """
    old = dict(enumerate(previous))
    new = dict(enumerate(current))
    pairs = _pair_reused(old, new)
    pairs += _pair_by(_full_key, old, new)
    pairs += _pair_by(_stable_key, old, new)
    pairs += _pair_by(lambda e: e.number, old, new, accept=_same_by_number)

    result: list[Entry] = []
    touched: list[Entry] = []
    changes: list[Change] = []
    for o, n in pairs:
        if n is o:  # a row published exactly as before reuses its entry: nothing to compare
            result.append(o)
            continue
        n = with_identity(n, o.entry_id, o.first_seen, o.last_changed)
        entry_changes = changes_between(o, n, detected_at) if _content(o) != _content(n) else []
        if entry_changes:
            changes.extend(entry_changes)
            n = replace(n, last_changed=detected_at)
        result.append(n)
        if n != o:  # an edit, or the same content published in another form (raw text)
            touched.append(n)

    returning = dict(enumerate(gone))
    for o, n in _pair_by(_stable_key, returning, new):
        n = with_identity(n, o.entry_id, o.first_seen, detected_at)
        changes.append(Change(REINSTATED, o.entry_id, n.number, n.name, "status",
                              REMOVED, n.status, detected_at))
        changes.extend(c for c in changes_between(o, n, detected_at) if c.kind != REINSTATED)
        result.append(n)
        touched.append(n)

    taken = set(taken_ids) | {e.entry_id for e in result} | {e.entry_id for e in old.values()}
    for n in sorted(new.values(), key=lambda e: e.number):
        entry_id = entry_id_for(source, n.number, taken)
        taken.add(entry_id)
        n = with_identity(n, entry_id, detected_at, detected_at)
        result.append(n)
        touched.append(n)
        changes.append(Change(ADDED, entry_id, n.number, n.name, "", "", n.status, detected_at))

    removed = sorted(old.values(), key=lambda e: e.number)
    for o in removed:
        changes.append(Change(REMOVED, o.entry_id, o.number, o.name, "", o.status, "", detected_at))

    result.sort(key=lambda e: e.number)
    changes.sort(key=lambda c: (c.number, c.kind != ADDED))
    return Diff(result, changes, removed, touched)


def baseline(source: str, current: Iterable[Entry], detected_at: str) -> Diff:
    """The first state of a register: ids given, nothing reported as a change."""
    taken: set[str] = set()
    state = []
    ordered = sorted(current, key=lambda e: e.number)
    ordered.reverse()
    while ordered:  # each entry let go once its copy with an id is made: a register is not held twice
        entry = ordered.pop()
        entry_id = entry_id_for(source, entry.number, taken)
        taken.add(entry_id)
        state.append(with_identity(entry, entry_id, detected_at, detected_at))
    return Diff(state, [], [], touched=state)

