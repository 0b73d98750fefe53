"""`regwatch schedule`: the APScheduler daemon that probes, crawls and delivers.

Per source, a cheap probe (GET /info) and a full crawl, each on its own trigger from the
schedule file (schedules/schedules.toml). Jobs live in the database (APScheduler's
SQLAlchemy job store), never overlap (max_instances=1) and coalesce missed runs into one.
A job whose trigger is unchanged in the file keeps its stored next run, so a restart
neither loses nor repeats work. See schedules/jobs.py for what each job does.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import make_url

from pipelines.alerts.config import AlertConfig, ConfigError, no_unknown_keys, read_toml
from pipelines.storage.data_config import DataConfig
from pipelines.storage.locks import source_lock
from pipelines.storage.store import Store, engine_options
from schedules.jobs import Runtime, set_runtime
from scraper.registers.metadata import load_source

log = logging.getLogger("regwatch.schedule")

DEFAULT_SCHEDULE = Path(__file__).resolve().parent / "schedules.toml"
JOB_TABLE = "apscheduler_jobs"


class ScheduleError(ConfigError):
    """A problem in the schedule file; the message names the file and the key."""


@dataclass(frozen=True)
class JobSpec:
    job_id: str  # "<source>:probe", "<source>:crawl" or "deliver"
    func: str  # "schedules.jobs:<function>", stored by reference in the job store
    args: tuple[str, ...]
    trigger: dict[str, Any]  # as written in the file: cron | interval, jitter

    @property
    def fingerprint(self) -> str:
        """Stored as the job's name: an edited trigger (or a job now queued) replaces the stored job."""
        return f"{self.job_id} {self.func} {json.dumps(self.trigger, sort_keys=True)}"


@dataclass(frozen=True)
class Schedule:
    timezone: ZoneInfo
    jobs: tuple[JobSpec, ...]
    origin: str


# --- the schedule file -------------------------------------------------------------------

_TOP_KEYS = {"timezone", "deliver", "announcements", "source"}
_SOURCE_KEYS = {"name", "probe", "crawl"}


