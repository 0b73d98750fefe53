"""Set-up shared by the web tests: a data directory with history (both recorded states
crawled), once per session; `regwatch serve` as a child process on 127.0.0.1 is
regwatch.fakes.harness.serving, which the web benchmark uses too."""

from __future__ import annotations

import shutil
from pathlib import Path

from regwatch.fakes.harness import crawl_history, serving  # noqa: F401  (the web tests import it from here)
from regwatch.fakes.minjust import FakeMinjust
from tests.conftest import REGISTERS, Workspace

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


def shared_two_registers(tmp_path_factory, baseline: Path) -> Path:
    """One data directory per test session holding two registers crawled by the real spider
    from the fakes: the undesirable organisations of 2026-07-29 (`baseline`) and the foreign
    agents of 2026-07-31 (read only: copy it to write)."""
    agents = REGISTERS["ru_minjust_foreign_agents"]
    data_dir = tmp_path_factory.getbasetemp() / "two-registers"
    if not (data_dir / ".complete").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.copytree(baseline, data_dir)
        with FakeMinjust(agents.state(agents.second), registry_id=agents.registry_id) as fake:
            result = Workspace(fake, data_dir, source=agents.source).crawl()
        assert result.code == 0, result.output
        (data_dir / ".complete").touch()
    return data_dir

