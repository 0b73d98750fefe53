"""One crawl's path: a register's pull, from raw replies to stored history, alerts,
exports and the change feed. `_path` reads top to bottom as the steps a row takes.

The order matters: the raw replies are archived first (evidence, even of a refused
crawl), then the pull is checked, normalised, compared with the last good state and
only then stored as current, with its alerts queued in the same transaction; the
exports and feeds are written after that commit, from what it stored. A refused or held
pull leaves the stored state as it was, and the exports too (unless an earlier crawl died
before writing them: every run rebuilds what lags behind the database).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from pipelines import collector
from pipelines.publish.ahead import Ahead, write_ahead
from pipelines.publish.status import write_status
from pipelines.publish.sync import pause_point, publish
from pipelines.register import validate
from pipelines.register.diff import Diff, baseline, diff
from pipelines.register.halves import RowOf, drained, normalise_changed
from pipelines.register.models import Change, Entry, SourceRefused
from pipelines.register.normalise import (
    DEFAULT_PROFILE,
    Part,
    Profile,
    RawCells,
    raw_cells,
    split_kept,
)
from pipelines.storage.locks import source_lock
from pipelines.storage.raw_archive import archive_replies, write_files
from pipelines.storage.store import Snapshot, Store
from scraper.items import Pull, utc_now
from scraper.parsers.cells import RowsDigest, cells_line
from scraper.registers.metadata import Thresholds

log = logging.getLogger("regwatch.ingest")

# Queues the alerts of a stored change: (connection, snapshot_id, diff, detected_at) → count.
AlertQueuer = Callable[[Connection, int, Diff, str], int]

BASELINE, CHANGED, UNCHANGED, HELD, REFUSED = "baseline", "changed", "unchanged", "held", "refused"

DEFAULT_THRESHOLDS = Thresholds()  # frozen: one instance serves every call that names none


@dataclass
class Outcome:
    source: str
    status: str  # baseline|changed|unchanged|held|refused
    message: str = ""
    entries: int = 0
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_modified: int | None = None  # the service's change stamp the pull was read under
    gap_days: int = 0  # when set: this many days since the last snapshot explain the additions

    @property
    def ok(self) -> bool:
        return self.status in (BASELINE, CHANGED, UNCHANGED)


def rows_hash(rows: Iterable[RawCells], fingerprints: list[str] | None = None, source_url: str = "") -> str:
    """Fingerprint of the register as published: every row's cells (raw_cells), in the
    order served. Equal fingerprints mean nothing to parse, compare or store.
    `fingerprints`: gets each row's own (normalise.fingerprint, read at `source_url`), made
    from the same line, so a changed pull joins its rows' cells once, not twice. (The
    JSON service's spider makes both as it reads: Pull.content_hash, Pull.fingerprints.)"""
    digest = RowsDigest(source_url, fingerprints)
    for cells in rows:  # row by row: a 100 000-row register never becomes one big string
        digest.add(cells_line(cells))
    return digest.hexdigest()


