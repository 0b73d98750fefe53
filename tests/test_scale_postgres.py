"""The whole spread-out service at once, on a real PostgreSQL server: one scheduler and three
`regwatch worker` processes against local fakes of four registers (three on the ministry's
JSON service, the FSB's page), a real webhook receiver; one worker killed with SIGKILL in
the middle of a crawl, another in the middle of a delivery. Every change is stored once,
every alert reaches the receiver (a repeat only with the delivery id it already has), and
no register is ever crawled by two processes at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from regwatch.fakes.fsb import EARLIER, LATER, FakeFsb, load_page
from regwatch.fakes.minjust import FakeMinjust
from regwatch.fakes.receivers import WebhookReceiver, wait_for
from tests.conftest import REGISTERS, ROOT, SECRET, make_env, webhook_sub, write_config

FSB = "ru_fsb_terrorist"
SLOW = "ru_minjust_foreign_agents"  # the register whose second crawl hangs until its worker dies
SOURCES = (*REGISTERS, FSB)

SCHEDULE = "timezone = \"UTC\"\n[deliver]\ninterval = 1\n" + "".join(
    f'[[source]]\nname = "{source}"\ncrawl = {{ interval = 2 }}\n' for source in SOURCES)


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Its own process group: killing it kills its crawl child too, as a machine's death would.
    return subprocess.Popen([sys.executable, "-m", "regwatch", *args], env=env, cwd=ROOT,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _tails(what: str, logs: list[Path]) -> str:
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-2500:]}" for log in logs)
    return f"timed out waiting for {what}\n{tails}"


class CrawlWatch:
    """Samples the running `regwatch crawl SOURCE` processes every 50 ms: the most ever seen
    at once per source (two would mean a register crawled twice at the same time). Only the
    service's own, those that read its `config` (the workers pass it on): a crawl of another
    test, or of another checkout's suite on the same machine, is not a twin."""

    def __init__(self, config: Path) -> None:
        self.config = str(config.resolve())
        self.most: Counter[str] = Counter()
        self.twins: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def crawling(self, worker: subprocess.Popen) -> str | None:
        """The source `worker`'s crawl child is crawling now, if any."""
        try:
            for child in psutil.Process(worker.pid).children(recursive=True):
                command = child.cmdline()
                if "crawl" in command:
                    return command[command.index("crawl") + 1]
        except psutil.Error:
            pass
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            running: dict[str, list[str]] = {}
            for process in psutil.process_iter(["cmdline", "ppid"]):
                command = process.info["cmdline"] or []
                if "regwatch" in command and "crawl" in command and self.config in command:
                    running.setdefault(command[command.index("crawl") + 1], []).append(
                        f"pid {process.pid} (parent {process.info['ppid']})")
            for source, processes in running.items():
                self.most[source] = max(self.most[source], len(processes))
                if len(processes) > 1:  # which ones, and when: to read beside the workers' logs
                    self.twins.append(f"{time.strftime('%H:%M:%S')} {source}: {', '.join(processes)}")
            self._stop.wait(0.05)

    def __enter__(self) -> CrawlWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _delivering(workers: list[subprocess.Popen], port: int) -> subprocess.Popen | None:
    """The worker that (itself, or its crawl child delivering the alerts it made) has a
    connection open to the webhook receiver's port."""
    for worker in workers:
        try:
            parent = psutil.Process(worker.pid)
            for process in (parent, *parent.children(recursive=True)):
                if any(c.raddr and c.raddr.port == port for c in process.net_connections()):
                    return worker
        except psutil.Error:
            pass
    return None


