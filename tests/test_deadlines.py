"""Nothing stuck, nothing silent: every fetch and every crawl ends by a deadline, a name
that does not resolve fails at once, and the crawl's log keeps to what matters."""

from __future__ import annotations

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