def ingest(pull: Pull, store: Store, data_dir: Path,  # consumes pull.rows (or lines) and pull.replies
           thresholds: Thresholds = DEFAULT_THRESHOLDS,
           now: str | None = None, allow_drop: bool = False, problem: str = "",
           queue_alerts: AlertQueuer | None = None, xlsx: bool = True,
           profile: Profile = DEFAULT_PROFILE, packed: Mapping[str, bytes] | None = None) -> Outcome:
    """One pull, start to end, under the source's lock. `problem` is set when the fetch
    itself failed: the replies are archived, nothing else. `queue_alerts(conn, snapshot_id,
    diff, now)` queues the alerts of a stored change, in the transaction that stores it.
    `xlsx=False`: the XLSX is left to its first request (publish/latest_xlsx.py), off the crawl's path.
    `profile`: what the register's metadata says about its rows (normalise.Profile).
    `packed`: replies compressed already, by SHA-256 (raw_archive.Packer, as they were fetched)."""
    pause_point("pulled")
    run = _Run(pull, store, data_dir, thresholds, now or utc_now(), allow_drop, queue_alerts, profile)
    # two crawls of one source never interleave; the reads and the poll's log share one connection;
    # rows, entries and their cells hold no cycles: collecting, 2-3 s of a 100 000-row first crawl
    with source_lock(data_dir, pull.source, database_url=store.url), store.one_connection(), \
            collector.paused(), _discarding(run):
        run.replies = _archive(run, packed)
        packed = None  # archived: what is compressed lives on only in the raw/ files still to write
        pause_point("archived")
        try:
            if problem:
                raise SourceRefused(problem)
            outcome = _path(run)
        except SourceRefused as refusal:
            log.error("refused: %s", refusal)
            store.log_poll(pull.source, pull.channel, REFUSED, run.now, run.replies, str(refusal))
            outcome = Outcome(pull.source, REFUSED, str(refusal))
        write_files(run.raw_files)  # after the alerts: the database holds the replies' bytes already
        # Every run, whatever its outcome, brings the exports and feeds up to the database:
        # what a crash after an earlier commit left behind is rebuilt here.
        published = publish(store, data_dir, pull.source, current=run.state,  # a poll stored no snapshot:
                            poll_at=run.now if run.poll else "", xlsx=xlsx,  # the last is the one it read
                            last=run.previous if run.poll else None, ahead=run.ahead)
        pause_point("published")
        write_status(data_dir, pull.source, outcome.status, outcome.message, run.now, published.shows)
        return outcome


@contextmanager
def _discarding(run: _Run) -> Iterator[None]:
    """Whatever files written ahead of the commit `publish` did not put in place (a failed
    commit, a crash before publishing) are removed, and their writer reaped."""
    try:
        yield
    finally:
        if run.ahead is not None:
            run.ahead.discard()


def _path(run: _Run) -> Outcome:
    """The steps of a pull, in order. A step that finds the pull untrustworthy raises
    SourceRefused; one that finds nothing new, or a change to confirm first, ends it."""
    validate.check_pull(run.pull, run.thresholds)                   # 1. whole and plausible?
    if (unchanged := _published_as_before(run)) is not None:        # 2. nothing new: stop here
        return unchanged
    pause_point("comparing")
    if run.previous is None:  # a first crawl queues no alerts: its raw/ files need not wait for them
        write_files(run.raw_files)  # …beside its entries (10 MB of a 100 000-row pull)
    entries, warnings = _normalise(run)                             # 3. rows → entries
    result, status = _compare(run, entries)                         # 4. diff with the last good state
    pause_point("compared")
    if (held := _hold_if_unconfirmed(run, result, status, warnings)) is not None:
        return held                                                 #    (vanished rows, mass edits)
    pause_point("before_commit")
    if status == BASELINE:  # its biggest files are written meanwhile, by a child; published after it
        run.ahead = write_ahead(run.data_dir, run.source, result.entries, run.now, run.replies)
    _commit(run, result, status)                                    # 5. store, and queue the alerts
    pause_point("after_commit")
    # 6. exports and feeds: by `publish`, from the store unless this is the whole new state
    run.state, run.current = (result.entries if status == BASELINE else None), []
    return _stored(run, result, status, warnings)


@dataclass
class _Run:
    """What the steps of one pull share."""
    pull: Pull
    store: Store
    data_dir: Path
    thresholds: Thresholds
    now: str
    allow_drop: bool
    queue_alerts: AlertQueuer | None
    profile: Profile
    replies: list[str] = field(default_factory=list)  # SHA-256 of the archived raw replies
    raw_files: list[tuple[Path, bytes]] = field(default_factory=list)  # …and their raw/ files, still to write
    digest: str = ""  # rows_hash of the pull
    fingerprints: list[str] = field(default_factory=list)  # …and its rows', made with it
    previous: Snapshot | None = None  # the last good state's snapshot
    previous_count: int = 0  # …its number of entries
    current: list[Entry] = field(default_factory=list)  # …and those of its entries no row kept
    count: int = 0  # the pull's number of entries (kept ones included)
    taken: set[str] | None = None  # every entry_id of the source, for the diff and the commit
    state: list[Entry] | None = None  # the entries just stored as current, if any
    poll: bool = False  # found the register as published before: an empty change file
    ahead: Ahead | None = None  # a first crawl's files, being written while it commits

    @property
    def source(self) -> str:
        return self.pull.source


