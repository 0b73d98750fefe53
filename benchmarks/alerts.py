"""Alerting figures of regwatch against the goals of the alerts issue.

    .venv/bin/python benchmarks/alerts.py             # 12 changes, 60 s probe interval (~15 min)
    .venv/bin/python benchmarks/alerts.py --quick     # smoke run: 4 changes, 6 s interval (~1 min)
    .venv/bin/python benchmarks/alerts.py --interval 60 --changes 12 --seed 1

Prints figures and their ratio to each goal; it never asserts and exits 0.
- Cost when nothing changes: the body bytes of one probe (`scraper.probe.probe`) and of one
  full crawl (`regwatch crawl`, the `size` of its archived replies) of the real 2026-08-14
  register served by the local fake, times the shipped schedule's fires over a real week.
- Time-to-alert: the real daemon (`regwatch schedule`, a child process) probes the fake;
  the fake's register changes at a random moment; a real local receiver times the signed
  webhook that reports it. One change at a time: each waits for the previous one's crawl.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import print_table  # noqa: E402

from regwatch.fakes.harness import (  # noqa: E402
    FIRST_DAY,
    ROOT,
    SECOND_DAY,
    SECRET,
    demo_state,
    make_env,
    run_regwatch,
    webhook_sub,
    write_config,
)
from regwatch.fakes.minjust import FakeMinjust, State  # noqa: E402
from regwatch.fakes.receivers import WebhookReceiver, wait_for  # noqa: E402
from regwatch.fakes.states import with_exclusion  # noqa: E402
from schedules.daemon import DEFAULT_SCHEDULE, load_schedule, make_trigger  # noqa: E402
from scraper.registers.metadata import load_source  # noqa: E402

SOURCE = "ru_minjust_undesirable"
SCHEDULE = """timezone = "UTC"
[[source]]
name = "ru_minjust_undesirable"
probe = {{ interval = {interval} }}
crawl = {{ interval = 86400 }}
"""
WEEK = datetime(2026, 8, 17)  # a Monday
MB = 1024 * 1024


# --- cost when nothing changes --------------------------------------------------------

def bench_cost(tmp: Path, table: list, notes: list) -> None:
    data_dir = tmp / "cost"
    with FakeMinjust(demo_state(SECOND_DAY)) as fake:
        env = make_env(fake.url, data_dir)
        os.environ.update(env)  # scraper.settings reads REGWATCH_* when first imported
        from scraper.probe import probe

        probe_bytes = probe(load_source(SOURCE)).bytes_fetched
        done = run_regwatch(["crawl"], env)
        crawl_requests = len(fake.requests) - 1
    if done.code != 0:
        raise RuntimeError(f"the crawl failed:\n{done.output}")
    with sqlite3.connect(data_dir / "regwatch.db") as db:
        replies, crawl_bytes = db.execute("SELECT count(*), sum(size) FROM raw_replies").fetchone()

    plan = load_schedule(DEFAULT_SCHEDULE)
    triggers = {job.job_id.rsplit(":", 1)[-1]: job.trigger for job in plan.jobs}
    start = WEEK.replace(tzinfo=plan.timezone)
    probes, crawls = (fires_per_day(triggers[kind], start) for kind in ("probe", "crawl"))
    per_day = [p * probe_bytes + c * crawl_bytes for p, c in zip(probes, crawls)]
    full_pulls = 1440 * crawl_bytes
    for label, value in (("weekday", per_day[0]), ("weekend day", per_day[5]),
                         ("weekly average", sum(per_day) / 7)):
        table.append((f"no change: bytes/day, {label}", value / MB, None, " MB", ""))
        table.append((f"no change: {label} vs a full pull every 60 s", 100 * value / full_pulls,
                      5.0, " %", f"{full_pulls / MB:.0f} MB/day for 1440 pulls"))
    notes.append(f"one probe (GET /info): {probe_bytes} body bytes (ProbeResult.bytes_fetched); "
                 f"one full crawl: {crawl_bytes} body bytes in {replies} archived replies "
                 f"({crawl_requests} requests), raw_replies.size of a fresh crawl of 2026-08-14")
    notes.append(f"shipped schedule, without jitter, Mon–Sun from {start:%Y-%m-%d} "
                 f"({plan.timezone}): probes {probes}, crawls {crawls}")
    notes.append("bytes are reply bodies only: HTTP headers, requests and TLS are not counted")


def fires_per_day(spec: dict, start: datetime) -> list[int]:
    """How often the trigger fires on each of the 7 days from `start` (without jitter)."""
    trigger = make_trigger({k: v for k, v in spec.items() if k != "jitter"}, start.tzinfo)
    counts = [0] * 7
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire < start + timedelta(days=7):
        counts[(fire - start).days] += 1
        fire = trigger.get_next_fire_time(fire, fire)
    return counts


# --- time-to-alert ------------------------------------------------------------------------

def bench_alerts(interval: float, changes: int, seed: int, tmp: Path, table: list,
                 notes: list) -> None:
    rng = random.Random(seed)
    base = demo_state(FIRST_DAY)
    excluded = rng.sample([row["field_1_i"] for row in base.rows], changes)
    data_dir = tmp / "alerts"
    alerts, probe_lags = [], []
    with FakeMinjust(base) as fake, WebhookReceiver(SECRET) as hook:
        env = make_env(fake.url, data_dir)
        done = run_regwatch(["crawl"], env)
        if done.code != 0:
            raise RuntimeError(f"the baseline crawl failed:\n{done.output}")
        config = write_config(tmp / "regwatch.toml", webhook_sub(hook))
        plan = tmp / "schedule.toml"
        plan.write_text(SCHEDULE.format(interval=interval), encoding="utf-8")
        with daemon(plan, config, env, tmp / "daemon.out") as code:
            wait_for(lambda: info_gets(fake, 0), timeout=60)  # up and probing
            state = base
            for i, number in enumerate(excluded, 1):
                time.sleep(rng.random() * interval)
                state = changed(state, number, base.info["lastModified"] + i * 60_000)
                fake.serve(state)
                at = time.time()
                if not wait_for(lambda i=i: len(signed_alerts(hook)) >= i, timeout=interval + 180):
                    notes.append(f"change {i}: no alert within {interval + 180:.0f} s; stopped")
                    break
                arrived = signed_alerts(hook)[i - 1].at
                probed = min(r.at for r in info_gets(fake, at))
                alerts.append(arrived - at)
                probe_lags.append(arrived - probed)
                print(f"change {i}/{changes}: entry {number} excluded; probe after "
                      f"{probed - at:5.1f} s, alert after {alerts[-1]:5.1f} s "
                      f"(probe to delivery {probe_lags[-1]:.2f} s)", flush=True)
                wait_for(lambda i=i: crawls_ended(data_dir) >= i, timeout=120)
        notes.append(f"daemon stopped by SIGTERM: exit code {code[0]}")
    if alerts:
        add_figures(table, "time-to-alert", alerts, (40.0, 65.0))
        add_figures(table, "probe to delivery", probe_lags, (5.0, 5.0))
    notes.append(f"{len(alerts)} changes, probe interval {interval:g} s (no jitter), seed {seed}; "
                 f"the goals are for a 60 s interval (floor: half of it on average)")


def changed(state: State, number: int, last_modified: int) -> State:
    """One more entry excluded, under a new lastModified stamp for the probe to see."""
    new = with_exclusion(state, number)
    new.info["lastModified"] = last_modified
    return new


def info_gets(fake: FakeMinjust, since: float) -> list:
    return [r for r in list(fake.requests) if r.path.endswith("/info") and r.at >= since]


def signed_alerts(hook: WebhookReceiver) -> list:
    return [c for c in list(hook.calls) if c.signature_ok and c.json.get("changes")]


def crawls_ended(data_dir: Path) -> int:
    """The daemon's crawls that have finished (its log says so), so changes never overlap."""
    log = data_dir / "schedule.log"
    return log.read_text(encoding="utf-8").count("crawl ended") if log.exists() else 0


