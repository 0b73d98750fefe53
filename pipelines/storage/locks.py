"""One writer per source: a lock file in the data directory, or, when the database is
PostgreSQL, an advisory lock in it (held by every process and machine that shares the
database, and released by the server when the holder's connection ends, kill -9 included)."""

from __future__ import annotations

import fcntl
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

_held = threading.local()  # the locks this thread holds: taking one again is no second holder


@contextmanager
def source_lock(data_dir: Path, source: str, wait: bool = True, database_url: str = "") -> Iterator[bool]:
    """An exclusive lock per source: a second holder waits its turn, or with `wait=False`
    gets False at once (and holds nothing). `database_url` of a PostgreSQL database: the
    lock is taken there, else in the data directory. Re-entrant in one thread: the crawl
    command holds its source's lock from before fetching, and the crawl's path inside takes
    it again."""
    postgres = bool(database_url) and make_url(database_url).get_backend_name() == "postgresql"
    where = _server(database_url) if postgres else str((data_dir / f".{source}.lock").resolve())
    held: set[tuple[str, str]] = _held.__dict__.setdefault("locks", set())
    if (where, source) in held:
        yield True
        return
    with advisory_lock(database_url, source, wait) if postgres else _file_lock(data_dir, source, wait) as got:
        if got:
            held.add((where, source))
        try:
            yield got
        finally:
            held.discard((where, source))


def _server(database_url: str) -> str:
    """One name for a database however its URL is spelled (driver, password)."""
    url = make_url(database_url)
    return f"{url.host}:{url.port}/{url.database}"


@contextmanager
def _file_lock(data_dir: Path, source: str, wait: bool) -> Iterator[bool]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / f".{source}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_key(name: str) -> int:
    """PostgreSQL's advisory locks are numbered (a signed 64-bit key): a stable one per name,
    prefixed so that another application in the same database does not collide."""
    return int.from_bytes(hashlib.sha256(f"regwatch/{name}".encode()).digest()[:8], "big", signed=True)


_engines: dict[str, Engine] = {}  # per database: the connections locks are held on, pooled
_engines_lock = threading.Lock()


def _lock_engine(database_url: str) -> Engine:
    """Connecting costs more than the lock: the lock's connections are pooled, and each one
    returned to the pool lets go of every advisory lock it still held, come what may. In
    autocommit: a lock is one round trip, with no BEGIN and COMMIT around it."""
    with _engines_lock:
        if (engine := _engines.get(database_url)) is None:
            engine = _engines[database_url] = create_engine(database_url, pool_pre_ping=True,
                                                            isolation_level="AUTOCOMMIT")
            event.listen(engine, "reset", _unlock_all)
        return engine


def _unlock_all(dbapi_connection: Any, _record: Any, _state: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT pg_advisory_unlock_all()")
    finally:
        cursor.close()


@contextmanager
def advisory_lock(database_url: str, name: str, wait: bool = True) -> Iterator[bool]:
    """A session-level advisory lock on a connection of its own, kept for the whole block.
    No transaction stays open while it is held; the connection's return to the pool lets go
    of it (`_unlock_all`)."""
    key = {"key": lock_key(name)}
    with _lock_engine(database_url).connect() as conn:
        if wait:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
            held = True
        else:
            held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar())
        yield held