def test_three_workers_one_scheduler_four_registers_two_of_them_killed(pg_url, tmp_path: Path):
    engine = create_engine(pg_url, poolclass=NullPool)

    def scalar(sql: str) -> int:
        with engine.connect() as conn:
            try:
                return conn.execute(text(sql)).scalar_one()
            except Exception:  # the tables do not exist before the first crawl
                return 0

    def snapshots(source: str) -> int:
        return scalar(f"select count(*) from snapshots where source = '{source}'")

    logs = [tmp_path / name for name in ("scheduler.log", "worker-1.log", "worker-2.log", "worker-3.log")]
    first = {r.registry_id: r.state(r.first) for r in REGISTERS.values()}
    with FakeMinjust(registers=first) as minjust, FakeFsb(load_page(EARLIER)) as fsb, \
            WebhookReceiver(SECRET) as hook, CrawlWatch(tmp_path / "regwatch.toml") as watch:
        config = write_config(tmp_path / "regwatch.toml", webhook_sub(hook),
                              delivery="backoff_seconds = 0.01\nmax_attempts = 4\ntimeout_seconds = 30")
        schedule = tmp_path / "schedules.toml"
        schedule.write_text(SCHEDULE, encoding="utf-8")
        # A worker silent for 10 s is dead; 3 s declared live workers dead on a loaded CI
        # machine (their heartbeats late), and a twin crawl started beside a running one.
        env = make_env(minjust.url, tmp_path / "data", REGWATCH_DATABASE_URL=pg_url,
                       REGWATCH_FSB_URL=fsb.url, REGWATCH_STALLED_AFTER="10", REGWATCH_TIMEOUT="60")
        scheduler = _start(["schedule", "--schedule", str(schedule), "--config", str(config)], env, logs[0])
        workers = [_start(["worker", "--concurrency", "1", "--config", str(config)], env, log)
                   for log in logs[1:]]
        try:
            # 1. Four baselines (no alert: a first crawl reports nothing).
            assert wait_for(lambda: all(snapshots(s) >= 1 for s in SOURCES), 180), _tails("four baselines", logs)

            # 2. The second states. A delivery hangs long enough to kill its worker; the slow
            # register's next page hangs until its worker is killed.
            hook.delay = 8.0  # slow but working (the subscriber's timeout is longer)
            minjust.fail("slow", route="values", times=1, delay=45, registry_id=REGISTERS[SLOW].registry_id)
            switched = time.time()
            for register in REGISTERS.values():
                minjust.serve(register.state(register.second), register.registry_id)
            fsb.serve(load_page(LATER))

            port = int(hook.url.rsplit(":", 1)[1].split("/")[0])
            assert wait_for(lambda: _delivering(workers, port), 120), _tails("a worker delivering", logs)
            deliverer = _delivering(workers, port)
            os.killpg(deliverer.pid, signal.SIGKILL)
            deliverer.wait()
            hook.delay = 0.0

            alive = [w for w in workers if w is not deliverer]

            def crawling_slow() -> subprocess.Popen | None:
                if not any(r.path.endswith("/values") and r.at > switched for r in minjust.requests):
                    return None
                return next((w for w in alive if watch.crawling(w) == SLOW), None)

            assert wait_for(crawling_slow, 120), _tails(f"a worker crawling {SLOW}", logs)
            crawler = crawling_slow()
            os.killpg(crawler.pid, signal.SIGKILL)
            crawler.wait()

            # 3. Everything stored and sent, by the one worker left.
            assert wait_for(lambda: all(snapshots(s) >= 2 for s in SOURCES)
                            and scalar("select count(*) from alerts where status <> 'sent'") == 0
                            and scalar("select count(*) from alerts") >= len(SOURCES), 240), \
                _tails("every register's second state stored and every alert sent", logs)
        finally:
            for process in [scheduler, *workers]:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in [scheduler, *workers]:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    with engine.connect() as conn:
        repeated = conn.execute(text(
            "select source, entry_id, kind, count(*) from changes "
            "group by source, entry_id, kind, snapshot_id having count(*) > 1")).all()
        added = dict(conn.execute(text(
            "select source, count(*) from changes where kind = 'added' group by source")).all())
        alert_ids = {row[0] for row in conn.execute(text("select delivery_id from alerts"))}
    engine.dispose()
    assert repeated == []  # no change stored twice
    for register in REGISTERS.values():  # the exact real additions between the two states
        before = {row["id"] for row in register.state(register.first).rows}
        after = {row["id"] for row in register.state(register.second).rows}
        assert added.get(register.source) == len(after - before), register.source
    assert added.get(FSB, 0) > 0
    worker_logs = "".join(log.read_text() for log in logs[1:])
    delivered = Counter(call.delivery_id for call in hook.calls)
    assert set(delivered) == alert_ids  # every alert reached the receiver, none unknown
    assert sum(n - 1 for n in delivered.values()) <= 1  # a repeat only for the one cut mid-send
    assert all(count == 1 for count in watch.most.values()), (watch.most, watch.twins[:10], worker_logs[-6000:])
    assert set(watch.most) == set(SOURCES)
    assert "was left by a silent worker" in worker_logs
