"""Timing and size figures of regwatch against the goals of the register pipeline issue.

    .venv/bin/python benchmarks/run.py                # full sizes (a few minutes on 2 CPUs)
    .venv/bin/python benchmarks/run.py --quick        # smoke run (5 000 rows, 100 polls, ~15 s)
    .venv/bin/python benchmarks/run.py --tracemalloc  # also Python allocations (adds ~10 min)

Prints figures and their ratio to each goal; it never asserts and exits 0. Every crawl
runs the real code in process: the raw /values reply bytes are parsed into a Pull as the
spider does (json.loads, columns by title, `_parse_row`), then `pipelines.crawl.ingest`
normalises, diffs, stores (SQLite in a temporary directory) and writes the exports.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import synthetic  # noqa: E402

from pipelines.crawl import ingest  # noqa: E402
from pipelines.register.diff import baseline, diff  # noqa: E402
from pipelines.register.normalise import normalise_rows  # noqa: E402
from pipelines.storage.store import Store  # noqa: E402
from scraper.registers.metadata import Thresholds  # noqa: E402

SOURCE = synthetic.META.source
SYNTHETIC_THRESHOLDS = Thresholds(min_rows=1)  # defaults otherwise
T0 = datetime(2026, 8, 14, 10, 0, tzinfo=UTC)
MB, KB = 1024 * 1024, 1024


def stamp(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def crawl(store: Store, data_dir: Path, raw: list, now: str, thresholds: Thresholds):
    """One crawl, timed: parse the raw replies, then ingest (normalise, diff, store, export)."""
    start = time.perf_counter()
    pull = synthetic.parse_replies(raw, started_at=now)
    outcome = ingest(pull, store, data_dir, thresholds, now=now)
    return time.perf_counter() - start, outcome


def crawl_sequence(states: list[list], repeats: int, thresholds: Thresholds,
                   keep_first: Path | None = None) -> list[dict]:
    """Crawl `states` in order on a fresh store, `repeats` times. Per step: the times and
    the outcomes. `keep_first`: copy of the data directory after the first crawl (once)."""
    steps = [{"times": [], "outcomes": []} for _ in states]
    for r in range(repeats):
        with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
            data_dir = Path(tmp)
            store = Store(f"sqlite:///{data_dir / 'regwatch.db'}")
            for i, (raw, step) in enumerate(zip(states, steps)):
                seconds, outcome = crawl(store, data_dir, raw, stamp(i * 60), thresholds)
                step["times"].append(seconds)
                step["outcomes"].append(outcome)
                if i == 0 and r == 0 and keep_first is not None:
                    checkpoint(store)
                    shutil.copytree(data_dir, keep_first)
            store.close()
    return steps


def checkpoint(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def summary(outcome) -> str:
    return f"{outcome.status}, {outcome.entries} entries, {outcome.message}"


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def db_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


# --- the figures ------------------------------------------------------------------------

def bench_real(repeats: int, table: list, notes: list) -> None:
    """Goal 1: the real register, 2026-07-29 (baseline), then 2026-08-14, then unchanged."""
    first = synthetic.replies(synthetic.real_rows(synthetic.FIRST_DAY))
    second = synthetic.replies(synthetic.real_rows(synthetic.SECOND_DAY))
    steps = crawl_sequence([first, second, second], repeats, synthetic.META.thresholds)
    labels = ("baseline crawl 07-29", "crawl 08-14 (changed)", "unchanged re-crawl")
    n1, n2 = (len(synthetic.real_rows(d)) for d in (synthetic.FIRST_DAY, synthetic.SECOND_DAY))
    for label, rows, step, goal in zip(labels, (n1, n2, n2), steps, (None, 0.5, None)):
        table.append((f"real {rows} rows: {label}", statistics.median(step["times"]),
                      goal, " s", f"median of {repeats}"))
        notes.append(f"real {label}: {summary(step['outcomes'][-1])}")


def bench_synthetic(n: int, repeats: int, diff_repeats: int, trace: bool, workdir: Path,
                    table: list, notes: list) -> None:
    """Goal 2: n synthetic rows, then a second state with ~1 % of rows changed."""
    rows1 = synthetic.synthetic_rows(n)
    rows2, made = synthetic.changed_state(rows1)
    raw1, raw2 = synthetic.replies(rows1), synthetic.replies(rows2)
    raw_mb = sum(len(r.body) for r in raw2) / MB
    notes.append(f"synthetic second state: {made} (of {n} rows); raw /values replies "
                 f"{raw_mb:.1f} MB in {len(raw2) - 1} pages")

    prepared = workdir / "after-baseline"
    steps = crawl_sequence([raw1, raw2], repeats, SYNTHETIC_THRESHOLDS, keep_first=prepared)
    for label, step, goal in zip(("baseline crawl (full pipeline)", "crawl with ~1 % changed"),
                                 steps, (20.0, 20.0)):
        table.append((f"{n} rows: {label}", statistics.median(step["times"]),
                      goal, " s", f"median of {repeats}"))
        notes.append(f"{n} rows {label}: {summary(step['outcomes'][-1])}")

    # The diff alone, on entries as ingest hands them over: the old state with ids, the new
    # rows normalised with the old entries reused for unchanged rows (normalise_rows' `known`).
    # "cold": every new row parsed afresh, so nothing is matched by identity.
    old = baseline(SOURCE, normalise_rows(synthetic.parse_replies(raw1).rows)[0], stamp(0)).entries
    rows_new = synthetic.parse_replies(raw2).rows
    taken = {e.entry_id for e in old}
    for label, new, goal in (("diff alone (~1 % changed)",
                              normalise_rows(rows_new, known={e.raw: e for e in old})[0], 1.0),
                             ("diff alone, cold (no entry reused)", normalise_rows(rows_new)[0], None)):
        times = []
        for _ in range(diff_repeats):
            start = time.perf_counter()
            result = diff(SOURCE, old, new, stamp(60), gone=[], taken_ids=taken)
            times.append(time.perf_counter() - start)
        kinds = {k: result.count(k) for k in ("added", "modified", "excluded", "removed")}
        table.append((f"{n} rows: {label}", statistics.median(times), goal,
                      " s", f"median of {diff_repeats}"))
    notes.append(f"{n} rows diff: {kinds}, {len(result.changes)} changes")

    # Peak memory, each stage in a fresh child process.
    (workdir / "raw1.pickle").write_bytes(pickle.dumps(raw1))
    (workdir / "raw2.pickle").write_bytes(pickle.dumps(raw2))
    del rows1, rows2, raw1, raw2, old, new, result
    for stage in ("baseline", "changed"):
        rss = child(stage, workdir, trace=False)
        table.append((f"{n} rows: peak RSS growth, {stage} crawl", rss["rss_growth"] / MB, 300.0,
                      " MB", "VmHWM - after imports"))
        if trace:
            traced = child(stage, workdir, trace=True)
            table.append((f"{n} rows: tracemalloc peak, {stage} crawl", traced["traced_peak"] / MB,
                          None, " MB", "Python allocations"))
        notes.append(f"memory child, {stage} crawl: {rss['status']}; peak RSS (VmHWM) after imports "
                     f"{rss['rss_base'] / MB:.0f} MB, at the end {rss['rss_peak'] / MB:.0f} MB "
                     f"(ru_maxrss {rss['ru_maxrss'] / MB:.0f} MB, inherits the parent's peak at "
                     f"fork); crawl {rss['seconds']:.1f} s")


def bench_polls(polls: int, table: list, notes: list) -> None:
    """Goal 3: `polls` polls of unchanged data (the real 2026-08-14 state)."""
    raw = synthetic.replies(synthetic.real_rows(synthetic.SECOND_DAY))
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        data_dir = Path(tmp)
        db = data_dir / "regwatch.db"
        store = Store(f"sqlite:///{db}")
        pull = synthetic.parse_replies(raw, started_at=stamp(0))
        first = ingest(pull, store, data_dir, synthetic.META.thresholds, now=stamp(0))
        checkpoint(store)
        before = db_size(db), dir_size(data_dir / "raw"), dir_size(data_dir)
        times, statuses = [], set()
        for i in range(1, polls + 1):
            start = time.perf_counter()  # each poll parses its replies, as a crawl does
            pull = synthetic.parse_replies(raw, started_at=stamp(i))
            outcome = ingest(pull, store, data_dir, synthetic.META.thresholds, now=stamp(i))
            times.append(time.perf_counter() - start)
            statuses.add(outcome.status)
        checkpoint(store)
        after = db_size(db), dir_size(data_dir / "raw"), dir_size(data_dir)
        counts = store.counts()
        store.close()
    table.append((f"{polls} unchanged polls: database growth", (after[0] - before[0]) / KB,
                  100.0, " KB", "file + -wal, after checkpoint"))
    table.append((f"{polls} unchanged polls: raw archive growth", (after[1] - before[1]) / KB,
                  None, " KB", ""))
    table.append((f"{polls} unchanged polls: whole data dir growth", (after[2] - before[2]) / KB,
                  None, " KB", ""))
    table.append((f"{polls} unchanged polls: time per poll", statistics.median(times),
                  None, " s", f"median; mean {statistics.mean(times) * 1000:.1f} ms"))
    notes.append(f"polls: first {first.status}, then {sorted(statuses)}; database "
                 f"{before[0] / KB:.0f} KB → {after[0] / KB:.0f} KB; rows per table {counts}")


# --- peak memory in a child process -----------------------------------------------------

def child(stage: str, workdir: Path, trace: bool) -> dict:
    args = [sys.executable, __file__, "--child", stage, str(workdir)] + (["--trace"] if trace else [])
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child {stage} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM, which starts afresh at exec. (ru_maxrss is
    the larger of it and the parent's peak at fork, so a child of a big parent reads high.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * KB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KB


def child_main(stage: str, workdir: Path, trace: bool) -> None:
    """Run one crawl (baseline of state 1, or state 2 on top of it) and print its peak memory.
    Growth is measured from after the imports; it includes the raw replies, held by the
    Pull until ingest has archived them, as in a crawl."""
    rss_base = peak_rss()
    if trace:
        tracemalloc.start()
    data_dir = workdir / f"child-{stage}-{'trace' if trace else 'rss'}"
    if stage == "changed":
        shutil.copytree(workdir / "after-baseline", data_dir)
    data_dir.mkdir(exist_ok=True)
    raw = pickle.loads((workdir / ("raw1.pickle" if stage == "baseline" else "raw2.pickle")).read_bytes())
    store = Store(f"sqlite:///{data_dir / 'regwatch.db'}")
    start = time.perf_counter()
    pull = synthetic.parse_replies(raw, started_at=stamp(60))
    del raw  # as in a crawl, the Pull alone holds the replies (ingest lets go of them once archived)
    outcome = ingest(pull, store, data_dir, SYNTHETIC_THRESHOLDS, now=stamp(60))
    taken = time.perf_counter() - start
    store.close()
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    rss_peak = peak_rss()
    ru_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KB
    print(json.dumps(dict(rss_base=rss_base, rss_peak=rss_peak, rss_growth=rss_peak - rss_base,
                          ru_maxrss=ru_maxrss,
                          traced_peak=traced_peak, seconds=taken, status=outcome.status)))


# --- output -----------------------------------------------------------------------------

def fmt(value: float, unit: str) -> str:
    if unit == " s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:.1f}{unit}"


def print_table(table: list) -> None:
    header = ("figure", "measured", "goal", "ratio", "", "how")
    lines = []
    for label, value, goal, unit, how in table:
        if goal is None:
            lines.append((label, fmt(value, unit), "-", "-", "", how))
        else:
            ratio = value / goal
            lines.append((label, fmt(value, unit), fmt(goal, unit), f"{ratio:.2f}",
                          "ok" if ratio <= 1 else "OVER", how))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    for line in [header, tuple("-" * w for w in widths), *lines]:
        print("  ".join(str(cell).ljust(w) if i in (0, 4, 5) else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths))).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a smoke run under 30 s")
    parser.add_argument("--rows", type=int, help="synthetic register size (default 100000, quick 5000)")
    parser.add_argument("--polls", type=int, help="unchanged polls (default 1000, quick 100)")
    parser.add_argument("--repeats", type=int, help="repeats of each timed crawl sequence")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure Python allocations with tracemalloc (adds ~10 min)")
    args = parser.parse_args()
    logging.getLogger("regwatch").setLevel(logging.CRITICAL)  # a crawl's warnings are not figures
    if args.child:
        child_main(args.child[0], Path(args.child[1]), args.trace)
        return 0

    rows = args.rows or (5_000 if args.quick else 100_000)
    polls = args.polls or (100 if args.quick else 1000)
    real_repeats = args.repeats or (3 if args.quick else 5)
    synth_repeats = args.repeats or 1  # ~1 min per 100 000-row crawl
    print(f"regwatch benchmarks{' (quick)' if args.quick else ''}: {rows} synthetic rows, {polls} polls")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on "
          f"{platform.system()} {platform.machine()}; CPUs: {os.cpu_count()} "
          f"(usable: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}); "
          f"SQLite {sqlite3.sqlite_version}")
    started = time.perf_counter()
    table: list = []
    notes: list = []
    bench_real(real_repeats, table, notes)
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        bench_synthetic(rows, synth_repeats, 3 if args.quick else 5, args.tracemalloc, Path(tmp),
                        table, notes)
    bench_polls(polls, table, notes)
    print()
    print_table(table)
    print()
    for note in notes:
        print(f"- {note}")
    print("\nThe 300 MB goal is compared with the peak RSS growth of a child process running one "
          "crawl (parse to exports), from its peak after imports; the raw replies are included "
          "until archived, as in a crawl. tracemalloc (with --tracemalloc) is shown for information."
          f"\nTotal run time {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
