"""`regwatch serve --workers N`: N web processes answer on one port, and one killed is replaced."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import psutil
import pytest

from tests.web_support import serving, shared_history


@pytest.fixture(scope="module")
def history(tmp_path_factory, baseline_dir):
    return shared_history(tmp_path_factory, baseline_dir)


def _workers(base: str) -> list[psutil.Process]:
    """The worker processes of the `regwatch serve` that listens at `base`."""
    port = base.rsplit(":", 1)[1]
    supervisor = next(p for p in psutil.process_iter(["cmdline"])
                      if "serve" in (p.info["cmdline"] or []) and port in (p.info["cmdline"] or []))
    workers = []
    for child in supervisor.children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                workers.append(child)
        except psutil.ZombieProcess:  # killed, not reaped yet: not a worker any more
            pass
    return workers


def _check(base: str, name: str) -> dict:
    reply = httpx.get(base + "/api/check", params={"q": name}, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_several_workers_answer_alike_and_a_killed_one_is_replaced(history):
    with serving(history, "--workers", "2") as base:
        workers = _workers(base)
        assert len(workers) == 2, [w.cmdline() for w in workers]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: _check(base, "Bellingcat")["listed"], range(40)))
        assert set(answers) == {True}

        os.kill(workers[0].pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            alive = [w for w in _workers(base) if w.pid != workers[0].pid]
            if len(alive) == 2:
                break
            time.sleep(0.2)
        assert len(alive) == 2, "uvicorn did not replace the killed worker"
        assert _check(base, "Bellingcat")["listed"] is True
