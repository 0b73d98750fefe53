"""Timing and size figures of regwatch against the goals of the register pipeline issue.

    .venv/bin/python benchmarks/run.py                # full sizes (a few minutes on 2 CPUs)
    .venv/bin/python benchmarks/run.py --quick        # smoke run (5 000 rows, 100 polls, ~15 s)

Prints figures and their ratio to each goal (issue 16's table); it never asserts and exits 0.
Every crawl is what a user runs: a `regwatch crawl` process against the local fake of the
official service over HTTP (download delay 0; the fake encodes its pages before the clock
starts, as the real service's work is not on the crawling machine), with a webhook subscriber, timed from the
process's start: to the comparison's end, to its alerts queued (the database commit that
queues them), to every export and feed it writes (REGWATCH_TIMINGS, see
pipelines/publish/sync.pause_point), to its exit; its absolute peak RSS and CPU time (from
wait4, in benchmarks/spawn.py: see there why the crawl is not spawned from here). The XLSX
is no crawl's: it is timed apart, made on its first request (pipelines/publish/latest_xlsx.py).
The diff alone and unchanged polls run in process. Imports nothing from tests/: works after `make install`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import synthetic  # noqa: E402
from _common import print_report  # noqa: E402

from pipelines.crawl import ingest  # noqa: E402
from pipelines.publish import latest_xlsx  # noqa: E402
from pipelines.register.diff import baseline, diff  # noqa: E402
from pipelines.register.normalise import normalise_rows  # noqa: E402
from pipelines.storage.store import Store  # noqa: E402
from regwatch.fakes.minjust import FakeMinjust, State  # noqa: E402
from regwatch.fakes.receivers import WebhookReceiver  # noqa: E402
from scraper.registers.metadata import Thresholds  # noqa: E402

SOURCE = synthetic.META.source
SYNTHETIC_THRESHOLDS = Thresholds(min_rows=1)  # defaults otherwise
T0 = datetime(2026, 8, 14, 10, 0, tzinfo=UTC)
MB, KB = 1024 * 1024, 1024


def stamp(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat(timespec="seconds")


SECRET = "benchmark-secret"
COMBINED = HERE.parents[1] / "shared" / "data" / "minjust_undesirable" / "register_combined.json"


def process_env(fake_url: str, data_dir: Path, config: Path, timings: Path,
                database_url: str = "") -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE left out: an installed regwatch has its bytecode, so every
    # crawl after the first reads it instead of compiling 90 modules (a quarter second)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(LANG="C.UTF-8", REGWATCH_MINJUST_URL=fake_url, REGWATCH_DATA_DIR=str(data_dir),
               REGWATCH_DOWNLOAD_DELAY="0", REGWATCH_CONFIG=str(config), REGWATCH_TIMINGS=str(timings))
    if database_url:  # PostgreSQL (benchmarks/postgres.py); otherwise the data directory's SQLite
        env["REGWATCH_DATABASE_URL"] = database_url
    return env


def crawl_process(fake: FakeMinjust, data_dir: Path, config: Path, database_url: str = "") -> dict:
    """One `regwatch crawl` process: seconds from its start to each point it passed, to its
    exit, its exit status and result line, and its peak RSS."""
    timings = data_dir.with_name(data_dir.name + "-timings.txt")
    timings.unlink(missing_ok=True)
    with tempfile.TemporaryFile() as out:
        # spawned by spawn.py, a small process: spawned from this one, whose rows and replies
        # weigh hundreds of MB, its ru_maxrss would start at this process's peak
        done = subprocess.run([sys.executable, "-I", "-S", str(HERE / "spawn.py"),
                               sys.executable, "-m", "regwatch", "crawl", "-q"], stdout=subprocess.PIPE,
                              stderr=out, env=process_env(fake.url, data_dir, config, timings, database_url),
                              check=True)
        ran = json.loads(done.stdout)
        out.seek(0)
        said = out.read().decode("utf-8", "replace").strip()
    start = ran["started"]
    points, cpu = {}, {}
    if timings.exists():
        for line in timings.read_text().splitlines():
            name, at, used, _peak = line.split()
            points[name], cpu[name] = float(at) - start, float(used)
    return {"seconds": ran["ended"] - start, "points": points, "cpu_points": cpu,
            "code": os.waitstatus_to_exitcode(ran["status"]), "cpu": ran["cpu"],
            "said": said.splitlines()[0] if said else "", "maxrss": ran["maxrss_kib"] * KB}


def subscribed(workdir: Path, receiver: WebhookReceiver) -> Path:
    config = workdir / "regwatch.toml"
    config.write_text(f'[[subscription]]\nname = "bench"\nwebhook = "{receiver.url}"\nsecret = "{SECRET}"\n'
                      "[delivery]\ntimeout_seconds = 5\n", encoding="utf-8")
    return config


def crawl_states(states: list[list[dict]], workdir: Path, database_url: str = "",
                 after: Callable[[Path], object] | None = None) -> list[dict]:
    """Crawl `states` in order into a fresh data directory, each by a `regwatch crawl` process;
    then `after(data_dir)`, if given."""
    found = []
    with WebhookReceiver(SECRET) as receiver, FakeMinjust(State(synthetic.info(), states[0])) as fake:
        config = subscribed(workdir, receiver)
        data_dir = workdir / "data"
        for rows in states:
            state = State(synthetic.info(), rows)
            state.encode_pages(fake.cap)  # the service's own work, done before the clock starts
            fake.serve(state)
            found.append(crawl_process(fake, data_dir, config, database_url))
        time.sleep(0.2)
        found[-1]["webhook_calls"] = len(receiver.calls)
    if after is not None:
        after(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)
    return found


def real_state() -> list[dict]:
    """The register as it stood on 2026-09-24 (418 rows: ../shared/data/minjust_undesirable/
    register_combined.json, built from public copies), in the service's row shape."""
    template = synthetic.real_rows(synthetic.SECOND_DAY)[0]
    rows = []
    for i, row in enumerate(json.loads(COMBINED.read_text(encoding="utf-8"))):
        rows.append({**template, "id": f"00000000-0000-0000-0000-{i:012d}", "field_1_i": row["no"],
                     "field_2_s": row["date_included"], "field_3_s": row["order_included_no"],
                     "field_4_s": row["gp_decision_date"], "field_5_s": row["name"],
                     "field_7_s": row["date_excluded"], "field_8_s": row["order_excluded_no"],
                     "field_10_s": row["status"] or "Включена"})
    return rows


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

