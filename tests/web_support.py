"""Set-up shared by the web tests: a data directory with history (both recorded states
crawled), once per session; `regwatch serve` as a child process on 127.0.0.1 is
regwatch.fakes.harness.serving, which the web benchmark uses too."""

from __future__ import annotations

import shutil
from pathlib import Path

from regwatch.fakes.harness import crawl_history, serving  # noqa: F401  (the web tests import it from here)

SOURCE = "ru_minjust_undesirable"
SECOND_STATE_ENTRIES = 390  # 367 on 2026-07-29, then 23 added


def shared_history(tmp_path_factory, baseline: Path) -> Path:
    """One history data directory per test session, shared by the web test modules (read
    only: a test that writes makes its own copy)."""
    data_dir = tmp_path_factory.getbasetemp() / "web-history"
    if not (data_dir / ".complete").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        crawl_history(data_dir, baseline)
        (data_dir / ".complete").touch()
    return data_dir
