"""Atomic file writes: readers see the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def atomic_write(target: Path, write: Callable[[IO[bytes]], object], durable: bool = True) -> None:
    """`durable=False`: not flushed to disk before it replaces the old file, for a file made
    again from the database by the next run (a crash of the machine may then leave the old
    one, or on some file systems an empty one); a flush costs more than the whole write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes, durable: bool = True) -> None:
    atomic_write(target, lambda handle: handle.write(data), durable)
