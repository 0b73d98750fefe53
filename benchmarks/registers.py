"""The four registers together, against the goals of issue 12.

    .venv/bin/python benchmarks/registers.py            # two passes of the four crawls, 3 rounds of checks
    .venv/bin/python benchmarks/registers.py --quick    # one round of checks

Prints figures and their ratio to each goal; it never asserts and exits 0. Imports nothing
from tests/: the recorded states come from regwatch.demo_data, the services from regwatch.fakes.

1. Crawl + pipeline: one process (Scrapy's, as `regwatch crawl` runs it) crawls all four
   registers at once through their real spiders from the local fakes on 127.0.0.1 (the
   ministry's JSON service for three, the FSB's page for one), into a fresh SQLite data
   directory: first their older recorded states (four baselines), then, in a second
   process, their newer ones (the real additions, exclusions and edits). Pipeline time is
   the time spent in `pipelines.crawl.ingest` (validate, normalise, diff, store, every
   export and feed, XLSX included), measured by time.perf_counter around each call; the
   goal is under 2 s for the four registers of one pass.
2. `regwatch check` across all four registers: the registers loaded from that database as
   the command loads them (`load_registers`), then every query answered by all four, one
   at a time, timed per name (wall clock and CPU: `check.latencies`); the fold and
   transliteration caches are emptied before each round, so no answer comes from a cache an earlier round filled. The
   queries: a few hundred real names from the recorded states (organisations as published
   and by their original-language names, persons as published, given name first without
   the patronymic and in Latin letters, INNs) and as many names no register holds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import print_table  # noqa: E402
from check import latencies, percentile  # noqa: E402

from pipelines.matching.keys import transliterate  # noqa: E402
from pipelines.register.models import PERSON, Entry  # noqa: E402
from pipelines.storage.store import Store  # noqa: E402
from regwatch.fakes.fsb import FakeFsb  # noqa: E402
from regwatch.fakes.minjust import FakeMinjust, State  # noqa: E402
from scraper.registers.metadata import all_sources, load_source  # noqa: E402

DEMO = HERE.parent / "regwatch" / "demo_data"
FSB = "ru_fsb_terrorist"
# register → (its recorded states' folder, the older and the newer state)
STATES = {
    "ru_minjust_undesirable": (DEMO / "minjust_undesirable", ("2026-07-29", "2026-08-14")),
    "ru_minjust_foreign_agents": (DEMO / "minjust_foreign_agents", ("2026-04-30", "2026-07-31")),
    "ru_minjust_extremist": (DEMO / "minjust_extremist", ("2026-06-30", "2026-09-19")),
    FSB: (DEMO / "fsb_terrorist", ("2024-12-31", "2026-09-16")),
}
PIPELINE_GOAL_S, CHECK_P95_GOAL_MS = 2.0, 5.0
# Longer published names (the extremist list's rows naming every member) are not typed:
# `check` refuses a query over 500 characters.
MAX_QUERY = 300


# --- 1. crawl + pipeline --------------------------------------------------------------------

def child() -> None:
    """In the crawl process: every register's spider in one Scrapy run, each pull's ingest
    timed; prints {source: [seconds, CPU seconds, outcome]} as JSON."""
    import pipelines.item_pipelines as item_pipelines
    from regwatch.runner import crawler_process

    timed: dict[str, list] = {}
    ingest = item_pipelines.ingest

    def timed_ingest(pull, *args, **kwargs):  # type: ignore[no-untyped-def]
        start, cpu = time.perf_counter(), time.process_time()
        outcome = ingest(pull, *args, **kwargs)
        timed[pull.source] = [time.perf_counter() - start, time.process_time() - cpu,
                              f"{outcome.status}: {outcome.message}"]
        return outcome

    item_pipelines.ingest = timed_ingest
    process = crawler_process(None, {"LOG_LEVEL": "ERROR"})
    for meta in all_sources():
        process.crawl(meta.spider)
    process.start()
    print(json.dumps(timed))


def crawl_pass(env: dict[str, str]) -> tuple[dict[str, list], float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - start


def fsb_page(day: str) -> bytes:
    return (STATES[FSB][0] / day / "terror.htm").read_bytes()


def json_state(source: str, step: int) -> State:
    folder, days = STATES[source]
    return State.load(folder / days[step])


def crawl_both(data_dir: Path) -> list[tuple[dict[str, list], float]]:
    json_sources = [s for s in STATES if s != FSB]
    ids = {s: load_source(s).registry_id for s in json_sources}
    passes = []
    with FakeMinjust(registers={ids[s]: json_state(s, 0) for s in json_sources}) as minjust, \
            FakeFsb(fsb_page(STATES[FSB][1][0])) as fsb:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
        env.update(LANG="C.UTF-8", REGWATCH_MINJUST_URL=minjust.url, REGWATCH_FSB_URL=fsb.url,
                   REGWATCH_DATA_DIR=str(data_dir), REGWATCH_DOWNLOAD_DELAY="0")
        for step in (0, 1):
            for source in json_sources:
                minjust.serve(json_state(source, step), ids[source])
            fsb.serve(fsb_page(STATES[FSB][1][step]))
            passes.append(crawl_pass(env))
    return passes


# --- 2. check across all four --------------------------------------------------------------

def queries(entries: dict[str, list[Entry]], rng: random.Random) -> tuple[list[str], int]:
    """Real names (a sample of each register, in the forms people type) and misses; the
    number of real ones."""
    real: list[str] = []
    for found in entries.values():
        for entry in rng.sample(found, min(40, len(found))):
            if len(entry.name) <= MAX_QUERY:
                real.append(entry.name)
            if entry.entity_type == PERSON and entry.given_name:
                real.append(f"{entry.given_name} {entry.surname}")
                real.append(transliterate(f"{entry.given_name} {entry.surname}").title())
            elif entry.name_original:
                real.append(entry.name_original[0])
            real += [value for kind, value in entry.identifiers if kind == "inn"][:1]
    words = [w for found in entries.values() for e in rng.sample(found, min(30, len(found)))
             for w in e.name.split() if len(w) > 3 and w.isalpha()]
    misses = [" ".join(rng.sample(words, 3)) for _ in range(len(real) // 2)]
    misses += [f"{rng.choice(['Fund', 'Centre', 'Institute'])} for {rng.choice(words)} {i}"
               for i in range(len(real) // 4)]
    misses += [f"{rng.choice(words)} {rng.choice(words)}ov Ivan" for _ in range(len(real) // 4)]
    return real + misses, len(real)


def check_times(data_dir: Path, rounds: int) -> tuple[list[float], list[float], int, int, float]:
    """Per query: wall and CPU seconds of one check across the four registers."""
    from pipelines.storage.data_config import DataConfig
    from regwatch.cli.checking import load_registers

    url = f"sqlite:///{data_dir / 'regwatch.db'}"
    start = time.perf_counter()
    registers = load_registers(DataConfig(data_dir, url), list(STATES))
    loaded = time.perf_counter() - start
    store = Store(url)
    entries = {source: store.current_entries(source) for source in registers.checkers}
    store.close()
    asked, real = queries(entries, random.Random(12))
    walls, cpus = latencies(registers, asked, rounds)  # any object with .check(query) will do
    return walls, cpus, len(asked), real, loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round of checks instead of three")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child()
        return 0
    print(f"regwatch benchmarks/registers.py — {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    table: list[tuple] = []
    with tempfile.TemporaryDirectory() as workdir:
        data_dir = Path(workdir) / "data"
        for step, (timed, wall) in enumerate(crawl_both(data_dir)):
            label = ("older states (four baselines)", "newer states (the real changes)")[step]
            for source, (seconds, cpu, said) in timed.items():
                table.append((f"{label}: {source} ingest", seconds * 1000, None, " ms",
                              f"CPU {cpu * 1000:.0f} ms; {said[:50]}"))
            total = sum(t[0] for t in timed.values())
            table.append((f"{label}: ingest, four registers", total, PIPELINE_GOAL_S, " s",
                          f"CPU {sum(t[1] for t in timed.values()):.2f} s; {len(timed)} pulls"))
            table.append((f"{label}: the whole crawl process", wall, None, " s",
                          "start-up, four spiders over HTTP, ingest, exit"))
        walls, cpus, asked, real, loaded = check_times(data_dir, 1 if options.quick else 3)
    how = f"{asked} names ({real} real, {asked - real} misses) x {len(walls) // asked} rounds"
    table.append(("check: load the four registers", loaded * 1000, None, " ms", "as `regwatch check` does"))
    table.append(("check, four registers: p50", percentile(walls, 0.5) * 1000, None, " ms", how))
    table.append(("check, four registers: p95", percentile(walls, 0.95) * 1000, CHECK_P95_GOAL_MS, " ms", how))
    table.append(("check, four registers: p95, CPU time", percentile(cpus, 0.95) * 1000, CHECK_P95_GOAL_MS,
                  " ms", how))
    # the times are in query order, round after round: real names first in each round
    real_cpu = [t for i, t in enumerate(cpus) if i % asked < real]
    miss_cpu = [t for i, t in enumerate(cpus) if i % asked >= real]
    table.append(("  of which real names: p95, CPU time", percentile(real_cpu, 0.95) * 1000, CHECK_P95_GOAL_MS,
                  " ms", f"{real} names as published and as typed, INNs"))
    table.append(("  of which misses: p95, CPU time", percentile(miss_cpu, 0.95) * 1000, CHECK_P95_GOAL_MS,
                  " ms", f"{asked - real} names no register holds"))
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
