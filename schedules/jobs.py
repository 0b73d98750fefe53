"""The scheduler's jobs: probe, crawl, deliver. APScheduler stores them in the database
by reference ("schedules.jobs:probe_job"), so these names are part of the stored state.

- A probe that sees a new `lastModified` (or a source that is failing) moves the crawl
  job's next run to now: the crawl starts at once, and a restart in between still runs it.
- Each crawl runs as a child process (`regwatch crawl`): Twisted's reactor cannot be
  restarted, so the hundredth crawl works exactly like the first. A non-blocking lock
  per source makes a second trigger of a running crawl a no-op, across processes too.
- The delivery job sends queued alerts whose backoff has passed.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler

from pipelines.alerts import outbox
from pipelines.alerts.config import AlertConfig
from pipelines.alerts.delivery import deliver, tell_health
from pipelines.storage.data_config import DataConfig
from pipelines.storage.locks import source_lock
from pipelines.storage.store import Store
from scraper.items import utc_now
from scraper.registers.metadata import load_source

log = logging.getLogger("regwatch.schedule")


# --- what the jobs need: set once by `run` -----------------------------------------------

@dataclass
class Runtime:
    data: DataConfig
    alerts: AlertConfig
    config_file: Path | None
    scheduler: BaseScheduler | None = None
    crawl_timeout: float = 3600.0


_runtime: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def _context() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the scheduler's jobs run only inside `regwatch schedule`")
    return _runtime


@contextmanager
def _store() -> Iterator[Store]:
    store = Store(_context().data.database_url)
    try:
        yield store
    finally:
        store.close()


# --- the jobs ------------------------------------------------------------------------------

def probe_job(source: str) -> None:
    """GET /info; a new lastModified (or a failing source) starts the full crawl at once."""
    runtime = _context()
    if probe_says_crawl(source, runtime.data.database_url, runtime.alerts):
        request_crawl(source)


def probe_says_crawl(source: str, database_url: str, alerts: AlertConfig) -> bool:
    """Probe `source` (GET /info): True when a crawl should run now (a new lastModified, or
    the source is failing). A failed probe counts as a failure of the source."""
    from scraper.probe import probe

    result = probe(load_source(source))
    now = utc_now("milliseconds")
    store = Store(database_url)
    try:
        if not result.ok:
            log.warning("%s", result.error)
            event = outbox.record_failure(store.engine, source, result.error, now,
                                          alerts.failures_before_alert)
            tell_health(store.engine, alerts, event, now)
            return False
        health = outbox.health(store.engine, source)
    finally:
        store.close()
    seen, failing = health["last_modified_seen"], health["failures"] > 0
    if result.last_modified == seen and not failing:
        log.info("%s: probe: lastModified %s unchanged", source, result.last_modified)
        return False
    reason = "the source is failing" if failing and result.last_modified == seen else \
        f"lastModified {seen} → {result.last_modified}"
    log.info("%s: probe: %s: crawling now", source, reason)
    return True


def request_crawl(source: str) -> None:
    """Move the crawl job's next run to now (persisted: a restart still runs it)."""
    scheduler = _context().scheduler
    job = scheduler.get_job(f"{source}:crawl") if scheduler else None
    if job is None:
        crawl_job(source)
        return
    job.modify(next_run_time=datetime.now(UTC))


def crawl_job(source: str) -> int | None:
    """Run `regwatch crawl SOURCE` as a child process; it stores, queues and delivers.
    Returns its exit code, or None when another crawl of the source was running."""
    return _run_child(f"{source}.crawl", f"{source}: crawl", _with_config(["crawl", source, "--quiet"]))


def announcements_job() -> int | None:
    """`regwatch announcements --fetch` as a child process: new articles from every
    announcement source, their events, and the links to the register."""
    return _run_child("announcements.crawl", "announcements",
                      _with_config(["announcements", "--fetch", "--pending"]))


def _with_config(command: list[str]) -> list[str]:
    """The child reads the daemon's subscriptions: it queues and delivers their alerts."""
    config_file = _context().config_file
    return command + ["--config", str(config_file)] if config_file is not None else command


def _run_child(lock: str, label: str, args: list[str]) -> int | None:
    """`regwatch ARGS` as a child process under a non-blocking lock (a second trigger while
    it runs is a no-op, across processes too), its output into this log. Its exit code, or
    None when it was already running or ran out of time."""
    runtime = _context()
    with source_lock(runtime.data.data_dir, lock, wait=False) as acquired:
        if not acquired:
            log.info("%s: already running; this trigger is skipped", label)
            return None
        log.info("%s starts", label)
        try:
            done = subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True,
                                  text=True, timeout=runtime.crawl_timeout)
        except subprocess.TimeoutExpired:
            log.error("%s took longer than %.0f s and was stopped", label, runtime.crawl_timeout)
            return None
        for line in (done.stdout + done.stderr).splitlines():
            log.info("%s: %s", label, line)
        log.info("%s ended with exit code %d", label, done.returncode)
        return done.returncode


def deliver_job() -> None:
    runtime = _context()
    with _store() as store:
        report = deliver(store.engine, runtime.alerts, runtime.data.data_dir)
    if report.sent or report.retrying or report.failed:
        log.info("%s", report.summary())
