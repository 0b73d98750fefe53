"""Nothing stuck, nothing silent: every fetch and every crawl ends by a deadline, a name
that does not resolve fails at once, and the crawl's log keeps to what matters."""

from __future__ import annotations

import time

from tests.conftest import Workspace


def test_a_crawl_starts_no_remote_control_and_logs_no_experimental_warning(workspace: Workspace, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    result = workspace.crawl(HOME=str(home), REGWATCH_LOG_LEVEL="DEBUG")
    assert result.code == 0, result.output
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert "Spider opened" in log  # Scrapy's own lines are in this log
    assert "scrapy.extensions.remote_control" not in log  # neither enabled nor logging
    assert "Remote control" not in log
    assert "is experimental" not in log
    assert list(home.rglob("*")) == []  # no job or token files left in the user's home


def test_a_name_that_does_not_resolve_fails_at_once_with_the_usual_line(workspace: Workspace):
    # .invalid never resolves (RFC 6761). With these settings three retries would wait
    # 5 + 10 + 20 s; a lookup failure is not transient, so there are none.
    started = time.monotonic()
    result = workspace.crawl(REGWATCH_MINJUST_URL="http://registry.regwatch.invalid",
                             REGWATCH_RETRIES="3", REGWATCH_BACKOFF="5")
    elapsed = time.monotonic() - started
    assert result.code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ru_minjust_undesirable: cannot reach http://registry.regwatch.invalid (")
    assert "REGWATCH_PROXY" in lines[0]
    assert elapsed < 15, f"took {elapsed:.1f} s"
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert "before retry" not in log
