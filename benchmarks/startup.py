"""Start-up figures: a person at a terminal, or a script checking names one by one, pays
for a whole `regwatch` process every time (issue 16's goals: `--help` 0.25 s, `check NAME`
0.4 s, cold process, quiet machine).

    .venv/bin/python benchmarks/startup.py [--runs 15]

Builds the demo's data folder first (`regwatch demo`: both registers crawled by the real
spider from the local fake; not timed), then runs each command `--runs` times as a new
process, as a shell would: the console script `regwatch` beside this Python. Prints the
median and p95 wall-clock time, and the median CPU time (user + system: what other jobs on
the machine do not inflate). `check` answers from the name index the crawls wrote beside the
data; the same check without it (built from the database, as after a crash) for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import print_table  # noqa: E402

from pipelines.publish.name_index import FOLDER  # noqa: E402
from regwatch.demo import run_demo  # noqa: E402

LISTED, NOT_LISTED = "Bellingcat", "Ingénieurs Sans Frontières"


def command() -> list[str]:
    script = Path(sys.executable).parent / "regwatch"
    return [str(script)] if script.exists() else [sys.executable, "-m", "regwatch"]


def timed(args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run of `args` in a new process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*command(), *args], env=env, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return walls, cpus


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="processes per command (default 15)")
    args = parser.parse_args()
    table: list = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "demo"
        with contextlib.redirect_stdout(io.StringIO()):
            if run_demo(data_dir) != 0:
                raise SystemExit("the demo's crawls failed")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
        env.update(REGWATCH_DATA_DIR=str(data_dir), LANG="C.UTF-8")
        cases = [("`regwatch --help`", ["--help"], 0.25),
                 (f"`regwatch check` a listed name ({LISTED})", ["check", LISTED], 0.4),
                 ("`regwatch check` a name not listed", ["check", NOT_LISTED], 0.4)]
        for label, words, goal in cases:
            walls, cpus = timed(words, env, args.runs)
            how = f"{args.runs} cold processes; CPU median {statistics.median(cpus):.3f} s"
            table.append((f"{label}: median", statistics.median(walls), goal, " s", how))
            table.append((f"{label}: p95", p95(walls), None, " s", how))
        shutil.rmtree(data_dir / FOLDER)  # each run builds from the database (it cannot write the index back)
        (data_dir / FOLDER).write_bytes(b"")  # a file where the folder was: the index cannot be written
        walls, cpus = timed(["check", LISTED], env, max(args.runs // 3, 3))
        table.append(("`regwatch check`, no name index (built from the database): median", statistics.median(walls),
                      None, " s", f"CPU median {statistics.median(cpus):.3f} s"))
    print("regwatch start-up benchmarks: cold processes")
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
