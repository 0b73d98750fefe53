"""The scheduler, really run: `regwatch schedule --once` and the daemon as a child process,
against the local fake service, delivering to real local receivers."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from regwatch.fakes.minjust import State
from regwatch.fakes.receivers import SmtpReceiver, WebhookReceiver, mail_text, wait_for
from schedules.daemon import ScheduleError, load_schedule, make_trigger
from tests.conftest import ROOT, SECOND_DAY, SECRET, Workspace, load_state, mail_sub, webhook_sub, write_config

TOKEN = "T0KEN-4f9a8b7c6d5e"
# The single daemon of an SQLite installation; on PostgreSQL the scheduler defers jobs to
# workers instead (test_queue.py, test_scale_postgres.py).
SINGLE_DAEMON = pytest.mark.sqlite_only
FAST = """timezone = "UTC"
[deliver]
interval = 0.5
[[source]]
name = "ru_minjust_undesirable"
probe = { interval = %s }
crawl = { interval = 86400 }
"""


def schedule_file(path: Path, probe_interval: float = 0.5) -> Path:
    path.write_text(FAST % probe_interval, encoding="utf-8")
    return path


def bumped(state: State, by: int = 1) -> State:
    """The same rows under a new lastModified stamp."""
    new = State(copy.deepcopy(state.info), state.rows, state.export)
    new.info["lastModified"] += by
    return new


def value_pulls(ws: Workspace) -> int:
    """Full crawls the fake has served: each starts with the first page of /values."""
    return sum(1 for r in ws.fake.requests if r.path.endswith("/values") and '"offset": 0' in r.body)


def info_gets(ws: Workspace) -> int:
    return sum(1 for r in ws.fake.requests if r.path.endswith("/info"))


def once(ws: Workspace, plan: Path, config: Path | None = None):
    args = ["schedule", "--once", "--schedule", str(plan)]
    return ws.regwatch(*args, *(["--config", str(config)] if config else []))


def test_the_shipped_schedule_loads():
    plan = load_schedule(ROOT / "schedules" / "schedules.toml")
    ids = [job.job_id for job in plan.jobs]
    assert ids == ["deliver", "ru_minjust_undesirable:probe", "ru_minjust_undesirable:crawl",
                   "ru_fsb_terrorist:crawl",  # an HTML page has no probe: crawled only
                   "ru_minjust_foreign_agents:probe", "ru_minjust_foreign_agents:crawl",
                   "ru_minjust_extremist:probe", "ru_minjust_extremist:crawl", "announcements"]
    assert str(plan.timezone) == "Europe/Moscow"


@pytest.mark.parametrize(("after", "next_probe"), [
    ("2026-07-31 14:55:30", "2026-07-31 15:00:00"),  # a Friday, before the window: every 10 minutes
    ("2026-07-31 15:00:30", "2026-07-31 15:01:00"),  # in it: every minute
    ("2026-07-31 22:58:30", "2026-07-31 22:59:00"),
    ("2026-07-31 22:59:30", "2026-07-31 23:00:00"),  # its last minute
    ("2026-07-31 23:00:30", "2026-07-31 23:10:00"),  # after it
    ("2026-07-30 15:00:30", "2026-07-30 15:10:00"),  # a Thursday: every 10 minutes
])
def test_foreign_agents_are_probed_every_minute_on_friday_evenings_moscow_time(after, next_probe):
    plan = load_schedule(ROOT / "schedules" / "schedules.toml")
    spec = next(j for j in plan.jobs if j.job_id == "ru_minjust_foreign_agents:probe")
    trigger = make_trigger({**spec.trigger, "jitter": None}, plan.timezone)
    now = datetime.fromisoformat(after).replace(tzinfo=plan.timezone)
    fire = trigger.get_next_fire_time(None, now)
    assert fire == datetime.fromisoformat(next_probe).replace(tzinfo=plan.timezone)


@pytest.mark.parametrize("text, problem", [
    ('[[source]]\nname = "nope"\nprobe = {interval = 1}\ncrawl = {interval = 1}\n', "unknown source"),
    ('[[source]]\nname = "ru_minjust_undesirable"\nprobe = {cron = "61 * * * *"}\ncrawl = {interval = 1}\n',
     "bad cron expression"),
    ('[[source]]\nname = "ru_minjust_undesirable"\nprobe = {interval = 1}\n', "needs a crawl trigger"),
    ('timezone = "Mars/Olympus"\n', "unknown timezone"),
    ('[[sources]]\nname = "ru_minjust_undesirable"\nprobe = {interval = 1}\ncrawl = {interval = 1}\n',
     r"unknown key sources; known: announcements, deliver, source, timezone"),
    ('timezon = "UTC"\n', "unknown key timezon"),
    ('[[source]]\nname = "ru_minjust_undesirable"\nprobe = {interval = 1}\ncrawl = {interval = 1}\n'
     'crawll = {interval = 1}\n', r"\[source\[0\]\] unknown key crawll"),
    ('[source]\nname = "ru_minjust_undesirable"\n', r"\[\[source\]\] tables"),
    ('[deliver]\ninterval = 30\njiter = 5\n', "deliver: unknown key jiter"),
])
def test_a_bad_schedule_file_is_named_with_its_problem(tmp_path, text, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError, match=problem) as caught:
        load_schedule(path)
    assert str(path) in str(caught.value)


@SINGLE_DAEMON
def test_once_probes_then_crawls_only_when_last_modified_changes(workspace, tmp_path):
    plan = schedule_file(tmp_path / "schedule.toml")
    first = once(workspace, plan)
    assert first.code == 0, first.output
    assert value_pulls(workspace) == 1  # never crawled: the baseline at once
    assert (workspace.exports / "latest.csv").exists()

    time.sleep(0.6)  # the probe is due again; the register has not changed
    assert once(workspace, plan).code == 0
    assert info_gets(workspace) == 3 and value_pulls(workspace) == 1  # a probe, no crawl

    workspace.fake.serve(bumped(load_state(SECOND_DAY)))
    time.sleep(0.6)
    result = once(workspace, plan)
    assert result.code == 0, result.output
    assert value_pulls(workspace) == 2
    assert len(workspace.latest_rows()) == 390


@SINGLE_DAEMON
def test_overlapping_triggers_make_one_crawl(workspace, tmp_path):
    plan = schedule_file(tmp_path / "schedule.toml")
    workspace.fake.fail("slow", route="values", delay=1.0)  # a slow crawl: the triggers overlap
    command = [sys.executable, "-m", "regwatch", "schedule", "--once", "--schedule", str(plan)]
    runs = [subprocess.Popen(command, cwd=ROOT, env=workspace.env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert value_pulls(workspace) == 1, outputs
    assert "already running" in "".join(outputs)


class Daemon:
    """`regwatch schedule` as a child process in its own process group (so SIGKILL can
    take its crawl children with it, as a power cut would)."""

    def __init__(self, ws: Workspace, plan: Path, config: Path) -> None:
        self.ws, self.plan, self.config = ws, plan, config
        self.process: subprocess.Popen | None = None

    def start(self) -> Daemon:
        # the daemon's output file: handed to the child, closed in kill() or stop()
        self.log = open(self.ws.data_dir.parent / "daemon.out", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "regwatch", "schedule", "--schedule", str(self.plan),
             "--config", str(self.config)], cwd=ROOT, env=self.ws.env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.log.close()
        return code

    def output(self) -> str:
        return (self.ws.data_dir.parent / "daemon.out").read_text(encoding="utf-8")


def more_probes(ws: Workspace, daemon: Daemon, probes: int = 3) -> None:
    """Wait until the daemon has probed `probes` more times (and so run its delivery job
    as often, on the same interval): what it would repeat, it has had the chance to."""
    seen = info_gets(ws)
    assert wait_for(lambda: info_gets(ws) >= seen + probes, timeout=60), daemon.output()


@pytest.fixture
def receivers():
    with WebhookReceiver(SECRET) as webhook, SmtpReceiver() as smtp:
        yield webhook, smtp


@SINGLE_DAEMON
def test_daemon_delivers_a_state_switch_once_by_webhook_and_mail(crawled, receivers, tmp_path):
    webhook, smtp = receivers
    webhook.path = f"/hook/{TOKEN}"  # as in Slack-style webhook URLs: the path is a credential
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook), mail_sub(smtp))
    daemon = Daemon(crawled, schedule_file(tmp_path / "schedule.toml"), config).start()
    try:
        assert wait_for(lambda: info_gets(crawled) >= 1), daemon.output()
        crawled.fake.serve(load_state(SECOND_DAY))
        assert wait_for(lambda: webhook.calls and smtp.messages, timeout=60), daemon.output()
        more_probes(crawled, daemon)  # nothing new, nothing repeated
    finally:
        code = daemon.stop()
    assert code == 0, daemon.output()
    assert "SIGTERM received" in daemon.output()
    assert len(webhook.calls) == 1 and len(smtp.messages) == 1
    assert len(webhook.calls[0].json["changes"]) == 23
    for log in (daemon.output(), *(p.read_text() for p in crawled.data_dir.glob("*.log"))):
        assert TOKEN not in log and SECRET not in log  # webhook URLs and secrets stay out of logs
    assert "Child Evangelism Fellowship" in mail_text(smtp.messages[0])
    assert value_pulls(crawled) == 1


@SINGLE_DAEMON
def test_killed_between_crawl_and_delivery_delivers_once_after_restart(crawled, receivers, tmp_path):
    webhook, smtp = receivers
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    plan = schedule_file(tmp_path / "schedule.toml")
    webhook.stall = True  # the change is stored and queued; its delivery hangs
    crawled.fake.serve(load_state(SECOND_DAY))
    daemon = Daemon(crawled, plan, config).start()
    try:
        assert wait_for(lambda: (crawled.exports / "changes.csv").read_text().count("\n") > 20,
                        timeout=60), daemon.output()
        time.sleep(0.5)
    finally:
        daemon.kill()  # SIGKILL: no clean-up, the delivery never completed
    webhook.stall = False
    assert webhook.calls == []

    daemon = Daemon(crawled, plan, config).start()
    try:
        assert wait_for(lambda: webhook.calls, timeout=60), daemon.output()
        more_probes(crawled, daemon)
    finally:
        assert daemon.stop() == 0
    assert len(webhook.calls) == 1
    assert len(webhook.calls[0].json["changes"]) == 23
    assert value_pulls(crawled) == 1  # the restart did not crawl again: the change was stored


def test_the_alerts_demo_delivers_each_change_once(tmp_path):
    result = subprocess.run([sys.executable, "-m", "regwatch", "demo", "--alerts", "--out",
                             str(tmp_path / "demo")], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env={k: v for k, v in os.environ.items()
                                              if not k.startswith("REGWATCH_")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "webhook: 1 call; signature verified; 23 changes" in result.stdout
    assert "mail: 1 message" in result.stdout
    assert "each change was delivered exactly once" in result.stdout


@SINGLE_DAEMON
def test_once_fetches_the_announcements_when_scheduled(crawled, tmp_path):
    from contextlib import ExitStack
    from datetime import date

    from tests.test_announcement_spiders import SOURCES, FakeSite
    from tests.test_announcements import VOC, store_article

    plan = tmp_path / "schedule.toml"
    plan.write_text((FAST % 3600) + "[announcements]\ninterval = 3600\n", encoding="utf-8")
    # An announcement of today that the register does not show: the job's early warning.
    store_article(crawled, "https://example.org/genproc/voc", VOC, date.today().isoformat(), "ru")
    with ExitStack() as stack:
        receiver = stack.enter_context(WebhookReceiver(SECRET))
        config = write_config(tmp_path / "regwatch.toml", webhook_sub(receiver))
        sites = {source: stack.enter_context(FakeSite(source)) for source in SOURCES}
        env = {SOURCES[source][1]: site.url for source, site in sites.items()}
        result = crawled.regwatch("schedule", "--once", "--schedule", str(plan), "--config", str(config), **env)
    assert result.code == 0, result.output
    assert "announcements: announcements_tass: 3 new articles" in result.stderr
    listed = json.loads(crawled.regwatch("announcements", "--json").stdout)
    assert any(e["entry_id"] == "ru_minjust_undesirable/281" for e in listed)  # FIDH, linked
    (call,) = receiver.calls  # the fixture articles are old news: only today's announcement
    assert call.signature_ok and call.json["kind"] == "announced"
    assert call.json["announcements"][0]["organisation"] == "Фонд памяти жертв коммунизма"


@pytest.mark.parametrize("content", [b'timezone = "Europe/Moscow"  # \xcc\xee\xf1\xea\xe2\xe0 (cp1251)\n',
                                     b"\x00\x01\x02\xff\xfe binary"], ids=["legacy-encoding", "binary"])
def test_a_schedule_file_that_is_not_utf8_is_named_in_one_line(workspace, tmp_path, content):
    plan = tmp_path / "schedules.toml"
    plan.write_bytes(content)
    result = once(workspace, plan)
    assert result.code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if str(plan) in line]
    assert "the schedule is not UTF-8 text" in line
    assert workspace.fake.requests == []


def test_a_misspelt_table_stops_the_scheduler_before_anything_runs(workspace, tmp_path):
    plan = tmp_path / "schedules.toml"
    plan.write_text((FAST % 0.5).replace("[[source]]", "[[sources]]"), encoding="utf-8")
    result = once(workspace, plan)
    assert result.code == 2, result.output
    assert f"{plan}: unknown key sources" in result.stderr and "Traceback" not in result.output
    assert "1 jobs" not in result.output and workspace.fake.requests == []
