"""Nothing stuck, nothing silent: every fetch and every crawl ends by a deadline, a name
that does not resolve fails at once, and the crawl's log keeps to what matters."""

from __future__ import annotations

import time

from tests.conftest import Workspace
from tests.test_crawl_failures import assert_refused

# Below what each crawl here would take without the rule it tests (a minute or more of retry
# waits, a 600 s timeout, a 13-hour trickle), far above a crawl's start on a loaded machine.
ENDED_BY = 60


def test_a_crawl_starts_no_remote_control_and_logs_no_experimental_warning(workspace: Workspace, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    result = workspace.crawl(HOME=str(home), REGWATCH_LOG_LEVEL="DEBUG")
    assert result.code == 0, result.output
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert "Spider opened" in log  # Scrapy's own lines are in this log
    assert "scrapy.extensions.remote_control" not in log  # neither enabled nor logging
    assert "Remote control" not in log
    assert "Telnet" not in log  # nor the telnet console
    assert "is experimental" not in log
    # no job or token files left in the user's home: only the phrase catalog's compiled
    # cache, where XDG puts caches (pipelines/i18n/catalog.py)
    cache = home / ".cache" / "regwatch"
    assert [p for p in home.rglob("*") if p.is_file() and cache not in p.parents] == []


def test_a_name_that_does_not_resolve_fails_at_once_with_the_usual_line(workspace: Workspace):
    # .invalid never resolves (RFC 6761). With these settings three retries would wait
    # 60 + 120 + 240 s; a lookup failure is not transient, so there are none.
    started = time.monotonic()
    result = workspace.crawl(REGWATCH_MINJUST_URL="http://registry.regwatch.invalid",
                             REGWATCH_RETRIES="3", REGWATCH_BACKOFF="60")
    elapsed = time.monotonic() - started
    assert result.code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ru_minjust_undesirable: cannot reach http://registry.regwatch.invalid (")
    assert "REGWATCH_PROXY" in lines[0]
    assert elapsed < ENDED_BY, f"took {elapsed:.1f} s"
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert "before retry" not in log


def _timed_crawl(workspace: Workspace, **env: str):
    started = time.monotonic()
    result = workspace.crawl(**env)
    return result, time.monotonic() - started


def test_a_reply_that_trickles_ends_at_the_request_timeout(crawled: Workspace):
    # Each read gets a byte within 0.3 s, so a per-read timeout would never fire: the whole
    # 160 kB reply would take 13 hours. The timeout is for the whole request.
    before = crawled.fingerprint()
    crawled.fake.fail("trickle", delay=0.3)
    result, elapsed = _timed_crawl(crawled, REGWATCH_TIMEOUT="2", REGWATCH_RETRIES="1")
    assert_refused(crawled, result, before, "cannot reach", "took longer than 2 seconds in all",
                   "REGWATCH_PROXY")
    assert elapsed < ENDED_BY, f"took {elapsed:.1f} s"


def test_a_crawl_ends_at_its_deadline_refused_and_naming_the_setting(crawled: Workspace):
    before = crawled.fingerprint()
    crawled.fake.fail("trickle", delay=0.3)
    result, elapsed = _timed_crawl(crawled, REGWATCH_CRAWL_DEADLINE="4", REGWATCH_TIMEOUT="600",
                                   REGWATCH_RETRIES="3")
    assert_refused(crawled, result, before, "the crawl ran past REGWATCH_CRAWL_DEADLINE (4 s)")
    assert elapsed < ENDED_BY, f"took {elapsed:.1f} s"


def test_a_retry_whose_wait_would_pass_the_deadline_is_not_waited_for(crawled: Workspace):
    before = crawled.fingerprint()
    crawled.fake.fail("status_500")
    result, elapsed = _timed_crawl(crawled, REGWATCH_CRAWL_DEADLINE="5", REGWATCH_RETRIES="3",
                                   REGWATCH_BACKOFF="60")  # the longest wait there is
    assert_refused(crawled, result, before, "the crawl would run past REGWATCH_CRAWL_DEADLINE (5 s)",
                   "waiting 60.0 s to retry")
    assert elapsed < ENDED_BY, f"took {elapsed:.1f} s"
