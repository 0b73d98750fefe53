"""The real `regwatch` command driven from outside, as the tests and the benchmarks drive
it: a child process per command (Twisted's reactor runs once per process, exactly as in
production) pointed at a local fake, the alert configuration that subscribes a local
receiver, a data folder with history, and `regwatch serve` on a free local port.

It lives in the package, not in tests/, so that the benchmarks run after `make install`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from regwatch.fakes.minjust import FakeMinjust, State
from regwatch.fakes.receivers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
DEMO_STATES = ROOT / "regwatch" / "demo_data" / "minjust_undesirable"
FIRST_DAY, SECOND_DAY = "2026-07-29", "2026-08-14"  # the two recorded states of the register
SECRET = "s3cret-for-tests-only"  # the alert receivers' signing secret


def demo_state(day: str) -> State:
    """A recorded state of the undesirable organisations (FIRST_DAY or SECOND_DAY)."""
    return State.load(DEMO_STATES / day)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_regwatch(args: list[str], env: dict[str, str], timeout: float = 120) -> Result:
    done = subprocess.run([sys.executable, "-m", "regwatch", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    return Result(done.returncode, done.stdout, done.stderr)


def make_env(fake_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    # The command speaks the user's locale: the tests read English unless they ask otherwise.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("REGWATCH_") and k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env["LANG"] = "C.UTF-8"
    env.update(REGWATCH_MINJUST_URL=fake_url, REGWATCH_DATA_DIR=str(data_dir),
               REGWATCH_DOWNLOAD_DELAY="0", REGWATCH_TIMEOUT="2", REGWATCH_RETRIES="1",
               REGWATCH_BACKOFF="0.05")
    env.update(extra)
    return env


def write_config(path: Path, *subscriptions: str, operator: str = "", delivery: str = "") -> Path:
    text = "\n".join(subscriptions)
    if operator:
        text += "\n[operator]\n" + operator
    text += "\n[delivery]\n" + (delivery or "backoff_seconds = 0.01\nmax_attempts = 4\ntimeout_seconds = 3")
    path.write_text(text + "\n", encoding="utf-8")
    return path


def webhook_sub(receiver: WebhookReceiver, name: str = "newsroom", extra: str = "") -> str:
    return (f'[[subscription]]\nname = "{name}"\nwebhook = "{receiver.url}"\n'
            f'secret = "{SECRET}"\n{extra}\n')


# --- a data folder with history, served on the web ----------------------------------------------

def crawl_history(data_dir: Path, baseline: Path | None = None) -> Path:
    """`data_dir` after crawls of 2026-07-29 then 2026-08-14 (`baseline`: a data directory
    after the first crawl already, copied instead of crawled again)."""
    if baseline is not None:
        shutil.copytree(baseline, data_dir)
    for day in ([SECOND_DAY] if baseline is not None else [FIRST_DAY, SECOND_DAY]):
        with FakeMinjust(demo_state(day)) as fake:
            result = run_regwatch(["crawl"], make_env(fake.url, data_dir))
        if result.code != 0:
            raise RuntimeError(f"the crawl of {day} failed: {result.output}")
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
    import httpx2 as httpx

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
