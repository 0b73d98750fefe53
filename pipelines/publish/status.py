"""`<source>/status.json`: what the last crawl of a register found."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.storage.atomic import atomic_write_bytes
from pipelines.storage.store import Snapshot


def write_status(data_dir: Path, source: str, outcome: str, message: str, checked_at: str,
                 snapshot: Snapshot | None) -> None:
    """`<source>/status.json`, rewritten after every crawl, good or not: when the register
    was last checked and with what result, and which snapshot the exports show."""
    status = {
        "source": source,
        "checked_at": checked_at,
        "outcome": outcome,  # baseline|changed|unchanged|held|refused
        "message": message,
        "exports_show": None if snapshot is None else {
            "snapshot_taken_at": snapshot.taken_at, "entries": snapshot.row_count,
            "channel": snapshot.channel, "source_data_date": snapshot.as_of,
            "raw_replies_sha256": list(snapshot.replies)},
    }
    atomic_write_bytes(data_dir / source / "status.json",
                       json.dumps(status, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