def load_schedule(path: Path) -> Schedule:
    data = read_toml(path, "schedule")
    no_unknown_keys(path, "", data, _TOP_KEYS, ScheduleError)  # a typo ([[sources]]) must not schedule nothing
    sources = data.get("source", [])
    if not isinstance(sources, list) or not all(isinstance(t, dict) for t in sources):
        raise ScheduleError(f"{path}: source must be written as [[source]] tables")
    try:
        timezone = ZoneInfo(str(data.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{path}: unknown timezone {data.get('timezone')!r}") from None
    jobs = [JobSpec("deliver", "schedules.jobs:deliver_job", (),
                    _trigger_table(path, "deliver", data.get("deliver", {"interval": 30})))]
    for i, table in enumerate(sources):
        no_unknown_keys(path, f"source[{i}]", table, _SOURCE_KEYS, ScheduleError)
        name = str(table.get("name", ""))
        try:
            source = load_source(name).source
        except KeyError as exc:
            raise ScheduleError(f"{path}: source[{i}]: {exc.args[0]}") from None
        if "crawl" not in table:
            raise ScheduleError(f"{path}: source {source!r} needs a crawl trigger")
        for kind in ("probe", "crawl"):
            if kind not in table:  # a source without a cheap probe (an HTML page) is only crawled
                continue
            jobs.append(JobSpec(f"{source}:{kind}", f"schedules.jobs:{kind}_job", (source,),
                                _trigger_table(path, f"{source}.{kind}", table[kind])))
    if "announcements" in data:  # the announcement spiders, then the linking
        jobs.append(JobSpec("announcements", "schedules.jobs:announcements_job", (),
                            _trigger_table(path, "announcements", data["announcements"])))
    schedule = Schedule(timezone, tuple(jobs), str(path))
    for job in schedule.jobs:
        make_trigger(job.trigger, timezone, f"{path}: {job.job_id}")  # fail now, not at 3 a.m.
    return schedule


def _trigger_table(path: Path, where: str, table: Any) -> dict[str, Any]:
    if not isinstance(table, dict) or ("cron" in table) == ("interval" in table):
        raise ScheduleError(f"{path}: {where} needs exactly one of cron or interval")
    unknown = sorted(set(table) - {"cron", "interval", "jitter"})
    if unknown:
        raise ScheduleError(f"{path}: {where}: unknown key {', '.join(unknown)}")
    return dict(table)


def make_trigger(spec: dict[str, Any], timezone: ZoneInfo, where: str = "trigger"):
    jitter = spec.get("jitter") or None
    if "interval" in spec:
        seconds = spec["interval"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
            raise ScheduleError(f"{where}: interval must be a positive number of seconds")
        return IntervalTrigger(seconds=seconds, timezone=timezone, jitter=jitter)
    expressions = [spec["cron"]] if isinstance(spec["cron"], str) else list(spec["cron"])
    triggers = []
    for expression in expressions:
        try:
            trigger = CronTrigger.from_crontab(str(expression), timezone=timezone)
        except ValueError as exc:
            raise ScheduleError(f"{where}: bad cron expression {expression!r}: {exc}") from None
        trigger.jitter = jitter
        triggers.append(trigger)
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers, jitter=jitter)


# --- the daemon ------------------------------------------------------------------------------

class _Scheduler(BackgroundScheduler):
    def _process_jobs(self):
        # APScheduler 3 can still submit a job while shutting down (its loop does not
        # recheck the state after waking up); a paused or stopping scheduler runs nothing.
        if self.state != STATE_RUNNING:
            return None
        return super()._process_jobs()


def build_scheduler(data: DataConfig) -> BackgroundScheduler:
    return _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(url=data.database_url, tablename=JOB_TABLE,
                                                 engine_options=engine_options(data.database_url))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )


def sync_jobs(scheduler: BackgroundScheduler, schedule: Schedule, data: DataConfig) -> list[str]:
    """Make the stored jobs match the schedule file. A job whose trigger is unchanged keeps
    its stored next run; a new job probes (or, for a never-crawled source, crawls) at once."""
    wanted = {job.job_id for job in schedule.jobs}
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            scheduler.remove_job(stored.id)
    added = []
    store = Store(data.database_url)
    try:
        for spec in schedule.jobs:
            stored = scheduler.get_job(spec.job_id)
            if stored is not None and stored.name == spec.fingerprint:
                continue
            first_run = _first_run(spec, store)
            scheduler.add_job(spec.func, make_trigger(spec.trigger, schedule.timezone),
                              args=spec.args, id=spec.job_id, name=spec.fingerprint,
                              replace_existing=True,
                              **({"next_run_time": first_run} if first_run else {}))
            added.append(spec.job_id)
    finally:
        store.close()
    return added


def _first_run(spec: JobSpec, store: Store) -> datetime | None:
    """Probe and deliver at once; crawl at once only a source never crawled (its baseline)."""
    if spec.job_id.endswith(":crawl") and store.last_snapshot(spec.job_id.split(":")[0]) is not None:
        return None  # the trigger's own next time
    return datetime.now(UTC)


def uses_queue(database_url: str) -> bool:
    """On PostgreSQL, work goes through the job queue (schedules/queue.py, the `postgres`
    extra); SQLite keeps this single daemon."""
    return make_url(database_url).get_backend_name() == "postgresql"


def queue_schedule(schedule: Schedule) -> Schedule:
    """The same triggers, each deferring its job to the queue (schedules/queue.py) instead
    of running it: workers run them."""
    jobs = tuple(replace(job, func="schedules.queue:scheduled",
                         args=(job.job_id.rsplit(":", 1)[-1], *job.args)) for job in schedule.jobs)
    return replace(schedule, jobs=jobs)


def run(schedule: Schedule, data: DataConfig, alerts: AlertConfig, config_file: Path | None,
        once: bool = False) -> int:
    """The daemon (until SIGTERM or SIGINT), or with `once` every due job once, then exit.
    On PostgreSQL the jobs go to the queue for `regwatch worker`s, and one scheduler runs
    at a time (a second stands by)."""
    if not uses_queue(data.database_url):
        return _run(schedule, data, alerts, config_file, once)
    from schedules import queue

    lock = queue.SchedulerLock(data.database_url)
    lock.acquire()
    try:
        queue.open_for_scheduler(data.database_url)
        return _run(queue_schedule(schedule), data, alerts, config_file, once)
    finally:
        queue.close_for_scheduler()
        lock.release()


def _run(schedule: Schedule, data: DataConfig, alerts: AlertConfig, config_file: Path | None,
         once: bool) -> int:
    scheduler = build_scheduler(data)
    set_runtime(Runtime(data, alerts, config_file, scheduler))
    try:
        with source_lock(data.data_dir, "scheduler-start"):  # two starting at once: one at a time
            scheduler.start(paused=True)  # the job store opens; nothing runs until resume()
            added = sync_jobs(scheduler, schedule, data)
        log.info("schedule %s: %d jobs (%s new or changed)", schedule.origin,
                 len(schedule.jobs), ", ".join(added) or "none")
        if once:
            run_due_once(scheduler, schedule)
            return 0
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, _frame: _stop(stop, number))
        scheduler.resume()
        for job in scheduler.get_jobs():
            log.info("job %s: next run %s", job.id, job.next_run_time)
        stop.wait()
        log.info("stopping: waiting for the running jobs to finish")
        return 0
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        set_runtime(None)


def _stop(stop: threading.Event, signum: int) -> None:
    log.info("%s received", signal.Signals(signum).name)
    stop.set()


def _next_run(trigger, previous: datetime) -> datetime | None:
    """The trigger's first fire time after now; missed ones coalesce into this run."""
    now = datetime.now(UTC)
    upcoming = trigger.get_next_fire_time(previous, now)
    while upcoming is not None and upcoming <= now:
        upcoming = trigger.get_next_fire_time(upcoming, now)
    return upcoming


def run_due_once(scheduler: BackgroundScheduler, schedule: Schedule) -> None:
    """Every job whose stored next run has come, once, in order: probes, crawls, delivery
    (so a probe that asks for a crawl gets it in the same run)."""
    order = {"probe": 0, "crawl": 1, "announcements": 2, "deliver": 3}
    for spec in sorted(schedule.jobs, key=lambda j: order[j.job_id.rsplit(":", 1)[-1]]):
        job = scheduler.get_job(spec.job_id)
        now = datetime.now(UTC)
        if job is None or job.next_run_time is None or job.next_run_time > now:
            continue
        log.info("job %s is due (%s): running it", job.id, job.next_run_time)
        try:
            job.func(*job.args)
        except Exception:  # one failing job must not keep the others from running
            log.exception("job %s failed", job.id)
        job.modify(next_run_time=_next_run(job.trigger, job.next_run_time))
