"""Work spread over machines, when the database is PostgreSQL: probes, crawls,
announcement runs and deliveries are jobs in a PostgreSQL job queue (procrastinate), run
by any number of `regwatch worker` processes on any number of machines.

- **One scheduler.** `regwatch schedule` still reads the schedule file and keeps its
  triggers in APScheduler's job store, but a trigger only *defers* a job. The scheduler
  holds a PostgreSQL advisory lock for its whole life: a second one started by mistake
  stands by until the first is gone, and never defers twice.
- **A job queued once.** A probe, crawl or announcement run carries a queueing lock
  (`crawl:<register>`): while one waits in the queue, deferring another is a no-op.
- **A source crawled by one worker at a time.** The job's lock makes procrastinate run
  jobs of one source one after the other, and the crawl itself takes the source's
  advisory lock (pipelines/storage/locks.py), as a crawl started by hand does.
- **A worker killed mid-job** stops sending heartbeats; every worker runs the periodic
  `retry_stalled_jobs` (one worker at a time), which puts a job whose worker has been
  silent for STALLED_AFTER seconds back in the queue for another. A retried crawl finds the data
  stored (or not) exactly once: the crawl's commit is one transaction, and a repeat of a
  stored pull is "unchanged".
- **A delivery goes out once.** Deliverers claim alerts row by row with
  `FOR UPDATE SKIP LOCKED` (pipelines/alerts/outbox.py); the delivery id lets a receiver
  drop the repeat a crash between sending and recording could cause.

Each crawl still runs as a child process (`regwatch crawl`): Twisted's reactor cannot be
restarted. SQLite keeps the single daemon of schedules/daemon.py.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import procrastinate
from procrastinate import exceptions as queue_errors
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

log = logging.getLogger("regwatch.queue")

# Seconds without a worker's heartbeat before its jobs are retried, and between heartbeats
# (the environment shortens them for the tests that kill workers).
STALLED_AFTER = float(os.environ.get("REGWATCH_STALLED_AFTER", "30"))
HEARTBEAT_EVERY = STALLED_AFTER / 6
# Whole seconds between two looks for such jobs: as often as heartbeats (5 s by default), so
# a shortened STALLED_AFTER shortens the wait for a retry too.
RETRY_STALLED_EVERY = max(1, round(HEARTBEAT_EVERY))
CONFIG_VARIABLE = "REGWATCH_CONFIG"  # the subscriptions file a worker's children read
CHILD_TIMEOUT = float(os.environ.get("REGWATCH_JOB_TIMEOUT", "3600"))


def conninfo(database_url: str) -> str:
    """SQLAlchemy's URL (postgresql+psycopg://…) as libpq's (postgresql://…)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


tasks = procrastinate.Blueprint()


def make_app(database_url: str, sync: bool = False) -> procrastinate.App:
    """The queue on this database; `sync`: for a caller without an event loop (the
    scheduler, a test) that only defers."""
    connector_class = procrastinate.SyncPsycopgConnector if sync else procrastinate.PsycopgConnector
    app = procrastinate.App(connector=connector_class(conninfo=conninfo(database_url)),
                            import_paths=[__name__],
                            worker_defaults={"update_heartbeat_interval": HEARTBEAT_EVERY,
                                             "stalled_worker_timeout": STALLED_AFTER,
                                             "delete_jobs": "successful"})
    app.add_tasks_from(tasks, namespace="regwatch")
    return app


# --- the jobs ----------------------------------------------------------------------------

def _regwatch(label: str, args: list[str]) -> int:
    """`regwatch ARGS` as a child process, its output into this log; its exit code."""
    config = os.environ.get(CONFIG_VARIABLE)
    command = [sys.executable, "-m", "regwatch", *args, *(["--config", config] if config else [])]
    log.info("%s starts", label)
    done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    for line in (done.stdout + done.stderr).splitlines():
        log.info("%s: %s", label, line)
    log.info("%s ended with exit code %d", label, done.returncode)
    return done.returncode


@tasks.task(name="crawl", queue="crawl", pass_context=True)
def crawl(context: procrastinate.JobContext, source: str) -> int:
    """One crawl of `source` (refused, held or stored: its exit code says which)."""
    return _regwatch(f"{source}: crawl (job {context.job.id})", ["crawl", source, "--quiet"])


@tasks.task(name="probe", queue="probe", pass_context=True)
def probe(context: procrastinate.JobContext, source: str) -> None:
    """GET /info; a new lastModified (or a failing source) defers the crawl at once."""
    from schedules.jobs import probe_says_crawl

    if probe_says_crawl(source, _data_url(), _alerts()):
        defer(context.app, "crawl", source)


@tasks.task(name="announcements", queue="crawl")
def announcements() -> int:
    return _regwatch("announcements", ["announcements", "--fetch", "--pending"])


@tasks.task(name="deliver", queue="deliver")
def deliver() -> None:
    from pipelines.alerts.delivery import deliver as send
    from pipelines.storage.data_config import DataConfig
    from pipelines.storage.store import Store

    config = DataConfig.from_env()
    store = Store(config.database_url)
    try:
        report = send(store.engine, _alerts(), config.data_dir)
    finally:
        store.close()
    if report.sent or report.retrying or report.failed:
        log.info("%s", report.summary())


@tasks.periodic(cron=f"* * * * * */{RETRY_STALLED_EVERY}", periodic_id="stalled")
@tasks.task(name="retry_stalled", queue="deliver", pass_context=True)
async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> None:
    """Put back in the queue the jobs of workers that stopped sending heartbeats."""
    await retry_stalled_jobs(context.app, _data_url())


async def retry_stalled_jobs(app: procrastinate.App, database_url: str) -> int:
    """Retry the jobs of silent workers, one worker at a time; how many were retried.

    Two of these running at once (queued jobs of this periodic task pile up while every
    worker crawls, then start together) would both list the same stalled job: the first
    retries it, another worker starts it, and the second would retry it again, under the
    worker now running it, and a twin crawl would start beside it. procrastinate's retry
    checks only that the job is running, not who runs it, so the runs take turns under an
    advisory lock: each one lists the jobs afresh, after the last one's retries."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(conninfo(database_url), autocommit=True) as turn:
        taken = await (await turn.execute("SELECT pg_try_advisory_lock(%s)", (RETRY_LOCK,))).fetchone()
        if not (taken and taken[0]):
            return 0  # another worker is at it right now; the next run looks again
        manager = app.job_manager
        retried = 0
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER):
            try:
                await manager.retry_job(job)
            except queue_errors.UniqueViolation:
                # The same job (its queueing lock) already waits: that one runs instead. Close
                # this one, or its lock would keep every later job of its source from starting.
                await manager.finish_job(job, status=procrastinate.jobs.Status.FAILED, delete_job=False)
                log.warning("job %s (%s) was left by a silent worker; the same job already waits "
                            "in the queue and runs instead", job.id, job.task_name)
            else:
                retried += 1
                log.warning("job %s (%s) was left by a silent worker: retrying it", job.id, job.task_name)
        return retried  # closing `turn` lets go of the lock


KINDS = ("crawl", "probe", "announcements", "deliver")


def defer(app: procrastinate.App, kind: str, source: str = "") -> int | None:
    """Queue one job of `kind` (for `source`); None when one is already waiting."""
    lock = f"{kind}:{source}" if source else kind
    configured = app.configure_task(f"regwatch:{kind}",
        lock=lock if kind in ("crawl", "announcements") else None,  # one at a time, per source
        queueing_lock=lock)  # and at most one waiting
    try:
        return configured.defer(**({"source": source} if source else {}))
    except queue_errors.AlreadyEnqueued:
        log.info("%s: a job is already waiting", lock)
        return None


def _data_url() -> str:
    from pipelines.storage.data_config import DataConfig

    return DataConfig.from_env().database_url


def _alerts():
    from pipelines.alerts.config import load_config

    config = os.environ.get(CONFIG_VARIABLE)
    return load_config(Path(config) if config else None)


# --- the scheduler's side: its triggers defer jobs ---------------------------------------

SCHEDULER_LOCK = 0x72656777  # "regw": the advisory lock the one scheduler holds
SCHEMA_LOCK = SCHEDULER_LOCK + 1
RETRY_LOCK = SCHEDULER_LOCK + 2  # the one worker retrying stalled jobs at a time
_scheduler_app: procrastinate.App | None = None


def scheduled(kind: str, source: str = "") -> None:
    """What a schedule trigger runs in queue mode (stored by reference in APScheduler's
    job store): defer the job, nothing more."""
    if _scheduler_app is None:
        raise RuntimeError("queue jobs are deferred only inside `regwatch schedule`")
    job_id = defer(_scheduler_app, kind, source)
    log.info("%s%s: %s", kind, f" {source}" if source else "",
             f"job {job_id} queued" if job_id else "one is already waiting")


class SchedulerLock:
    """The one scheduler: a session advisory lock held on its own connection for the
    scheduler's life, released by PostgreSQL when the process dies however it dies."""

    def __init__(self, database_url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(conninfo(database_url), autocommit=True)

    def acquire(self, wait: bool = True) -> bool:
        held = self.connection.execute("SELECT pg_try_advisory_lock(%s)", (SCHEDULER_LOCK,)).fetchone()
        if held and held[0]:
            return True
        if not wait:
            return False
        log.warning("another scheduler holds the lock: standing by until it stops")
        self.connection.execute("SELECT pg_advisory_lock(%s)", (SCHEDULER_LOCK,))
        log.info("the other scheduler stopped: this one takes over")
        return True

    def release(self) -> None:
        self.connection.close()


def open_for_scheduler(database_url: str) -> procrastinate.App:
    """The queue as the scheduler uses it (a synchronous connector: it only defers)."""
    global _scheduler_app
    app = make_app(database_url, sync=True)
    ensure_schema(database_url)
    app.open()
    _scheduler_app = app
    return app


def close_for_scheduler() -> None:
    global _scheduler_app
    if _scheduler_app is not None:
        _scheduler_app.close()
        _scheduler_app = None


def ensure_schema(database_url: str) -> None:
    """Create the queue's tables on a database that has none (once, whoever comes first:
    the schema is applied under an advisory lock)."""
    import psycopg

    with psycopg.connect(conninfo(database_url), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            found = connection.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
            if not (found and found[0]):
                connection.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
                log.info("the job queue's tables were created")
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))
