"""The raw replies of every crawl, kept gzip-compressed and addressed by their SHA-256,
so any snapshot can be traced to exactly the bytes the service sent (and identical
replies from repeated polls are stored once). Each is listed in `raw_replies`.

The bytes are kept in the database (`raw_bodies`), whichever it is: any process that
reads the database can reparse a snapshot or show its replies, a worker on another
machine or a web process with an empty data directory too. On SQLite they are also files
under raw/ in the data directory, as before: the folder people browse, publish and back
up with the exports. PostgreSQL keeps no files: its workers share no data directory.
`read_reply` reads either: the table first, then the file (replies archived before the
table existed are files only)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pipelines.storage.atomic import atomic_write_bytes
from pipelines.storage.store import Store
from scraper.items import RawReply


def reply_path(source: str, sha256: str) -> Path:
    """Relative to the data directory."""
    return Path("raw") / source / sha256[:2] / f"{sha256}.gz"


def keeps_files(store: Store) -> bool:
    return store.engine.dialect.name == "sqlite"


def packed(body: bytes) -> bytes:
    """A reply's bytes as archived: mtime 0, so the same reply gives the same bytes."""
    return gzip.compress(body, compresslevel=3, mtime=0)


class Packer:
    """Compresses replies on a thread of its own as they arrive, while the spider reads
    them: zlib lets go of the GIL, so a 100 000-row pull's 50 MB are packed on the other
    core, and archiving finds them ready (`ready`) instead of spending half a second."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="regwatch-pack")
        self._made: list[Future[tuple[str, bytes]]] = []

    def add(self, body: bytes) -> None:
        self._made.append(self._pool.submit(lambda: (hashlib.sha256(body).hexdigest(), packed(body))))

    def ready(self) -> dict[str, bytes]:
        """Every reply added, packed, by SHA-256 (then forgotten: each is archived once)."""
        made, self._made = self._made, []
        return dict(future.result() for future in made)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._made = []


def archive_replies(store: Store, data_dir: Path, source: str, replies: list[RawReply],
                    later: list[tuple[Path, bytes]] | None = None,
                    ready: Mapping[str, bytes] | None = None) -> list[str]:
    """Keep each reply once and list it in the store; return their SHA-256 in order.
    `later`: gets the raw/ files to write (`write_files`) instead of their being written now:
    a crawl writes them once its alerts are queued (the database holds the bytes already, and
    `read_reply` reads them there first). `ready`: replies packed already (`Packer`), by SHA-256."""
    hashes = [reply.sha256 for reply in replies]  # hashed once: a page of a large register is megabytes
    listed, known = store.known_replies_and_bodies(hashes)  # a poll of the same bytes: both full, nothing written
    done: dict[str, bytes] = dict(ready or {})  # compressed once, for the table and the file alike

    def pack(sha256: str, reply: RawReply) -> bytes:
        if sha256 not in done:
            done[sha256] = packed(reply.body)
        return done[sha256]

    bodies = {sha: pack(sha, reply) for sha, reply in zip(hashes, replies, strict=True) if sha not in known}
    files = keeps_files(store)
    if files:
        for sha256, reply in zip(hashes, replies, strict=True):
            target = data_dir / reply_path(source, sha256)
            if not target.exists():
                if later is None:
                    atomic_write_bytes(target, pack(sha256, reply))
                else:
                    later.append((target, pack(sha256, reply)))
    fresh = {sha256: reply for sha256, reply in zip(hashes, replies, strict=True) if sha256 not in listed}
    store.add_replies([dict(
        sha256=sha256, source=source, url=reply.url, method=reply.method,
        request_body=reply.request_body, status=reply.status, content_type=reply.content_type,
        size=len(reply.body), path=str(reply_path(source, sha256)) if files else "",
        fetched_at=reply.fetched_at) for sha256, reply in fresh.items()], bodies)
    return hashes


def write_files(files: list[tuple[Path, bytes]]) -> None:
    """The raw/ files `archive_replies` left for later (each compressed already)."""
    for target, data in files:
        if not target.exists():
            atomic_write_bytes(target, data)
    files.clear()


def read_reply(store: Store, data_dir: Path, source: str, sha256: str) -> bytes:
    """A kept reply's bytes, from the database or else the data directory
    (FileNotFoundError: in neither)."""
    stored = store.reply_body(sha256)
    if stored is None:
        stored = (data_dir / reply_path(source, sha256)).read_bytes()
    return gzip.decompress(stored)
