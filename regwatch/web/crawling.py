"""`POST /api/crawl`: who may start a crawl, and starting at most one at a time.

The crawl runs as the child process `regwatch crawl` (Twisted's reactor runs once per
process); its own per-source lock keeps it from interleaving with a scheduled crawl.
"""

from __future__ import annotations

import hmac
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

UNAUTHORISED, FORBIDDEN, NOT_CONFIGURED = 401, 403, 503


def refusal(authorization: str | None, token: str | None) -> int | None:
    """None when `Authorization: Bearer <token>` carries the configured token; else the
    status to answer: 503 no token configured, 401 none given, 403 a wrong one."""
    if not token:
        return NOT_CONFIGURED
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return UNAUTHORISED
    # constant time: the comparison must not tell how much of a guess was right
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return FORBIDDEN
    return None


def crawl_command(source: str) -> list[str]:
    return [sys.executable, "-m", "regwatch", "crawl", source, "--quiet"]


class CrawlRunner:
    """Starts the crawl command unless the one it started last is still running."""

    def __init__(self, command: Sequence[str], log_file: Path) -> None:
        self.command = list(command)
        self.log_file = log_file
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def start(self) -> tuple[bool, int]:
        """(started, pid): started False when a crawl is already running (its pid)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return False, self._process.pid
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_file, "ab") as log:  # the child keeps its own copy of the handle
                self._process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                                 stdout=log, stderr=subprocess.STDOUT,
                                                 env=os.environ.copy(), start_new_session=True)
            return True, self._process.pid

    def running(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None