@contextmanager
def daemon(plan: Path, config: Path, env: dict, out: Path):
    """`regwatch schedule` in its own process group: SIGTERM at the end, SIGKILL to the
    whole group on an error or Ctrl-C. Yields a list that gets the exit code."""
    code: list[int] = []
    with open(out, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "regwatch", "schedule", "--schedule", str(plan),
             "--config", str(config)], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield code
            process.terminate()
            code.append(process.wait(timeout=60))
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def add_figures(table: list, label: str, samples: list[float], goals: tuple) -> None:
    median_goal, p95_goal = goals
    ranked = sorted(samples)
    p95 = ranked[math.ceil(0.95 * len(ranked)) - 1]  # nearest rank
    table.append((f"{label}: median", statistics.median(samples), median_goal, " s",
                  f"{len(samples)} samples"))
    table.append((f"{label}: p95", p95, p95_goal, " s", "nearest rank"))
    table.append((f"{label}: max", ranked[-1], None, " s", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 6 s interval, 4 changes")
    parser.add_argument("--interval", type=float, help="probe interval, seconds (default 60)")
    parser.add_argument("--changes", type=int, help="changes to time (default 12)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    interval = args.interval or (6.0 if args.quick else 60.0)
    changes = args.changes or (4 if args.quick else 12)
    print(f"regwatch alert benchmarks{' (quick)' if args.quick else ''}: {changes} changes, "
          f"probe interval {interval:g} s; CPUs: {os.cpu_count()}", flush=True)
    started = time.perf_counter()
    table: list = []
    notes: list = []
    try:
        with tempfile.TemporaryDirectory(prefix="regwatch-bench-alerts-") as tmp:
            bench_cost(Path(tmp), table, notes)
            bench_alerts(interval, changes, args.seed, Path(tmp), table, notes)
    except KeyboardInterrupt:  # the child processes and the temporary files are gone
        print("\ninterrupted", file=sys.stderr)
        return 130
    print()
    print_table(table)
    print()
    for note in notes:
        print(f"- {note}")
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
