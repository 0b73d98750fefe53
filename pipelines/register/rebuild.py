"""Rebuild a register's history from the rows of its stored snapshots, read again from
the raw replies (after a parser or normaliser fix). Pure: the same baseline and diff a
crawl runs, snapshot after snapshot, and a comparison of the old history with the new."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.register.diff import Diff, baseline, diff
from pipelines.register.models import CONTENT_FIELDS, Change, Entry
from pipelines.register.normalise import DEFAULT_PROFILE, Profile, normalise_rows


@dataclass(frozen=True)
class SnapshotRows:
    snapshot_id: int
    taken_at: str
    rows: list[dict[str, str]]
    source_url: str


@dataclass(frozen=True)
class RebuiltState:
    snapshot_id: int
    taken_at: str
    result: Diff


@dataclass(frozen=True)
class HistoryDelta:
    """What a rebuild changed: changes that appeared or went, entries that now read otherwise."""

    new_changes: list[Change]
    dropped_changes: list[Change]
    entries_changed: list[str]  # entry ids whose current version differs


def rebuild(source: str, snapshots: Iterable[SnapshotRows],
            profile: Profile = DEFAULT_PROFILE) -> list[RebuiltState]:
    """Each snapshot in order becomes the state a crawl would have stored from its rows
    (`profile`: the register's, as a crawl uses it)."""
    states: list[RebuiltState] = []
    current: list[Entry] = []
    gone: dict[str, Entry] = {}
    taken: set[str] = set()
    source_url = None
    for snapshot in snapshots:
        # A row published as in the snapshot before (and cited from the same page) is that
        # snapshot's entry again, not parsed anew: diff pairs it by identity, as in a crawl.
        known = {e.raw: e for e in current} if snapshot.source_url == source_url else None
        source_url = snapshot.source_url
        entries, problems = normalise_rows(snapshot.rows, snapshot.source_url, known, profile)
        fatal = [str(p) for p in problems if p.fatal]
        if fatal:
            raise ValueError(f"{source}: snapshot {snapshot.snapshot_id} ({snapshot.taken_at}): {fatal[0]}")
        result = (diff(source, current, entries, snapshot.taken_at, gone=list(gone.values()),
                       taken_ids=taken)
                  if states else baseline(source, entries, snapshot.taken_at))
        for entry in result.removed:
            gone[entry.entry_id] = entry
        for entry in result.entries:
            gone.pop(entry.entry_id, None)
            taken.add(entry.entry_id)
        current = result.entries
        states.append(RebuiltState(snapshot.snapshot_id, snapshot.taken_at, result))
    return states


def _change_key(change: Change) -> tuple[str, ...]:
    return (change.detected_at, change.kind, change.entry_id, change.field, change.old, change.new)


def compare(old_changes: list[Change], new_changes: list[Change], old_entries: list[Entry],
            new_entries: list[Entry]) -> HistoryDelta:
    old_keys, new_keys = {_change_key(c) for c in old_changes}, {_change_key(c) for c in new_changes}
    before = {e.entry_id: e for e in old_entries}
    differing = [e.entry_id for e in new_entries if e.entry_id not in before
                 or any(getattr(e, f) != getattr(before[e.entry_id], f) for f in CONTENT_FIELDS)]
    differing += [eid for eid in before if eid not in {e.entry_id for e in new_entries}]
    return HistoryDelta([c for c in new_changes if _change_key(c) not in old_keys],
                        [c for c in old_changes if _change_key(c) not in new_keys], differing)
