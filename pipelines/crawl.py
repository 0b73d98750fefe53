"""One pull of a register, from raw replies to stored history and exports.

The order matters: the raw replies are archived first (evidence, even of a refused
crawl), then the pull is checked, normalised, compared with the last good state and
only then stored as current. A refused or held pull leaves the stored state and the
exports exactly as they were.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Connection

from pipelines.publish.export import entry_record, exports_present, write_exports
from pipelines.publish.feeds import write_feeds
from pipelines.publish.status import write_status
from pipelines.register import validate
from pipelines.register.diff import Diff, baseline, diff
from pipelines.register.models import Change, Entry, SourceRefused
from pipelines.register.normalise import normalise_rows, raw_cells
from pipelines.storage.locks import source_lock
from pipelines.storage.raw_archive import archive_replies
from pipelines.storage.store import Store
from scraper.items import Pull, utc_now

log = logging.getLogger("regwatch.ingest")

# Queues the alerts of a stored change: (connection, snapshot_id, diff, detected_at) → count.
AlertQueuer = Callable[[Connection, int, Diff, str], int]

BASELINE, CHANGED, UNCHANGED, HELD, REFUSED = "baseline", "changed", "unchanged", "held", "refused"


@dataclass
class Outcome:
    source: str
    status: str  # baseline|changed|unchanged|held|refused
    message: str = ""
    entries: int = 0
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_modified: int | None = None  # the service's change stamp the pull was read under

    @property
    def ok(self) -> bool:
        return self.status in (BASELINE, CHANGED, UNCHANGED)


def rows_hash(rows: list[dict[str, str]]) -> str:
    """Fingerprint of the register as published: every row's cells, in the order served.
    Equal fingerprints mean nothing to parse, compare or store."""
    digest = hashlib.sha256()
    for row in rows:  # row by row: a 100 000-row register never becomes one big string
        # Unit and record separators cannot occur in published text: no two rows collide.
        line = "\x1e".join(f"{key}\x1f{value}" for key, value in raw_cells(row)) + "\n"
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def ingest(pull: Pull, store: Store, data_dir: Path,  # consumes pull.rows and pull.replies
           thresholds: validate.Thresholds = validate.Thresholds(),
           now: str | None = None, allow_drop: bool = False, problem: str = "",
           queue_alerts: AlertQueuer | None = None) -> Outcome:
    """`problem` is set when the fetch itself failed: the replies are archived, nothing else.
    `queue_alerts(conn, snapshot_id, diff, now)` queues the alerts for a stored change,
    in the transaction that stores it."""
    now = now or utc_now()
    source = pull.source
    with source_lock(data_dir, source):  # two crawls of one source never interleave their writes
        described = archive_replies(data_dir, source, pull.replies)
        store.add_replies(described)
        pull.replies.clear()  # archived: the bodies (megabytes for a large register) can go
        replies = [r["sha256"] for r in described]
        try:
            if problem:
                raise SourceRefused(problem)
            outcome = _ingest_checked(pull, store, data_dir, thresholds, now, replies, allow_drop,
                                      queue_alerts)
        except SourceRefused as refusal:
            log.error("refused: %s", refusal)
            store.log_poll(source, pull.channel, REFUSED, now, replies, str(refusal))
            outcome = Outcome(source, REFUSED, str(refusal))
        write_status(data_dir, source, outcome.status, outcome.message, now, store.last_snapshot(source))
        return outcome


def _ingest_checked(pull: Pull, store: Store, data_dir: Path, thresholds: validate.Thresholds,
                    now: str, replies: list[str], allow_drop: bool,
                    queue_alerts: AlertQueuer | None) -> Outcome:
    source = pull.source
    validate.check_pull(pull, thresholds)
    digest = rows_hash(pull.rows)
    previous = store.last_snapshot(source)
    if pull.captured_at and previous is not None and pull.captured_at <= previous.taken_at:
        if store.has_snapshot_of(replies):  # importing the same copy twice changes nothing
            log.info("%s: the copy captured %s was imported before", source, pull.captured_at)
            return Outcome(source, UNCHANGED, "imported before", len(pull.rows))
        raise SourceRefused(f"{source}: the copy captured {pull.captured_at} is older than the last "
                            f"stored snapshot ({previous.taken_at}); import archived copies "
                            "oldest first, before the first crawl")
    if previous is not None and previous.content_hash == digest:
        # Published exactly as last time: nothing to parse, compare or store.
        store.clear_hold(source)
        store.log_poll(source, pull.channel, UNCHANGED, now, replies)
        if not exports_present(data_dir, source):  # e.g. a new data dir on an existing database
            write_exports(data_dir, source, store.current_entries(source), store.changes(source),
                          previous.taken_at, list(previous.replies), new_snapshot=False)
        write_feeds(data_dir, source, UNCHANGED, now, previous.taken_at, [], [])
        log.info("%s: unchanged, %d entries", source, len(pull.rows))
        return Outcome(source, UNCHANGED, "no change", len(pull.rows))

    current = store.current_entries(source) if previous is not None else []
    entries, problems = normalise_rows(pull.rows, pull.source_url,
                                       # reuse needs the same cells *and* source: a row
                                       # the old page showed is cited anew from the API
                                       known={e.raw: e for e in current
                                              if e.source_url == pull.source_url})
    size_warnings = validate.size_warnings(pull, thresholds)
    pull.rows.clear()  # every row lives on in its entry (`raw`); the dicts can go
    warnings = [str(p) for p in problems] + size_warnings
    for warning in warnings:
        log.warning("%s: %s", source, warning)
    validate.check_problems(source, problems)

    if previous is None:
        first = baseline(source, entries, now)
        _commit(pull, store, data_dir, now, digest, replies, first, BASELINE)
        write_feeds(data_dir, source, BASELINE, now, now, first.changes, first.entries)
        log.info("%s: baseline of %d entries; no alerts for a first crawl", source, len(first.entries))
        return Outcome(source, BASELINE, f"first crawl: {len(first.entries)} entries",
                       len(first.entries), warnings=warnings)

    if not allow_drop:
        validate.check_drop(source, len(current), len(entries), thresholds)
    result: Diff = diff(source, current, entries, now, gone=store.gone_entries(source),
                        taken_ids=store.all_entry_ids(source))
    reason = validate.hold_reason(result, len(current), thresholds)
    if reason:
        held = store.hold(source)
        if held is None or held[0] != digest:
            store.set_hold(source, digest, reason, now)
            store.log_poll(source, pull.channel, HELD, now, replies, reason)
            message = f"{source}: held until a second pull agrees: {reason}"
            log.warning(message)
            return Outcome(source, HELD, message, len(entries), warnings=warnings)
        log.info("%s: a second pull agrees with the held one (%s)", source, reason)
    _commit(pull, store, data_dir, now, digest, replies, result, CHANGED, queue_alerts)
    write_feeds(data_dir, source, CHANGED, now, now, result.changes, result.entries,
                restated=restated(result, current))
    counts = (", ".join(f"{n} {k}" for k, n in _count_kinds(result.changes).items())
              or "no change in content (the published text differs in form only)")
    log.info("%s: %d entries, %s", source, len(result.entries), counts)
    return Outcome(source, CHANGED, counts, len(result.entries), result.changes, warnings)


def restated(result: Diff, before: list[Entry]) -> list[Entry]:
    """Entries whose exported record moved without a change of the register (e.g. a row
    of the old page now read from the API cites the API): the change feed lists them."""
    changed = {c.entry_id for c in result.changes}
    old = {e.entry_id: entry_record(e) for e in before}
    return [e for e in result.touched
            if e.entry_id not in changed and e.entry_id in old and entry_record(e) != old[e.entry_id]]


def _count_kinds(found: list[Change]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in found:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts


def _commit(pull: Pull, store: Store, data_dir: Path, now: str, digest: str, replies: list[str],
            result: Diff, outcome: str, queue_alerts: AlertQueuer | None = None) -> None:
    then = None if queue_alerts is None else (lambda conn, sid: queue_alerts(conn, sid, result, now))
    snapshot_id = store.commit_state(pull.source, pull.channel, now, digest, replies,
                                     pull.last_modified, len(result.entries), result.touched,
                                     result.removed, result.changes, then, as_of=pull.as_of)
    store.log_poll(pull.source, pull.channel, outcome, now, replies, snapshot_id=snapshot_id)
    write_exports(data_dir, pull.source, result.entries, store.changes(pull.source), now, replies,
                  new_snapshot=True)