def bench_real(repeats: int, workdir: Path, table: list, notes: list) -> None:
    """The real register: its first 400 rows (baseline), then all 418 (18 added), then the
    same again (unchanged), each a `regwatch crawl` process."""
    rows = real_state()
    runs = [crawl_states([rows[:400], rows, rows], workdir) for _ in range(repeats)]
    for i, (label, goal) in enumerate((("first crawl, 400 rows", None), ("crawl with 18 added", None),
                                       ("unchanged crawl", None))):
        table.append((f"real 418 rows, process: {label}", statistics.median(r[i]["seconds"] for r in runs),
                      goal, " s", f"median of {repeats}; start to exit"))
        notes.append(f"real {label}: exit {runs[-1][i]['code']}, {runs[-1][i]['said']}")
    changed = [r[1]["points"] for r in runs]
    table.append(("real 418 rows: compare + store + exports but the XLSX (18 added)",
                  statistics.median(p["published"] - p["comparing"] for p in changed), 0.5, " s",
                  "inside the process, normalise to the files written before delivery"))
    notes.append(f"real crawl with 18 added: webhook calls after the last crawl: {runs[-1][-1]['webhook_calls']}")


def bench_synthetic(n: int, diff_repeats: int, workdir: Path, table: list, notes: list) -> None:
    """Goal 2: n synthetic rows, then a second state with ~1 % of rows changed."""
    rows1 = synthetic.synthetic_rows(n)
    rows2, made = synthetic.changed_state(rows1)
    raw1, raw2 = synthetic.replies(rows1), synthetic.replies(rows2)
    raw_mb = sum(len(r.body) for r in raw2) / MB
    notes.append(f"synthetic second state: {made} (of {n} rows); raw /values replies "
                 f"{raw_mb:.1f} MB in {len(raw2) - 1} pages")

    made: dict[str, float] = {}

    def make_workbook(data_dir: Path) -> None:  # as its first download does, once per snapshot
        wall, cpu = time.perf_counter(), time.process_time()
        latest_xlsx.refresh(data_dir, SOURCE)
        made.update(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)

    first, changed = crawl_states([rows1, rows2], workdir, after=make_workbook)
    figures = (
        ("first crawl, start to exit", first["seconds"], 15.0),
        ("1 % changed, to alerts queued", changed["points"].get("after_commit", float("nan")), 3.0),
        # every file the crawl writes (the XLSX is made when first asked for: below)
        ("1 % changed, to all exports written", changed["points"].get("published", float("nan")), 8.0),
        ("1 % changed, whole comparison step", changed["points"].get("compared", float("nan"))
         - changed["points"].get("comparing", float("nan")), 1.0),
        ("1 % changed, start to exit", changed["seconds"], None),
    )
    for label, value, goal in figures:
        table.append((f"{n} rows, process: {label}", value, goal, " s", "one run"))
    for label, point in (("to alerts queued", "after_commit"), ("to all exports written", "published")):
        table.append((f"{n} rows, process: 1 % changed, {label}, CPU time",
                      changed["cpu_points"].get(point, float("nan")), None, " s",
                      "the process's CPU seconds to that point (a loaded machine inflates the wall)"))
    table.append((f"{n} rows: latest.xlsx made on its first request", made["wall"], None, " s",
                  f"in process, {made['cpu']:.2f} s CPU"))
    for label, run in (("first crawl", first), ("1 % changed", changed)):
        table.append((f"{n} rows, process: peak RSS, {label}", run["maxrss"] / MB, 300.0, " MB",
                      "ru_maxrss of the crawl process"))
        notes.append(f"{n} rows {label}: exit {run['code']}, {run['cpu']:.2f} s CPU, {run['said']}; points "
                     + ", ".join(f"{k} {v:.2f} s ({run['cpu_points'][k]:.2f} s CPU)" for k, v in run["points"].items()))

    # The diff alone, on entries as ingest hands them over: the old state with ids, the new
    # rows normalised with the old entries reused for unchanged rows (normalise_rows' `known`).
    # "cold": every new row parsed afresh, so nothing is matched by identity.
    old = baseline(SOURCE, normalise_rows(synthetic.parse_replies(raw1).made_rows())[0], stamp(0)).entries
    rows_new = synthetic.parse_replies(raw2).made_rows()
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



