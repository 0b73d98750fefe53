"""One writer per source: a lock file in the data directory."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def source_lock(data_dir: Path, source: str, wait: bool = True) -> Iterator[bool]:
    """An exclusive lock per source in the data directory: a second holder waits its turn,
    or with `wait=False` gets False at once (and holds nothing)."""
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
