"""What PostgreSQL does where SQLite relied on its single writer, tested with real
processes against a real server: the per-source lock is an advisory lock in the database
(one holder across processes and machines, released when its holder dies), two crawls at
once store one baseline, and deliverers claim alerts by row lock, so two of them at once
send every alert exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import create_engine, select

from pipelines.alerts import outbox
from pipelines.alerts.compose import Message, Subscription
from pipelines.storage.locks import source_lock
from pipelines.storage.schema import alerts
from pipelines.storage.store import Store
from tests.conftest import ROOT, SECRET, Workspace, write_config

NOW = "2026-12-03T06:00:00.000+00:00"


def hold_lock(url: str, data_dir, name: str) -> subprocess.Popen:
    """A process that takes the lock, says so, and keeps it until its stdin closes."""
    code = ("import sys; from pathlib import Path; from pipelines.storage.locks import source_lock\n"
            f"with source_lock(Path({str(data_dir)!r}), {name!r}, database_url={url!r}):\n"
            "    print('held', flush=True); sys.stdin.readline()")
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    return holder


def try_lock(url: str, data_dir, name: str) -> bool:
    with source_lock(data_dir, name, wait=False, database_url=url) as held:
        return held


def test_the_source_lock_is_one_advisory_lock_across_processes(pg_url, tmp_path):
    holder = hold_lock(pg_url, tmp_path, "ru_minjust_undesirable")
    try:
        assert try_lock(pg_url, tmp_path, "ru_minjust_undesirable") is False
        assert try_lock(pg_url, tmp_path, "another_register") is True  # one lock per source
        assert list(tmp_path.iterdir()) == []  # in the database, not in a file
        holder.stdin.close()  # released by its holder
        assert holder.wait(10) == 0
        assert try_lock(pg_url, tmp_path, "ru_minjust_undesirable") is True
    finally:
        holder.kill()


def test_a_lock_holder_killed_outright_releases_it(pg_url, tmp_path):
    holder = hold_lock(pg_url, tmp_path, "ru_minjust_undesirable")
    assert try_lock(pg_url, tmp_path, "ru_minjust_undesirable") is False
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    deadline = time.monotonic() + 10  # the server ends the dead client's session
    while not try_lock(pg_url, tmp_path, "ru_minjust_undesirable"):
        assert time.monotonic() < deadline, "the lock outlived its holder"
        time.sleep(0.1)


def test_a_waiting_lock_is_taken_when_the_holder_lets_go(pg_url, tmp_path):
    holder = hold_lock(pg_url, tmp_path, "s")
    taken = threading.Event()

    def wait_for_it() -> None:
        with source_lock(tmp_path, "s", database_url=pg_url):
            taken.set()

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    assert not taken.wait(1)  # it waits its turn
    holder.stdin.close()
    waiter.join(10)
    assert taken.is_set()
    holder.wait(10)


def test_two_crawls_at_once_store_one_baseline(fake, tmp_path, pg_url):
    workspace = Workspace(fake, tmp_path / "out", pg_url)
    crawls = [subprocess.Popen([sys.executable, "-m", "regwatch", "crawl"], cwd=ROOT, env=workspace.env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for _ in range(2)]
    outputs = [c.communicate(timeout=120)[0] for c in crawls]
    assert [c.returncode for c in crawls] == [0, 0], outputs
    assert workspace.query("select count(*) from snapshots") == [(1,)]
    # the second is skipped while the first holds the source (or, started after it ended, finds it unchanged)
    skipped = sum("another crawl of it is running; this one is skipped" in out for out in outputs)
    outcomes = sorted(workspace.query("select outcome from crawl_log"))
    assert outcomes == [("baseline",)] + [("unchanged",)] * (1 - skipped)


# --- the outbox ----------------------------------------------------------------------------

def queue(url: str, receiver_url: str, count: int) -> list[str]:
    """`count` alerts pending for the subscriber "newsroom"; their delivery ids."""
    store = Store(url)
    sub = Subscription("newsroom", "webhook", receiver_url, SECRET)
    ids = [f"test/{n}/newsroom" for n in range(count)]
    try:
        for delivery_id in ids:
            outbox.queue_operator(store.engine, sub, delivery_id, "s", Message("t", "x"), {}, NOW)
    finally:
        store.close()
    return ids


def test_a_claimed_alert_is_skipped_by_another_deliverer(pg_url):
    ids = queue(pg_url, "http://127.0.0.1:9/hook", 2)
    engine = create_engine(pg_url)
    try:
        first, second = engine.connect().execute(select(alerts.c.id).order_by(alerts.c.id)).scalars().all()
        with outbox.claim(engine, first, NOW) as mine:
            assert mine is not None and mine.alert.delivery_id == ids[0]
            with outbox.claim(engine, first, NOW) as theirs:
                assert theirs is None  # locked: skipped, not waited for
            with outbox.claim(engine, second, NOW) as theirs:
                assert theirs is not None  # the next one is free
            mine.sent(NOW)
        with outbox.claim(engine, first, NOW) as late:
            assert late is None  # sent meanwhile: not sent again
        with engine.connect() as conn:
            assert conn.execute(select(alerts.c.status).order_by(alerts.c.id)).scalars().all() == \
                [outbox.SENT, outbox.PENDING]
    finally:
        engine.dispose()


def test_a_deliverer_that_dies_holding_a_claim_leaves_the_alert_pending(pg_url):
    queue(pg_url, "http://127.0.0.1:9/hook", 1)
    engine = create_engine(pg_url)
    try:
        with pytest.raises(RuntimeError), outbox.claim(engine, 1, NOW) as mine:
            assert mine is not None
            raise RuntimeError("killed mid-send")
        with outbox.claim(engine, 1, NOW) as next_one:
            assert next_one is not None and next_one.alert.status == outbox.PENDING
    finally:
        engine.dispose()


class SlowReceiver:
    """A webhook that takes 0.2 s to answer and records every delivery id it receives."""

    def __init__(self) -> None:
        self.received: list[str] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(0.2)
                received.append(self.headers["X-Regwatch-Delivery"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_two_deliverers_at_once_send_every_alert_exactly_once(pg_url, tmp_path, fake):
    receiver = SlowReceiver()
    try:
        ids = queue(pg_url, receiver.url, 16)
        config = write_config(tmp_path / "regwatch.toml", f'[[subscription]]\nname = "newsroom"\n'
                              f'webhook = "{receiver.url}"\nsecret = "{SECRET}"\n')
        env = Workspace(fake, tmp_path / "out", pg_url).env
        deliverers = [subprocess.Popen([sys.executable, "-m", "regwatch", "deliver", "--config", str(config)],
                                       cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True) for _ in range(2)]
        outputs = [d.communicate(timeout=120)[0] for d in deliverers]
        assert [d.returncode for d in deliverers] == [0, 0], outputs
    finally:
        receiver.close()
    assert sorted(receiver.received) == sorted(ids)  # each once: none twice, none lost
    assert Workspace(fake, tmp_path / "out", pg_url).query(
        "select count(*) from alerts where status = 'sent'") == [(16,)]
