"""PostgreSQL beside SQLite, in one run (issue 13's figures).

    .venv/bin/python benchmarks/postgres.py            # 100 000 rows, 1 000 polls, 10 s per web level
    .venv/bin/python benchmarks/postgres.py --quick    # 5 000 rows, 100 polls, 3 s per level

Needs the `postgres` extra and Debian's PostgreSQL binaries (a throwaway server is started
with PostgreSQL's durable defaults, fsync on, and deleted at the end) and pytest-postgresql
(the test extra) to start it; without them it says so and exits 0. Prints figures and their
ratio to each goal; it never asserts.

- first crawl: a `regwatch crawl` process against the local fake over HTTP, as
  benchmarks/run.py times it, into a fresh database of each kind;
- unchanged polls: the real 418-row state ingested again and again in process (each
  poll parses its replies, as a crawl does); the database's growth is `pg_database_size`
  after a CHECKPOINT (SQLite: the file and its -wal after a checkpoint);
- the web: `regwatch serve --workers N` on the crawled real register, `/api/check` under
  8 concurrent clients on the same 2 cores (so the figures are a floor).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import run  # noqa: E402  (benchmarks/run.py: the crawl process)
import synthetic  # noqa: E402
import web  # noqa: E402  (benchmarks/web.py: the load generator)
from _common import print_report  # noqa: E402
from sqlalchemy import text  # noqa: E402

from pipelines.storage.store import Store  # noqa: E402
from regwatch.fakes.harness import serving  # noqa: E402

GOALS = {"first": 20.0, "poll": 0.020, "growth": 100.0}


def serve_load(url: str, data_dir: Path, workers: int, seconds: float) -> dict[str, float]:
    """`regwatch serve --workers N` on `data_dir`'s register; `/api/check` under 8 clients."""
    with serving(data_dir, "--workers", str(workers), **({"REGWATCH_DATABASE_URL": url} if url else {})) as base:
        web.load(base, 8, 2)  # warm-up: every worker builds its index on its first requests
        return web.load(base, 8, seconds)


def bench(label: str, url: str, rows: list[dict], poll_count: int, seconds: float, workdir: Path,
          table: list, notes: list) -> None:
    (workdir / "first").mkdir()
    first = run.crawl_states([rows], workdir / "first", url)[0]
    table.append((f"{label}: {len(rows)} rows, first crawl (process)", first["seconds"], GOALS["first"],
                  " s", f"exit {first['code']}"))
    notes.append(f"{label} first crawl: {first['said']}")
    if url:  # the next parts start from an empty database
        store = Store(url)
        with store.engine.begin() as conn:
            conn.execute(text("drop schema public cascade; create schema public"))
        store.close()
    (workdir / "polls").mkdir(parents=True)
    found = run.unchanged_polls(url or f"sqlite:///{workdir / 'polls' / 'regwatch.db'}", workdir / "polls", poll_count)
    assert found.statuses == {"unchanged"}, found.statuses
    table.append((f"{label}: unchanged poll (418 rows)", statistics.median(found.times), GOALS["poll"], " s",
                  f"median of {poll_count}"))
    table.append((f"{label}: database growth per {poll_count} unchanged polls",
                  (found.database[1] - found.database[0]) / run.KB, GOALS["growth"], " KB", "after a checkpoint"))
    # The web reads the polled register (the real 418 rows, in this database).
    for workers in (1, 4):
        r = serve_load(url, workdir / "polls", workers, seconds)
        table.append((f"{label}: web /api/check, {workers} process{'es' if workers > 1 else ''}, 8 clients",
                      r["rps"], None, " req/s", f"p95 {r['p95']:.1f} ms, {r['errors']:.0f} errors"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 000 rows, 100 polls, 3 s per web level")
    args = parser.parse_args()
    n, poll_count, seconds = (5_000, 100, 3.0) if args.quick else (100_000, 1000, 10.0)
    try:
        from regwatch.fakes.postgres import Databases, NoServer, throwaway_server
        server = throwaway_server(durable=True)
        server_url = server.__enter__()
    except (ImportError, NoServer) as exc:
        print(f"benchmarks/postgres.py: no PostgreSQL to measure ({exc}); install the test extra "
              "and Debian's postgresql")
        return 0
    print(f"regwatch on PostgreSQL beside SQLite: {n} synthetic rows, {poll_count} polls, "
          f"{seconds:g} s per web level; CPUs: {os.cpu_count()}")
    started = time.perf_counter()
    table: list = []
    notes: list = []
    rows = synthetic.synthetic_rows(n)
    try:
        databases = Databases(server_url)
        pg_url = databases.url(databases.create())
        store = Store(pg_url)
        with store.engine.connect() as conn:
            notes.append("PostgreSQL " + conn.execute(text("show server_version")).scalar_one()
                         + ", fsync " + conn.execute(text("show fsync")).scalar_one())
        store.close()
        for label, url in (("SQLite", ""), ("PostgreSQL", pg_url)):
            with tempfile.TemporaryDirectory(prefix="regwatch-bench-") as tmp:
                bench(label, url, rows, poll_count, seconds, Path(tmp), table, notes)
        databases.close()
    finally:
        server.__exit__(None, None, None)
    print_report(table, notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
