"""The real `regwatch` command driven from outside, as the tests and the benchmarks drive
it: a child process per command (Twisted's reactor runs once per process, exactly as in
production) pointed at a local fake, the alert configuration that subscribes a local
receiver, a data folder with history, and `regwatch serve` on a free local port.

It lives in the package, not in tests/, so that the benchmarks run after `make install`.
"""

from __future__ import annotations

import json
import locale
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
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


def run_regwatch(args: list[str], env: dict[str, str] | None, timeout: float = 120) -> Result:
    """`python -m regwatch ARGS` in `env` (None: this process's), to its end; forked by the
    zygote when one is in use (`use_zygote`), else a fresh interpreter."""
    return run_module("regwatch", args, env, timeout)


def run_module(module: str, args: list[str], env: dict[str, str] | None, timeout: float = 120) -> Result:
    """`python -m MODULE ARGS` (as run_regwatch: forked by the zygote when one is in use)."""
    if (zygote := _started_zygote()) is not None:
        return zygote.run(module, args, dict(os.environ if env is None else env), timeout)
    done = subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    return Result(done.returncode, done.stdout, done.stderr)


class Zygote:
    """The client of regwatch/fakes/zygote.py: one started per test process, which forks
    each `python -m` command instead of starting an interpreter (the tests start hundreds)."""

    def __init__(self, folder: Path) -> None:
        self.path = str(folder / "zygote.sock")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
        self.process = subprocess.Popen([sys.executable, "-m", "regwatch.fakes.zygote", self.path], cwd=ROOT,
                                        env={**env, "LANG": "C.UTF-8"}, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError(f"the zygote did not start (exit status {self.process.returncode})")

    def run(self, module: str, args: list[str], env: dict[str, str], timeout: float) -> Result:
        request = json.dumps({"module": module, "args": args, "env": env, "cwd": str(ROOT)}).encode()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn, \
                open(os.devnull, "rb") as devnull, open(out_r, "rb") as out, open(err_r, "rb") as err:
            conn.connect(self.path)
            try:
                socket.send_fds(conn, [request], [devnull.fileno(), out_w, err_w])
            finally:
                os.close(out_w)
                os.close(err_w)
            pid = _status(conn)
            # Read both streams to their end (as subprocess.run does), then the exit status.
            with ThreadPoolExecutor(2) as pool:
                streams = [pool.submit(stream.read) for stream in (out, err)]
                try:
                    stdout, stderr = (f.result(timeout=timeout) for f in streams)
                except FutureTimeout:
                    os.kill(pid, signal.SIGKILL)
                    raise subprocess.TimeoutExpired([module, *args], timeout) from None
            code = _status(conn)
        return Result(code, _text(stdout), _text(stderr))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # its signal to stop
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


_STATUS = struct.Struct("!i")
_zygote: Zygote | None = None
_zygote_folder: Path | None = None
_zygote_lock = threading.Lock()


def use_zygote(folder: Path) -> None:
    """From now on, this process's `run_regwatch` forks its commands from a zygote (started
    on first use, its socket in `folder`)."""
    global _zygote_folder
    _zygote_folder = folder


def _started_zygote() -> Zygote | None:
    global _zygote
    with _zygote_lock:
        if _zygote is None and _zygote_folder is not None:
            _zygote = Zygote(_zygote_folder)
        return _zygote


def stop_zygote() -> None:
    global _zygote, _zygote_folder
    with _zygote_lock:
        if _zygote is not None:
            _zygote.close()
        _zygote = _zygote_folder = None


def _status(conn: socket.socket) -> int:
    """The next number the zygote sends: the child's pid, then its exit status."""
    data = conn.recv(_STATUS.size, socket.MSG_WAITALL)
    if len(data) < _STATUS.size:
        raise RuntimeError("the zygote closed the connection")
    return _STATUS.unpack(data)[0]


def _text(data: bytes) -> str:
    # as subprocess.run(text=True) decodes: the locale's encoding, universal newlines
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


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
