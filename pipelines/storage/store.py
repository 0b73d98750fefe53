"""History in a relational database (SQLite by default), through SQLAlchemy Core.

Versions, not copies: a snapshot row and new entry versions are written only when the
register's content changed; a poll that finds the same content extends the last
`crawl_log` row (its `polls` count and `last_at`), so the database grows with changes,
not with polls.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection, Engine

from pipelines.register.models import Change, Entry
from pipelines.register.normalise import fingerprint
from pipelines.storage.data_config import database_url
from pipelines.storage.migrations.upgrade import upgrade_to_head
from pipelines.storage.schema import (
    changes,
    crawl_log,
    entries,
    entry_versions,
    holds,
    metadata,
    raw_bodies,
    raw_replies,
    snapshots,
)

_ENTRY_FIELDS = {f.name for f in fields(Entry)}
_UNSET = object()
_BATCH = 2000  # rows per bulk statement


# Kept on the entry's head row, not in its versions.
_HEAD_FIELDS = ("first_seen", "last_changed")
_VERSION_FIELDS = tuple(f.name for f in fields(Entry) if f.name not in _HEAD_FIELDS)


# Fields added for registers of people (see models.Entry): stored only when set, so an
# organisation's stored JSON reads as it did before they existed.
_OPTIONAL_DEFAULTS = {f.name: f.default for f in fields(Entry) if f.name in (
    "entity_type", "agent_kind", "surname", "given_name", "patronymic", "identifiers",
    "aliases", "domains", "decision", "decision_date", "decision_number")}


_version_values = attrgetter(*_VERSION_FIELDS)
_VERSION_DEFAULTS = tuple(_OPTIONAL_DEFAULTS.get(name, _UNSET) for name in _VERSION_FIELDS)
# One encoder for every call: json.dumps with options builds a new one each time (100 000 a first crawl)
_encode_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def entry_to_json(entry: Entry) -> str:
    data = {name: value for name, value, default in zip(_VERSION_FIELDS, _version_values(entry), _VERSION_DEFAULTS)
            if value != default}
    data["raw"] = dict(entry.raw)
    return _encode_compact(data)


def entry_from_json(text: str, shared: dict[str, str] | None = None, **overrides: Any) -> Entry:
    """`shared`: a dict kept across many calls so that equal strings (dates, countries,
    statuses, the source URL, a raw cell equal to its normalised field) become one object:
    a 100 000-entry state then takes a fraction of the memory."""
    data = json.loads(text)
    one = (lambda value: value) if shared is None else (lambda value: shared.setdefault(value, value))
    raw = data.get("raw", {})
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = one(value)
        elif key == "identifiers":  # [["inn", "…"], …]: pairs
            data[key] = tuple((one(k), one(v)) for k, v in value)
        elif isinstance(value, list):
            data[key] = tuple(one(v) for v in value)
    data["raw"] = tuple((one(k), one(v)) for k, v in raw.items())
    data.update({k: one(v) for k, v in overrides.items()})
    return Entry(**{k: v for k, v in data.items() if k in _ENTRY_FIELDS})


_CHANGE_FIELDS = tuple(f.name for f in fields(Change))
_change_values = attrgetter(*_CHANGE_FIELDS)


def _change_rows(source: str, snapshot_id: int, found: list[Change]) -> list[dict[str, Any]]:
    """The `changes` table's rows of a snapshot's changes (their fields are plain values: no
    need of asdict's deep copy, ten times the CPU)."""
    return [{"source": source, "snapshot_id": snapshot_id, **dict(zip(_CHANGE_FIELDS, _change_values(c)))}
            for c in found]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):  # a bounded number of parameters per statement
        yield items[start:start + size]


