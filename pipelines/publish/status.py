"""`<source>/status.json`: what the last crawl of a register found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
        "exports_show": _shown(snapshot),
    }
    _write(data_dir / source / "status.json", status)


def restamp_status(data_dir: Path, source: str, snapshot: Snapshot | None) -> None:
    """After a repair: the last crawl's report as it was, and the snapshot the exports
    show now. Nothing when no crawl wrote a status yet."""
    path = data_dir / source / "status.json"
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    status["exports_show"] = _shown(snapshot)
    _write(path, status)


def _shown(snapshot: Snapshot | None) -> dict[str, Any] | None:
    return None if snapshot is None else {
        "snapshot_taken_at": snapshot.taken_at, "entries": snapshot.row_count,
        "channel": snapshot.channel, "source_data_date": snapshot.as_of,
        "raw_replies_sha256": list(snapshot.replies)}


def _write(path: Path, status: dict[str, Any]) -> None:
    # not flushed to disk: a report of the database (crawl_log, the last snapshot) that every
    # crawl rewrites, and readers (web/state.py) take a missing or torn one for none
    atomic_write_bytes(path, json.dumps(status, ensure_ascii=False, indent=1).encode("utf-8") + b"\n",
                       durable=False)