def database_size(store: Store) -> int:
    """Bytes on disk, after the database flushed what it holds in its log (SQLite: the
    file and its -wal; PostgreSQL: pg_database_size after a CHECKPOINT)."""
    if store.engine.dialect.name == "sqlite":
        checkpoint(store)
        return db_size(Path(store.engine.url.database or ""))
    with store.engine.connect() as conn:
        conn.exec_driver_sql("CHECKPOINT")
        return conn.exec_driver_sql("select pg_database_size(current_database())").scalar_one()


@dataclass
class Polls:
    first: str  # the first ingest's outcome
    statuses: set[str]  # the polls' outcomes
    times: list[float]  # seconds per poll
    database: tuple[int, int]  # bytes before and after the polls
    raw: int  # growth in bytes of the data directory's raw/ archive…
    whole: int  # …and of the whole data directory
    counts: dict[str, int]  # rows per table at the end


def unchanged_polls(url: str, data_dir: Path, count: int) -> Polls:
    """`count` polls of unchanged data (the real 2026-08-14 state, 418 rows) into the
    database at `url`, in process; each poll parses its replies, as a crawl does."""
    raw = synthetic.replies(synthetic.real_rows(synthetic.SECOND_DAY))
    store = Store(url)
    try:
        first = ingest(synthetic.parse_replies(raw, started_at=stamp(0)), store, data_dir,
                       synthetic.META.thresholds, now=stamp(0))
        before = database_size(store), dir_size(data_dir / "raw"), dir_size(data_dir)
        times, statuses = [], set()
        for i in range(1, count + 1):
            start = time.perf_counter()
            pull = synthetic.parse_replies(raw, started_at=stamp(i))
            outcome = ingest(pull, store, data_dir, synthetic.META.thresholds, now=stamp(i))
            times.append(time.perf_counter() - start)
            statuses.add(outcome.status)
        after = database_size(store), dir_size(data_dir / "raw"), dir_size(data_dir)
        return Polls(first.status, statuses, times, (before[0], after[0]), after[1] - before[1],
                     after[2] - before[2], store.counts())
    finally:
        store.close()


def bench_polls(polls: int, table: list, notes: list) -> None:
    """Goal 3: `polls` polls of unchanged data."""
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        found = unchanged_polls(f"sqlite:///{Path(tmp) / 'regwatch.db'}", Path(tmp), polls)
    before, after = found.database
    table.append((f"{polls} unchanged polls: database growth", (after - before) / KB,
                  100.0, " KB", "file + -wal, after checkpoint"))
    table.append((f"{polls} unchanged polls: raw archive growth", found.raw / KB, None, " KB", ""))
    table.append((f"{polls} unchanged polls: whole data dir growth", found.whole / KB, None, " KB", ""))
    table.append((f"{polls} unchanged polls: time per poll", statistics.median(found.times),
                  None, " s", f"median; mean {statistics.mean(found.times) * 1000:.1f} ms"))
    notes.append(f"polls: first {found.first}, then {sorted(found.statuses)}; database "
                 f"{before / KB:.0f} KB → {after / KB:.0f} KB; rows per table {found.counts}")


# --- output -----------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a smoke run under 30 s")
    parser.add_argument("--rows", type=int, help="synthetic register size (default 100000, quick 5000)")
    parser.add_argument("--polls", type=int, help="unchanged polls (default 1000, quick 100)")
    parser.add_argument("--repeats", type=int, help="repeats of each timed crawl sequence")
    args = parser.parse_args()
    logging.getLogger("regwatch").setLevel(logging.CRITICAL)  # a crawl's warnings are not figures
    rows = args.rows or (5_000 if args.quick else 100_000)
    polls = args.polls or (100 if args.quick else 1000)
    real_repeats = args.repeats or (1 if args.quick else 3)
    print(f"regwatch benchmarks{' (quick)' if args.quick else ''}: {rows} synthetic rows, {polls} polls")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on "
          f"{platform.system()} {platform.machine()}; CPUs: {os.cpu_count()} "
          f"(usable: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}); "
          f"SQLite {sqlite3.sqlite_version}")
    started = time.perf_counter()
    table: list = []
    notes: list = []
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        bench_real(real_repeats, Path(tmp), table, notes)
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
        bench_synthetic(rows, 3 if args.quick else 5, Path(tmp), table, notes)
    bench_polls(polls, table, notes)
    print_report(table, notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