def _bulk_insert(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Plain rows into `table`, in the connection's transaction, without SQLAlchemy's
    per-row work (a first crawl inserts 100 000 versions and heads): PostgreSQL's COPY,
    else one executemany of a prepared INSERT."""
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                             f"VALUES ({', '.join('?' * len(columns))})", rows)


def _plain_rows(conn: Connection, query: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a SELECT of plain columns (text, numbers) as the driver's tuples, without
    SQLAlchemy's Row per row and its result processing: a 100 000-row state's fingerprints
    are read in a quarter less CPU. The statement is SQLAlchemy's, compiled for the database."""
    compiled = query.compile(dialect=conn.dialect)
    values = compiled.construct_params()
    params = tuple(values[name] for name in compiled.positiontup or ()) if compiled.positional else values
    with closing(conn.connection.driver_connection.cursor()) as cursor:  # type: ignore[union-attr]
        cursor.execute(str(compiled), params)
        yield from cursor


@dataclass(frozen=True)
class Snapshot:
    id: int
    source: str
    channel: str
    taken_at: str
    row_count: int
    content_hash: str
    replies: tuple[str, ...]
    as_of: str | None = None  # the data date the source stated, when it states one


@dataclass(frozen=True)
class Provenance:
    snapshot: Snapshot
    replies: tuple[dict[str, Any], ...]  # raw_replies rows: sha256, url, method, fetched_at, path…


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(row.id, row.source, row.channel, row.taken_at, row.row_count,
                    row.content_hash, tuple(json.loads(row.replies)), row.as_of)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for attempt in range(100):  # switching a new file to WAL fails at once if another process is
        try:                    # doing it too (SQLite does not wait for this lock): try again
            cursor.execute("PRAGMA journal_mode=WAL")  # readers (the web page) never block a crawl
            break
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def engine_options(url: str) -> dict[str, Any]:
    """SQLite: wait up to 30 s for a lock (a crawl, the scheduler and `regwatch deliver`
    may write at once) instead of failing with "database is locked". A server: check a
    pooled connection before use (the server may have restarted since)."""
    return {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {"pool_pre_ping": True}


class Store:
    def __init__(self, url: str) -> None:
        self.url = url = database_url(url)  # also what the source lock needs (PostgreSQL's is in it)
        try:
            self.engine: Engine = create_engine(url, **engine_options(url))
        except ModuleNotFoundError as exc:  # the URL's driver is not installed
            hint = " (pip install 'regwatch[postgres]')" if url.startswith("postgresql") else ""
            raise ImportError(f"{exc}{hint}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._pinned = threading.local()  # one_connection's, per thread (the web serves from several)
        upgrade_to_head(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def one_connection(self) -> Iterator[None]:
        """The reads and poll logs of this thread, until the block ends, on one connection:
        checked out (and on a server pinged) once, not once per statement. An unchanged poll
        is a handful of statements, and on PostgreSQL a checkout with its ping cost as much
        as one. Re-entrant; other writes take connections of their own."""
        if getattr(self._pinned, "conn", None) is not None:
            yield
            return
        with self._reading() as conn:
            self._pinned.conn = conn
            try:
                yield
            finally:
                self._pinned.conn = None

    # --- reading -------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for read-only statements: on a server, in autocommit, so that one
        costs one round trip and not three (BEGIN, the query, ROLLBACK). The pinned one
        (`one_connection`) when there is one, left outside any transaction."""
        if (pinned := getattr(self._pinned, "conn", None)) is not None:
            try:
                yield pinned
            finally:
                pinned.rollback()  # SQLite began none for a SELECT, a server is in autocommit: nothing sent
            return
        with self.engine.connect() as conn:
            yield conn if self.engine.dialect.name == "sqlite" else conn.execution_options(
                isolation_level="AUTOCOMMIT")

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction, on the pinned connection when there is one (`one_connection`; on a
        server it is in autocommit, so each statement is a transaction of its own)."""
        if (pinned := getattr(self._pinned, "conn", None)) is not None:
            with pinned.begin():
                yield pinned
            return
        with self.engine.begin() as conn:
            yield conn

    def last_snapshot(self, source: str) -> Snapshot | None:
        with self._reading() as conn:
            row = conn.execute(
                select(snapshots).where(snapshots.c.source == source)
                .order_by(snapshots.c.id.desc()).limit(1)
            ).first()
        return None if row is None else _snapshot(row)

    def last_snapshots(self, sources: Iterable[str]) -> dict[str, Snapshot]:
        """The last snapshot of each of `sources` that has one, in one query."""
        last = (select(func.max(snapshots.c.id)).where(snapshots.c.source.in_(list(sources)))
                .group_by(snapshots.c.source))
        with self._reading() as conn:
            return {r.source: _snapshot(r) for r in conn.execute(select(snapshots).where(snapshots.c.id.in_(last)))}

    def _entries(self, conn: Connection, source: str, present: bool | None,
                 ids: Iterable[str] | None = None) -> list[Entry]:
        query = (
            select(entries.c.first_seen, entries.c.last_changed, entry_versions.c.data)
            .join(entry_versions, (entry_versions.c.entry_id == entries.c.entry_id)
                  & (entry_versions.c.snapshot_id == entries.c.version_snapshot_id))
            .where(entries.c.source == source)
        )
        if present is not None:
            query = query.where(entries.c.present == present)
        if ids is not None:
            query = query.where(entries.c.entry_id.in_(bindparam("ids", expanding=True)))
        shared: dict[str, str] = {}
        batches = [{}] if ids is None else [{"ids": chunk} for chunk in _chunks(list(ids), 500)]
        return [entry_from_json(r.data, shared, first_seen=r.first_seen, last_changed=r.last_changed)
                for batch in batches for r in conn.execute(query.execution_options(yield_per=_BATCH), batch)]

    def current_entries(self, source: str, ids: Iterable[str] | None = None) -> list[Entry]:
        """The entries of the current state (only those of `ids`, when given), by number."""
        with self.engine.connect() as conn:
            found = self._entries(conn, source, present=True, ids=ids)
        return sorted(found, key=lambda e: e.number)

    def current_fingerprints(self, source: str) -> tuple[dict[str, str], list[str]]:
        """The entries of the current state: fingerprint → entry_id, and the entry_ids whose
        fingerprint is not known (one mapping, not two: a 100 000-entry state is megabytes)."""
        known: dict[str, str] = {}
        unknown: list[str] = []
        query = select(entries.c.entry_id, entries.c.fingerprint).where(
            (entries.c.source == source) & entries.c.present.is_(True))
        with self._reading() as conn:
            for entry_id, found in _plain_rows(conn, query):
                if found is None:
                    unknown.append(entry_id)
                else:
                    known[found] = entry_id
        return known, unknown

    def gone_entries(self, source: str) -> list[Entry]:
        with self.engine.connect() as conn:
            return self._entries(conn, source, present=False)

    def all_entry_ids(self, source: str, present: bool | None = None) -> set[str]:
        """Every entry_id of `source` (`present`: only those of the current state, or of none)."""
        query = select(entries.c.entry_id).where(entries.c.source == source)
        if present is not None:
            query = query.where(entries.c.present.is_(present))
        with self.engine.connect() as conn:
            return set(conn.scalars(query))

    def entries_known_at(self, source: str, moment: str) -> list[Entry]:
        """Each entry first seen by `moment` in its version valid then, or its first version
        when it was first seen later (history imported later still knows the older dates)."""
        with self.engine.connect() as conn:
            heads = {r.entry_id: r for r in conn.execute(select(entries).where(entries.c.source == source))}
            versions = conn.execute(
                select(entry_versions.c.entry_id, entry_versions.c.valid_from, entry_versions.c.data)
                .where(entry_versions.c.entry_id.in_(select(entries.c.entry_id)
                                                     .where(entries.c.source == source)))
                .order_by(entry_versions.c.id)
            ).all()
        chosen: dict[str, str] = {}
        for v in versions:
            if v.entry_id not in chosen or v.valid_from <= moment:
                chosen[v.entry_id] = v.data
        return sorted(
            (entry_from_json(data, first_seen=heads[eid].first_seen,
                             last_changed=heads[eid].last_changed)
             for eid, data in chosen.items()),
            key=lambda e: e.number,
        )

    def entries_as_seen(self, source: str, moment: str) -> tuple[Snapshot | None, list[Entry]]:
        """What the official list showed at `moment`: the last snapshot taken by then, and
        each entry in it, in its version of then. An entry is out of it when a `removed`
        change came at or before that snapshot and no version was stored since."""
        with self.engine.connect() as conn:
            row = conn.execute(select(snapshots).where(
                (snapshots.c.source == source) & (snapshots.c.taken_at <= moment))
                .order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc()).limit(1)).first()
            if row is None:
                return None, []
            seen = _snapshot(row)
            ids = select(entries.c.entry_id).where(entries.c.source == source)
            versions = conn.execute(
                select(entry_versions.c.entry_id, entry_versions.c.snapshot_id,
                       entry_versions.c.valid_from, entry_versions.c.data)
                .where(entry_versions.c.entry_id.in_(ids) & (entry_versions.c.snapshot_id <= seen.id))
                .order_by(entry_versions.c.snapshot_id)).all()
            removals = conn.execute(
                select(changes.c.entry_id, func.max(changes.c.snapshot_id))
                .where((changes.c.source == source) & (changes.c.kind == "removed")
                       & (changes.c.snapshot_id <= seen.id)).group_by(changes.c.entry_id)).all()
            first_seen = dict(conn.execute(select(entries.c.entry_id, entries.c.first_seen)
                                           .where(entries.c.source == source)).all())
        latest = {v.entry_id: v for v in versions}  # ordered by snapshot: the last one wins
        removed_at = dict(removals)
        shown = [v for eid, v in latest.items() if removed_at.get(eid, 0) < v.snapshot_id]
        return seen, sorted((entry_from_json(v.data, first_seen=first_seen[v.entry_id],
                                             last_changed=v.valid_from)  # as of then
                             for v in shown), key=lambda e: e.number)

    def changes(self, source: str | None = None, since: str = "") -> list[Change]:
        query = select(changes).order_by(changes.c.id)
        if source:
            query = query.where(changes.c.source == source)
        if since:
            query = query.where(changes.c.detected_at >= since)
        with self.engine.connect() as conn:
            return [Change(r.kind, r.entry_id, r.number, r.name, r.field, r.old, r.new,
                           r.detected_at) for r in conn.execute(query)]

    def count_changes(self, source: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(changes)
                                .where(changes.c.source == source)).scalar_one()

    def changes_of(self, source: str, snapshot_id: int) -> list[Change]:
        """The changes a snapshot stored, in the order they were found."""
        query = (select(changes).where((changes.c.source == source) & (changes.c.snapshot_id == snapshot_id))
                 .order_by(changes.c.id))
        with self.engine.connect() as conn:
            return [Change(r.kind, r.entry_id, r.number, r.name, r.field, r.old, r.new,
                           r.detected_at) for r in conn.execute(query)]

    def versions_at(self, source: str, snapshot_id: int) -> list[tuple[Entry, Entry | None]]:
        """Every entry version a snapshot stored (new or different entries: as many as the
        snapshot changed), each with the version before it (None for a new entry). An entry
        still at that version keeps its head's dates; an older one is dated by its version."""
        later = entry_versions.alias("later")
        query = (
            select(entries.c.entry_id, entries.c.first_seen, entries.c.last_changed,
                   entries.c.version_snapshot_id, entry_versions.c.valid_from, entry_versions.c.data)
            .join(entries, entries.c.entry_id == entry_versions.c.entry_id)
            .where((entries.c.source == source) & (entry_versions.c.snapshot_id == snapshot_id))
            .order_by(entry_versions.c.id))
        before = (
            select(later.c.entry_id, later.c.data)
            .join(entries, entries.c.entry_id == later.c.entry_id)
            .where((entries.c.source == source) & (later.c.snapshot_id < snapshot_id))
            .order_by(later.c.snapshot_id, later.c.id))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            stored_then = select(entry_versions.c.entry_id).where(entry_versions.c.snapshot_id == snapshot_id)
            # ordered by snapshot: the last version before this one wins
            previous = {r.entry_id: r.data for r in conn.execute(before.where(later.c.entry_id.in_(stored_then)))}
        found = []
        for r in rows:
            at_head = r.version_snapshot_id == snapshot_id
            dates = {"first_seen": r.first_seen,
                     "last_changed": r.last_changed if at_head else r.valid_from}
            old = previous.get(r.entry_id)
            found.append((entry_from_json(r.data, **dates),
                          None if old is None else entry_from_json(old, **dates)))
        return found

    def provenance(self, snapshot_id: int) -> Provenance | None:
        """Where a snapshot came from: its channel, when it was taken, the data date the
        source stated, and every raw reply it was read from (URL, time, SHA-256, file)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).first()
            if row is None:
                return None
            snapshot = _snapshot(row)
            found = {r.sha256: dict(r._mapping) for r in conn.execute(
                select(raw_replies).where(raw_replies.c.sha256.in_(snapshot.replies)))}
        return Provenance(snapshot, tuple(found[h] for h in snapshot.replies if h in found))

    def has_snapshot_of(self, reply_hashes: list[str]) -> bool:
        """Is there a snapshot read from exactly these raw replies?"""
        with self.engine.connect() as conn:
            return conn.execute(select(snapshots.c.id).where(
                snapshots.c.replies == json.dumps(reply_hashes)).limit(1)).first() is not None

    def hold(self, source: str) -> tuple[str, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(holds).where(holds.c.source == source)).first()
        return (row.content_hash, row.reason) if row else None

    # --- writing -------------------------------------------------------------

    def known_replies_and_bodies(self, hashes: list[str]) -> tuple[set[str], set[str]]:
        """Which of these raw replies are listed already, and which have their bytes kept."""
        query = union_all(  # one statement: a poll makes it for every reply it archives
            select(raw_replies.c.sha256, literal(0).label("body")).where(raw_replies.c.sha256.in_(hashes)),
            select(raw_bodies.c.sha256, literal(1).label("body")).where(raw_bodies.c.sha256.in_(hashes)))
        listed: set[str] = set()
        kept: set[str] = set()
        with self._reading() as conn:
            for sha256, body in conn.execute(query):
                (kept if body else listed).add(sha256)
        return listed, kept

    def reply_body(self, sha256: str) -> bytes | None:
        """A raw reply's gzip-compressed bytes, when the database keeps them (raw_archive.py)."""
        with self.engine.connect() as conn:
            return conn.scalar(select(raw_bodies.c.gzip).where(raw_bodies.c.sha256 == sha256))

    def add_replies(self, rows: list[dict[str, Any]], bodies: dict[str, bytes] | None = None) -> None:
        """List raw replies (rows of raw_replies, none listed yet) and keep `bodies` (SHA-256
        → gzip, none kept yet), in one transaction."""
        if rows or bodies:
            with self.engine.begin() as conn:
                if rows:
                    conn.execute(insert(raw_replies), rows)
                if bodies:
                    conn.execute(insert(raw_bodies), [{"sha256": k, "gzip": v} for k, v in bodies.items()])

    def log_poll(self, source: str, channel: str, outcome: str, at: str, replies: list[str],
                 message: str = "", snapshot_id: int | None = None, clear_hold: bool = False) -> None:
        """Record that a crawl happened. A poll with the same outcome and replies as the
        last one only extends that row, so unchanged polls cost no space. `clear_hold`: and
        drop the source's hold first. An unchanged poll is two statements, no read."""
        replies_json = json.dumps(replies)
        with self._writing() as conn:
            cleared = clear_hold and conn.execute(holds.delete().where(holds.c.source == source)).rowcount
            if snapshot_id is None:
                last = select(func.max(crawl_log.c.id)).where(crawl_log.c.source == source).scalar_subquery()
                extend = (update(crawl_log).where(crawl_log.c.id == last, crawl_log.c.outcome == outcome,
                                                  crawl_log.c.replies == replies_json, crawl_log.c.message == message)
                          .values(last_at=at, polls=crawl_log.c.polls + 1))
                if not cleared and self.engine.dialect.name == "postgresql":
                    # a log line is bookkeeping, not data: a crash may lose the last few (PostgreSQL
                    # stays consistent), and the poll need not wait for the disk. SET LOCAL inside
                    # the statement: on one_connection's (autocommit) it is its own transaction
                    extend = extend.where(func.set_config("synchronous_commit", "off", True) == "off")
                if conn.execute(extend).rowcount:
                    return
            conn.execute(insert(crawl_log).values(
                source=source, channel=channel, outcome=outcome, first_at=at, last_at=at,
                polls=1, snapshot_id=snapshot_id, replies=replies_json, message=message))

    def set_hold(self, source: str, content_hash: str, reason: str, at: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(holds.delete().where(holds.c.source == source))
            conn.execute(insert(holds).values(source=source, content_hash=content_hash,
                                              reason=reason, first_at=at))

    def clear_hold(self, source: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(holds.delete().where(holds.c.source == source))

    def commit_state(self, source: str, channel: str, taken_at: str, content_hash: str,
                     replies: list[str], last_modified: int | None, row_count: int,
                     touched: list[Entry], removed: list[Entry], found: list[Change],
                     then: Callable[[Connection, int], object] | None = None,
                     as_of: str = "", known: set[str] | None = None) -> int:
        """Store a new state in one transaction: a snapshot, a version for every entry that
        is new or different (`touched`), the changes; entries that vanished are marked
        absent. Entries published as before cost nothing. Statements go in bulk.
        `then(conn, snapshot_id)` runs inside the same transaction (it queues the alerts).
        `known`: every entry_id of `source`, when the caller holds them (under the source's lock)."""
        with self.engine.begin() as conn:
            key = conn.execute(insert(snapshots).values(
                source=source, channel=channel, taken_at=taken_at, row_count=row_count,
                content_hash=content_hash, replies=json.dumps(replies),
                last_modified=last_modified, as_of=as_of or None)).inserted_primary_key
            assert key is not None  # a single-row INSERT always has one
            snapshot_id = key[0]
            if known is None:
                known = set(conn.scalars(select(entries.c.entry_id).where(entries.c.source == source)))
            for start in range(0, len(touched), _BATCH):  # in batches: bounded memory
                self._store_versions(conn, source, snapshot_id, taken_at,
                                     touched[start:start + _BATCH], known)
            if removed:
                conn.execute(update(entries).where(entries.c.entry_id == bindparam("b_id"))
                             .values(present=False, last_changed=taken_at),
                             [{"b_id": e.entry_id} for e in removed])
            if found:
                conn.execute(insert(changes), _change_rows(source, snapshot_id, found))
            conn.execute(holds.delete().where(holds.c.source == source))
            if then is not None:
                then(conn, snapshot_id)
        return snapshot_id

    def snapshots_of(self, source: str) -> list[Snapshot]:
        with self.engine.connect() as conn:
            return [_snapshot(r) for r in conn.execute(
                select(snapshots).where(snapshots.c.source == source).order_by(snapshots.c.id))]

    def reply_rows(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as conn:
            return {r.sha256: dict(r._mapping) for r in conn.execute(
                select(raw_replies).where(raw_replies.c.sha256.in_(list(hashes))))}

    def replace_history(self, source: str, states: Iterable[tuple[int, str, Any]]) -> None:
        """Replace every entry, version and change of `source` by rebuilt ones, snapshot by
        snapshot ((snapshot_id, taken_at, Diff)), in one transaction: all or nothing."""
        with self.engine.begin() as conn:
            ids = select(entries.c.entry_id).where(entries.c.source == source)
            conn.execute(entry_versions.delete().where(entry_versions.c.entry_id.in_(ids)))
            conn.execute(entries.delete().where(entries.c.source == source))
            conn.execute(changes.delete().where(changes.c.source == source))
            known: set[str] = set()
            for snapshot_id, taken_at, result in states:
                for start in range(0, len(result.touched), _BATCH):
                    self._store_versions(conn, source, snapshot_id, taken_at,
                                         result.touched[start:start + _BATCH], known)
                known.update(e.entry_id for e in result.touched)
                if result.removed:
                    conn.execute(update(entries).where(entries.c.entry_id == bindparam("b_id"))
                                 .values(present=False, last_changed=taken_at),
                                 [{"b_id": e.entry_id} for e in result.removed])
                if result.changes:
                    conn.execute(insert(changes), _change_rows(source, snapshot_id, result.changes))
                conn.execute(update(snapshots).where(snapshots.c.id == snapshot_id)
                             .values(row_count=len(result.entries)))

    @staticmethod
    def _store_versions(conn: Connection, source: str, snapshot_id: int, taken_at: str,
                        batch: list[Entry], known: set[str]) -> None:
        """Insert a version per entry and point each entry's head row at it."""
        _bulk_insert(conn, entry_versions, ("entry_id", "snapshot_id", "valid_from", "data"),
                     [(e.entry_id, snapshot_id, taken_at, entry_to_json(e)) for e in batch])
        fresh = [(e.entry_id, source, True, e.first_seen, e.last_changed, snapshot_id,
                  fingerprint(e.raw, e.source_url)) for e in batch if e.entry_id not in known]
        if fresh:  # a first crawl: every entry is new
            _bulk_insert(conn, entries, ("entry_id", "source", "present", "first_seen", "last_changed",
                                         "version_snapshot_id", "fingerprint"), fresh)
        updated = [dict(present=True, first_seen=e.first_seen, last_changed=e.last_changed,
                        version_snapshot_id=snapshot_id, fingerprint=fingerprint(e.raw, e.source_url),
                        b_id=e.entry_id) for e in batch if e.entry_id in known]
        if updated:
            conn.execute(update(entries).where(entries.c.entry_id == bindparam("b_id")), updated)

    def counts(self) -> dict[str, int]:
        """Row counts per table (for benchmarks and the status line)."""
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables}

    # --- one entry's history (read-only, for the entry's web page) ----------

    def entry_history(self, entry_id: str) -> EntryHistory | None:
        """The entry as it stands (removed ones too), every stored version with the time
        it became valid and its raw published cells, and its changes; None if unknown."""
        with self.engine.connect() as conn:
            head = conn.execute(select(entries).where(entries.c.entry_id == entry_id)).first()
            if head is None:
                return None
            versions = conn.execute(
                select(entry_versions.c.snapshot_id, entry_versions.c.valid_from,
                       entry_versions.c.data)
                .where(entry_versions.c.entry_id == entry_id).order_by(entry_versions.c.id)
            ).all()
            found = conn.execute(select(changes).where(changes.c.entry_id == entry_id)
                                 .order_by(changes.c.id)).all()
        dated = {"first_seen": head.first_seen, "last_changed": head.last_changed}
        stored = tuple(EntryVersion(v.snapshot_id, v.valid_from, entry_from_json(v.data, **dated))
                       for v in versions)
        current = next(v.entry for v in stored if v.snapshot_id == head.version_snapshot_id)
        return EntryHistory(current, head.present, stored, tuple(
            Change(r.kind, r.entry_id, r.number, r.name, r.field, r.old, r.new, r.detected_at)
            for r in found))


@dataclass(frozen=True)
class EntryVersion:
    snapshot_id: int
    valid_from: str  # when the snapshot that stored this version was taken
    entry: Entry  # as normalised then, `raw` holding the cells as published


@dataclass(frozen=True)
class EntryHistory:
    entry: Entry  # the current version (the last one stored)
    present: bool  # False once the entry vanished from the register
    versions: tuple[EntryVersion, ...]  # oldest first
    changes: tuple[Change, ...]  # oldest first
