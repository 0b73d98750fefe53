"""The raw replies of every crawl, kept gzip-compressed and addressed by their SHA-256,
so any snapshot can be traced to exactly the bytes the service sent (and identical
replies from repeated polls are stored once)."""

from __future__ import annotations

import gzip
from pathlib import Path

from pipelines.storage.atomic import atomic_write_bytes
from scraper.items import RawReply


def reply_path(source: str, sha256: str) -> Path:
    """Relative to the data directory."""
    return Path("raw") / source / sha256[:2] / f"{sha256}.gz"


def archive_replies(data_dir: Path, source: str, replies: list[RawReply]) -> list[dict]:
    """Write each reply once; return the rows that describe them for the store."""
    described = []
    for reply in replies:
        sha256 = reply.sha256  # hashed once: a page of a large register is megabytes
        relative = reply_path(source, sha256)
        target = data_dir / relative
        if not target.exists():
            atomic_write_bytes(target, gzip.compress(reply.body, compresslevel=3, mtime=0))
        described.append(dict(
            sha256=sha256, source=source, url=reply.url, method=reply.method,
            request_body=reply.request_body, status=reply.status,
            content_type=reply.content_type, size=len(reply.body), path=str(relative),
            fetched_at=reply.fetched_at))
    return described


def read_reply(data_dir: Path, source: str, sha256: str) -> bytes:
    return gzip.decompress((data_dir / reply_path(source, sha256)).read_bytes())
