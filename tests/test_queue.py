"""Work spread over machines (schedules/queue.py) on a real PostgreSQL server: jobs queued
once, one scheduler at a time, real `regwatch worker` processes crawling the local fake,
and a worker killed mid-crawl whose job another worker finishes, the data stored once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from pipelines.storage.schema import changes, snapshots
from regwatch.fakes.minjust import FakeMinjust
from regwatch.fakes.receivers import wait_for
from schedules import queue  # the postgres extra (in the test extra) brings procrastinate
from tests.conftest import FIRST_DAY, ROOT, load_state, make_env

SOURCE = "ru_minjust_undesirable"


@pytest.fixture
def database(pg_url) -> str:
    """An empty database on the run's PostgreSQL server (tests/conftest.py)."""
    return pg_url


def test_a_job_waits_in_the_queue_once(database):
    app = queue.open_for_scheduler(database)
    try:
        first = queue.defer(app, "crawl", SOURCE)
        assert first is not None
        assert queue.defer(app, "crawl", SOURCE) is None  # one is already waiting
        assert queue.defer(app, "crawl", "ru_other") is not None  # another source is another job
        assert queue.defer(app, "deliver") is not None
        assert queue.defer(app, "deliver") is None
    finally:
        queue.close_for_scheduler()


def test_one_scheduler_at_a_time(database):
    first, second = queue.SchedulerLock(database), queue.SchedulerLock(database)
    try:
        assert first.acquire(wait=False)
        assert not second.acquire(wait=False)
        first.release()  # the first one's process is gone: its session lock goes with it
        deadline = time.monotonic() + 10
        while not second.acquire(wait=False):
            assert time.monotonic() < deadline, "the standby never took over"
            time.sleep(0.1)
    finally:
        second.release()


def _worker(env: dict[str, str]) -> subprocess.Popen:
    # Its own process group: killing it kills its crawl child too, as a machine's death would.
    return subprocess.Popen([sys.executable, "-m", "regwatch", "worker", "--concurrency", "1"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def test_a_worker_killed_mid_crawl_leaves_its_job_to_another(database, tmp_path: Path):
    engine = create_engine(database)

    def stored() -> tuple[int, int]:
        with engine.connect() as conn:
            try:
                return (conn.execute(select(func.count()).select_from(snapshots)).scalar_one(),
                        conn.execute(select(func.count()).select_from(changes)).scalar_one())
            except Exception:  # the tables do not exist yet
                conn.rollback()
                return (0, 0)

    with FakeMinjust(load_state(FIRST_DAY)) as fake:
        fake.fail("slow", route="values", times=1, delay=8)  # the first crawl hangs on its first page
        env = make_env(fake.url, tmp_path / "out", REGWATCH_DATABASE_URL=database,
                       REGWATCH_STALLED_AFTER="3", REGWATCH_TIMEOUT="20")
        doomed = _worker(env)
        app = queue.open_for_scheduler(database)
        try:
            queue.defer(app, "crawl", SOURCE)
        finally:
            queue.close_for_scheduler()
        assert wait_for(lambda: any(r.path.endswith("/values") for r in fake.requests), 60), \
            "timed out waiting for the first worker's crawl"
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.communicate()
        assert stored() == (0, 0)  # killed before anything was stored
        survivor = _worker(env)
        try:
            deadline = time.monotonic() + 120
            while stored()[0] == 0 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)  # nothing more arrives
            snapshot_count, change_count = stored()
        finally:
            survivor.send_signal(signal.SIGTERM)
            log = survivor.communicate(timeout=60)[0]
    engine.dispose()
    assert snapshot_count == 1, log[-3000:]
    assert change_count == 0  # a baseline: no change reported, and none twice
    assert "left by a silent worker: retrying it" in log



def test_stalled_jobs_are_retried_once_when_two_workers_look_at_once(database):
    """Two runs of the periodic retry at the same moment (they pile up while every worker
    crawls): the silent worker's job goes back in the queue once, not twice, and the second
    run cannot retry it again under the worker that took it meanwhile."""
    import asyncio

    import psycopg

    queue.ensure_schema(database)
    app = queue.open_for_scheduler(database)
    try:
        job_id = queue.defer(app, "crawl", SOURCE)
    finally:
        queue.close_for_scheduler()
    with psycopg.connect(queue.conninfo(database), autocommit=True) as conn:
        dead = conn.execute("INSERT INTO procrastinate_workers (last_heartbeat) "
                            "VALUES (now() - interval '1 hour') RETURNING id").fetchone()[0]
        conn.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
                     (dead, job_id))

    async def two_at_once() -> list[int]:
        worker_app = queue.make_app(database)
        async with worker_app.open_async():
            return list(await asyncio.gather(*(queue.retry_stalled_jobs(worker_app, database)
                                               for _ in range(2))))

    assert sorted(asyncio.run(two_at_once())) == [0, 1]
    with psycopg.connect(queue.conninfo(database)) as conn:
        status, attempts = conn.execute("SELECT status, attempts FROM procrastinate_jobs WHERE id = %s",
                                        (job_id,)).fetchone()
    assert (status, attempts) == ("todo", 1)
