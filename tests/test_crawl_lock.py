"""A source is fetched by one process at a time: `regwatch crawl` holds the source's lock
(a file lock on SQLite, an advisory lock on PostgreSQL) from before its first request to
its last file, and a second crawl of it meanwhile is skipped, not run beside it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regwatch.fakes.receivers import wait_for
from tests.conftest import ROOT

pytestmark = pytest.mark.both_backends


def test_a_second_crawl_of_a_source_being_fetched_is_skipped(workspace):
    fake = workspace.fake
    fake.fail("stalled", route="values", times=1, delay=60)  # the first crawl waits here for release()
    env = {**workspace.env, "REGWATCH_TIMEOUT": "60"}
    first = subprocess.Popen([sys.executable, "-m", "regwatch", "crawl", "--quiet"], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: any("/values" in r.path for r in fake.requests), timeout=60)
        second = workspace.crawl()  # while the first is fetching, its lock held
        assert second.code == 0, second.output
        assert "ru_minjust_undesirable: another crawl of it is running; this one is skipped" in second.stdout
        assert [r.path.rsplit("/", 1)[1] for r in fake.requests] == ["info", "values"]  # it fetched nothing
        fake.release()
        out, err = first.communicate(timeout=120)
    finally:
        fake.release()
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, out + err
    assert "baseline" in out
    assert workspace.query("select count(*) from snapshots") == [(1,)]
