"""Set-up shared by the web tests and the web benchmark: a data directory with history
(both recorded states crawled), and `regwatch serve` as a child process on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from regwatch.fakes.minjust import FakeMinjust
from tests.conftest import (
    FIRST_DAY,
    REGISTERS,
    ROOT,
    SECOND_DAY,
    Workspace,
    load_state,
    make_env,
    run_regwatch,
)

SOURCE = "ru_minjust_undesirable"
SECOND_STATE_ENTRIES = 390  # 367 on 2026-07-29, then 23 added


def crawl_history(data_dir: Path, baseline: Path | None = None) -> Path:
    """`data_dir` after crawls of 2026-07-29 then 2026-08-14 (`baseline`: a data directory
    after the first crawl already, copied instead of crawled again)."""
    if baseline is not None:
        shutil.copytree(baseline, data_dir)
    for day in ([SECOND_DAY] if baseline is not None else [FIRST_DAY, SECOND_DAY]):
        with FakeMinjust(load_state(day)) as fake:
            result = run_regwatch(["crawl"], make_env(fake.url, data_dir))
        assert result.code == 0, result.output
    return data_dir


def shared_history(tmp_path_factory, baseline: Path) -> Path:
    """One history data directory per test session, shared by the web test modules (read
    only: a test that writes makes its own copy)."""
    data_dir = tmp_path_factory.getbasetemp() / "web-history"
    if not (data_dir / ".complete").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        crawl_history(data_dir, baseline)
        (data_dir / ".complete").touch()
    return data_dir


def shared_two_registers(tmp_path_factory, baseline: Path) -> Path:
    """One data directory per test session holding two registers crawled by the real spider
    from the fakes: the undesirable organisations of 2026-07-29 (`baseline`) and the foreign
    agents of 2026-07-31 (read only: copy it to write)."""
    agents = REGISTERS["ru_minjust_foreign_agents"]
    data_dir = tmp_path_factory.getbasetemp() / "two-registers"
    if not (data_dir / ".complete").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.copytree(baseline, data_dir)
        with FakeMinjust(agents.state(agents.second), registry_id=agents.registry_id) as fake:
            result = Workspace(fake, data_dir, source=agents.source).crawl()
        assert result.code == 0, result.output
        (data_dir / ".complete").touch()
    return data_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(data_dir: Path, *options: str, **env: str) -> Iterator[str]:
    """`regwatch serve [options]` on a free port of 127.0.0.1, reading `data_dir`; yields its base URL."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    child_env.update(REGWATCH_DATA_DIR=str(data_dir), **env)
    with open(data_dir / "serve.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "regwatch", "serve", "--port", str(port), *options],
                                   cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, data_dir / "serve.log")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"regwatch serve exited {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(base + "/api/status", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"regwatch serve did not answer within {timeout} s: {log.read_text()}")
