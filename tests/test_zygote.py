"""The tests' `regwatch` commands are forked from a zygote (regwatch/fakes/zygote.py): each
must still behave as a fresh `python -m regwatch` would, in its own environment, folder
and streams, with its own exit status, and die when the test gives up on it."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import psutil
import pytest

from regwatch.fakes import harness
from regwatch.fakes.zygote import LIBRARIES, OWN, REACTOR
from tests.conftest import ROOT, make_env, run_regwatch


@pytest.fixture(scope="module")
def forking(tmp_path_factory) -> Iterator[harness.Zygote]:
    """The suite's zygote; one of this file's own under REGWATCH_TEST_ZYGOTE=0."""
    own = harness._zygote_folder is None
    if own:
        harness.use_zygote(tmp_path_factory.mktemp("zygote"))
    zygote = harness._started_zygote()
    assert zygote is not None
    yield zygote
    if own:
        harness.stop_zygote()


def fresh(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("args", [["--version"], ["check", "Memorial"], ["changes"]])
def test_a_forked_command_answers_as_a_fresh_interpreter_does(forking, tmp_path, args):
    env = make_env("http://127.0.0.1:9", tmp_path / "out")
    forked, started = run_regwatch(args, env), fresh(args, env)
    assert (forked.code, forked.stdout, forked.stderr) == (started.returncode, started.stdout, started.stderr)


def test_each_command_reads_its_own_environment_on_import(forking, tmp_path):
    # scraper/settings.py reads REGWATCH_* when imported: the zygote must not have imported it
    env = make_env("http://127.0.0.1:9", tmp_path / "out")
    bad = run_regwatch(["crawl"], {**env, "REGWATCH_RETRIES": "1.5"})
    assert bad.code == 2 and "REGWATCH_RETRIES must be a whole number, not '1.5'" in bad.stderr
    russian = run_regwatch(["check", "Memorial"], {**env, "LANG": "ru_RU.UTF-8"})
    english = run_regwatch(["check", "Memorial"], env)
    assert russian.code == english.code == 2 and russian.output != english.output


def test_the_zygote_imports_libraries_only_never_regwatch_nor_the_reactor():
    code = ("import sys; from regwatch.fakes.zygote import preload; preload(); "
            f"print(sorted(m for m in sys.modules if m.startswith({OWN!r}) or m == {REACTOR!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
    assert "scrapy.crawler" in LIBRARIES and "sqlalchemy" in LIBRARIES


def test_a_command_that_outlives_its_timeout_is_killed(forking, tmp_path):
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        env = make_env(f"http://127.0.0.1:{silent.getsockname()[1]}", tmp_path / "out", REGWATCH_TIMEOUT="60")
        before = {p.pid for p in psutil.Process(forking.process.pid).children()}
        with pytest.raises(subprocess.TimeoutExpired):
            run_regwatch(["crawl"], env, timeout=2)
    left = [p for p in psutil.Process(forking.process.pid).children() if p.pid not in before]
    _, alive = psutil.wait_procs(left, timeout=10)  # killed, then reaped by the zygote
    assert alive == []