def _archive(run: _Run, packed: Mapping[str, bytes] | None) -> list[str]:
    """The raw replies go to the archive before anything reads them: evidence, even of a
    refused pull."""
    hashes = archive_replies(run.store, run.data_dir, run.source, run.pull.replies, run.raw_files, packed)
    run.pull.replies.clear()  # archived: the bodies (megabytes for a large register) can go
    return hashes


def _published_as_before(run: _Run) -> Outcome | None:
    """An outcome when the pull holds nothing new: an archived copy imported before, or
    the register published exactly as last time (nothing to parse, compare or store)."""
    pull, store, source = run.pull, run.store, run.source
    run.previous = previous = store.last_snapshot(source)
    made, pull.fingerprints = pull.fingerprints, []  # the spider's, if it made them: kept only if needed
    if previous is not None and previous.replies == tuple(run.replies):
        run.digest = previous.content_hash  # the very bytes it was read from: the same rows, no need to hash them
    elif pull.content_hash and len(made) == pull.row_count():  # made as the rows were read
        run.digest, run.fingerprints = pull.content_hash, (made if previous else [])
    else:  # with the rows' fingerprints when there are stored ones to compare them with
        run.digest = rows_hash(map(raw_cells, pull.made_rows()), run.fingerprints if previous else None,
                               pull.source_url)
    if pull.captured_at and previous is not None and pull.captured_at <= previous.taken_at:
        if store.has_snapshot_of(run.replies):  # importing the same copy twice changes nothing
            log.info("%s: the copy captured %s was imported before", source, pull.captured_at)
            return Outcome(source, UNCHANGED, "imported before", pull.row_count())
        raise SourceRefused(f"{source}: the copy captured {pull.captured_at} is older than the last "
                            f"stored snapshot ({previous.taken_at}); import archived copies "
                            "oldest first, before the first crawl")
    if previous is None or previous.content_hash != run.digest:
        return None
    store.log_poll(source, pull.channel, UNCHANGED, run.now, run.replies, clear_hold=True)
    run.poll = True  # `publish` rewrites what lags (a new data dir, a crash) and adds an empty change file
    log.info("%s: unchanged, %d entries", source, pull.row_count())
    return Outcome(source, UNCHANGED, "no change", pull.row_count())


def _normalise(run: _Run) -> tuple[list[Entry], list[str]]:
    """The rows published otherwise than the stored entries as entries, and the warnings (bad
    dates, an unexpected size). A row published as before keeps its stored entry: compared
    by fingerprint, neither decoded nor parsed. `run.current` gets the stored entries that
    no row kept: the only ones the comparison needs."""
    pull = run.pull
    # the fingerprint covers the cells *and* source: a row the old page showed is cited anew from the API
    by_fingerprint, unknown = run.store.current_fingerprints(run.source) if run.previous is not None else ({}, [])
    run.previous_count = len(by_fingerprint) + len(unknown)
    size_warnings = validate.size_warnings(pull, run.thresholds)
    rows, looked_up, kept_already, row_of = _rows_to_parse(run, by_fingerprint)
    entries, kept, problems = normalise_changed(rows, pull.source_url, looked_up, run.profile, run.fingerprints,
                                                kept_already, row_of)
    run.count = len(kept) + len(entries)
    warnings = [str(p) for p in problems] + size_warnings
    for warning in warnings:
        log.warning("%s: %s", run.source, warning)
    validate.check_problems(run.source, problems)
    validate.check_dates(run.source, entries, run.thresholds, run.now)
    kept_ids = set(kept)
    stored = [*by_fingerprint.values(), *unknown]
    run.current = run.store.current_entries(run.source, ids=[i for i in stored if i not in kept_ids])
    run.taken = set(stored) if run.previous is not None else None  # the ids of the current state, read once
    return entries, warnings


