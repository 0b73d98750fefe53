"""Shared test set-up: the real fixtures, the local fake of the official service, and a
runner for the real `regwatch` command in a child process (Twisted's reactor runs once
per process, exactly as in production)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from regwatch.fakes.minjust import FakeMinjust, State
from regwatch.fakes.receivers import SmtpReceiver, WebhookReceiver

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures" / "minjust_undesirable"
REGISTER_COMBINED = SHARED / "data" / "minjust_undesirable" / "register_combined.json"
FIRST_DAY, SECOND_DAY = "2026-07-29", "2026-08-14"
SECRET = "s3cret-for-tests-only"  # the alert receivers' signing secret


def load_state(day: str) -> State:
    return State.load(FIXTURES / "api" / day)


@dataclass(frozen=True)
class Register:
    """A register on the ministry's JSON service and its two recorded states."""

    source: str
    registry_id: str
    folder: Path  # <folder>/<day>/{info,rows}.json
    first: str
    second: str
    name_key: str  # the service's field that holds the name

    def state(self, day: str) -> State:
        return State.load(self.folder / day)


DEMO_DATA = ROOT / "regwatch" / "demo_data"
REGISTERS = {r.source: r for r in (
    Register("ru_minjust_undesirable", "c2d1692e-a9f6-5a79-13ee-5da5b42980df", FIXTURES / "api",
             FIRST_DAY, SECOND_DAY, "field_5_s"),
    Register("ru_minjust_foreign_agents", "39b95df9-9a68-6b6d-e1e3-e6388507067e",
             DEMO_DATA / "minjust_foreign_agents", "2026-04-30", "2026-07-31", "field_2_s"),
    Register("ru_minjust_extremist", "59961ebb-9f0e-d885-7ebc-b90399923b03",
             DEMO_DATA / "minjust_extremist", "2026-06-30", "2026-09-19", "field_2_s"),
)}


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


class Workspace:
    """A data directory, the fake service, and the command line pointed at both."""

    def __init__(self, fake: FakeMinjust, data_dir: Path, source: str = "ru_minjust_undesirable") -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.env = make_env(fake.url, data_dir)
        self.source = source

    def regwatch(self, *args: str, **extra_env: str) -> Result:
        return run_regwatch(list(args), {**self.env, **extra_env})

    def crawl(self, **extra_env: str) -> Result:
        if self.source == "ru_minjust_undesirable":  # the default register: as a user types it
            return self.regwatch("crawl", **extra_env)
        return self.regwatch("crawl", self.source, **extra_env)

    @property
    def exports(self) -> Path:
        return self.data_dir / self.source

    def latest_rows(self) -> list[dict]:
        return json.loads((self.exports / "latest.json").read_text(encoding="utf-8"))["entries"]

    def changes(self) -> list[dict]:
        return json.loads(self.regwatch("changes", "--format", "json", "--source", self.source).stdout)

    def fingerprint(self) -> dict[str, bytes]:
        """Every export file's bytes: a refused crawl must leave them all as they were
        (status.json alone says when the register was last checked, and how it went)."""
        return {str(p.relative_to(self.exports)): p.read_bytes()
                for p in sorted(self.exports.rglob("*")) if p.is_file() and p.name != "status.json"}


@pytest.fixture
def fake():
    with FakeMinjust(load_state(FIRST_DAY)) as server:
        yield server


@pytest.fixture(scope="session")
def baseline_dir(tmp_path_factory) -> Path:
    """A data directory after one good crawl of 2026-07-29, made once and copied per test."""
    data_dir = tmp_path_factory.mktemp("baseline") / "out"
    with FakeMinjust(load_state(FIRST_DAY)) as server:
        result = run_regwatch(["crawl"], make_env(server.url, data_dir))
    assert result.code == 0, result.output
    return data_dir


@pytest.fixture(scope="session")
def register_baselines(tmp_path_factory) -> dict[str, Path]:
    """Per register (REGISTERS), a data directory after one good crawl of its first state,
    made once when a test first asks for it (copy it before use)."""
    made: dict[str, Path] = {}

    class Baselines(dict):
        def __missing__(self, source: str) -> Path:
            register = REGISTERS[source]
            data_dir = tmp_path_factory.mktemp(f"baseline-{source}") / "out"
            with FakeMinjust(register.state(register.first), registry_id=register.registry_id) as server:
                workspace = Workspace(server, data_dir, source)
                result = workspace.crawl()
            assert result.code == 0, result.output
            self[source] = data_dir
            return data_dir

    return Baselines(made)


@pytest.fixture
def workspace(fake, tmp_path) -> Workspace:
    return Workspace(fake, tmp_path / "out")


@pytest.fixture
def crawled(fake, tmp_path, baseline_dir) -> Workspace:
    """A workspace whose first crawl (2026-07-29) is already stored."""
    data_dir = tmp_path / "out"
    shutil.copytree(baseline_dir, data_dir)
    return Workspace(fake, data_dir)


# --- alert receivers and the configuration that subscribes them -----------------------

@pytest.fixture
def webhook():
    with WebhookReceiver(SECRET) as receiver:
        yield receiver


@pytest.fixture
def smtp():
    with SmtpReceiver() as server:
        yield server


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


def mail_sub(server: SmtpReceiver, name: str = "mailbox", extra: str = "") -> str:
    return f'[[subscription]]\nname = "{name}"\nurl = "{server.apprise_url()}"\n{extra}\n'
