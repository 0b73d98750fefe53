"""benchmarks/spawn.py, which starts each benchmarked crawl: what it reports of the command
it ran, and a peak RSS that is the command's own, not the spawner's."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

SPAWN = Path(__file__).resolve().parents[1] / "benchmarks" / "spawn.py"


def spawned(*command: str) -> tuple[dict, subprocess.CompletedProcess]:
    done = subprocess.run([sys.executable, "-I", "-S", str(SPAWN), *command],
                          capture_output=True, check=True, text=True)
    return json.loads(done.stdout), done


def test_reports_the_commands_status_and_passes_its_output_to_stderr():
    ran, done = spawned(sys.executable, "-c", "import sys; print('said'); sys.exit(3)")
    assert done.returncode == 0
    assert done.stderr == "said\n"
    assert os.waitstatus_to_exitcode(ran["status"]) == 3
    assert ran["started"] <= ran["ended"]
    assert ran["cpu"] >= 0


def test_the_peak_rss_is_the_commands_own_not_its_spawners():
    # this test process (pytest, its plugins, the suite's imports) is tens of MB; a child it
    # spawned directly would report at least that much on Linux (exec keeps the high-water mark)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    small, _ = spawned(sys.executable, "-I", "-S", "-c", "pass")
    grows, _ = spawned(sys.executable, "-I", "-S", "-c", "block = bytearray(64 * 1024 * 1024)")
    assert small["maxrss_kib"] < own
    assert grows["maxrss_kib"] >= small["maxrss_kib"] + 60 * 1024  # the 64 MiB it touched