def _rows_to_parse(run: _Run, by_fingerprint: dict[str, str]) -> tuple[
        list[Any], dict[str, str], Part | None, RowOf | None]:
    """normalise_changed's rows, stored fingerprints, rows kept already and maker of rows. The
    rows a spider left as their lines (Pull.lines) are made as they are normalised, and only
    those not stored (normalise.split_kept): of a changed crawl's 100 000 rows, a thousand.
    `run.fingerprints` becomes the rows' to parse."""
    pull = run.pull
    if not pull.lines:  # made already (an XLSX, an HTML page, a copy from elsewhere)
        return pull.rows, by_fingerprint, None, None
    lines, pull.lines = pull.lines, []
    if not run.fingerprints:  # none made, or none stored to compare them with (a first crawl)
        return lines, by_fingerprint, None, pull.line_row
    lines, run.fingerprints, kept = split_kept(lines, run.fingerprints, by_fingerprint)
    return lines, {}, kept, pull.line_row


def _compare(run: _Run, entries: list[Entry]) -> tuple[Diff, str]:
    """The first pull is the baseline (no alerts); later ones are diffed with the last good
    state, after refusing an implausible drop in rows."""
    if run.previous is None:  # drained: the entries without ids go as their copies with ids are made
        return baseline(run.source, drained(entries), run.now), BASELINE
    if not run.allow_drop:
        validate.check_drop(run.source, run.previous_count, run.count, run.thresholds)
    run.taken = run.taken or set()
    run.taken.update(run.store.all_entry_ids(run.source, present=False))  # every id ever given, none reused
    return diff(run.source, run.current, entries, run.now, gone=run.store.gone_entries(run.source),
                taken_ids=run.taken), CHANGED


def _hold_if_unconfirmed(run: _Run, result: Diff, status: str, warnings: list[str]) -> Outcome | None:
    """Vanished rows or a mass edit wait for a second pull that agrees: a HELD outcome the
    first time, None (go on) when this pull is that second one or nothing needs it."""
    gap = _days_since_last_snapshot(run)
    reason = validate.hold_reason(result, run.previous_count, run.thresholds, gap) if status == CHANGED else ""
    if not reason:
        return None
    held = run.store.hold(run.source)
    if held is not None and held[0] == run.digest:
        log.info("%s: a second pull agrees with the held one (%s)", run.source, reason)
        return None
    run.store.set_hold(run.source, run.digest, reason, run.now)
    run.store.log_poll(run.source, run.pull.channel, HELD, run.now, run.replies, reason)
    message = f"{run.source}: held until a second pull agrees: {reason}"
    log.warning(message)
    return Outcome(run.source, HELD, message, run.count, warnings=warnings)


def _commit(run: _Run, result: Diff, status: str) -> None:
    """The new state in one transaction with its alerts (none for a baseline)."""
    pull, queue = run.pull, run.queue_alerts if status == CHANGED else None
    then = None if queue is None else (lambda conn, snapshot_id: queue(conn, snapshot_id, result, run.now))
    snapshot_id = run.store.commit_state(run.source, pull.channel, run.now, run.digest, run.replies,
                                         pull.last_modified, run.count, result.touched,
                                         result.removed, result.changes, then, as_of=pull.as_of, known=run.taken)
    run.store.log_poll(run.source, pull.channel, status, run.now, run.replies, snapshot_id=snapshot_id)


def _stored(run: _Run, result: Diff, status: str, warnings: list[str]) -> Outcome:
    if status == BASELINE:
        log.info("%s: baseline of %d entries; no alerts for a first crawl", run.source, run.count)
        return Outcome(run.source, BASELINE, f"first crawl: {run.count} entries", run.count, warnings=warnings)
    counts = (", ".join(f"{n} {k}" for k, n in Counter(c.kind for c in result.changes).items())
              or "no change in content (the published text differs in form only)")
    log.info("%s: %d entries, %s", run.source, run.count, counts)
    outcome = Outcome(run.source, CHANGED, counts, run.count, result.changes, warnings)
    gap = _days_since_last_snapshot(run)
    if validate.additions_over_gap(result, run.previous_count, run.thresholds, gap):
        outcome.gap_days = int(gap)
        log.info("%s: %d days since the last snapshot explain the additions: stored at once, not held",
                 run.source, outcome.gap_days)
    return outcome


def _days_since_last_snapshot(run: _Run) -> float:
    if run.previous is None:
        return 0.0
    since = datetime.fromisoformat(run.now) - datetime.fromisoformat(run.previous.taken_at)
    return since.total_seconds() / 86400

