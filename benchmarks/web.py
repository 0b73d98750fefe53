"""Requests per second of the web check endpoint, `GET /api/check?q=`, against the real
`regwatch serve` process on 127.0.0.1.

    .venv/bin/python benchmarks/web.py                 # 10 s per load level
    .venv/bin/python benchmarks/web.py --quick         # 3 s per level
    .venv/bin/python benchmarks/web.py --seconds 20 --clients 1 8 32

Prints figures; it never asserts and exits 0.
- Data: both recorded states crawled by the real spider from the local fake (390 entries).
- Server: one `regwatch serve` (uvicorn, one process) reading that data directory.
- Load: N client threads, each with its own keep-alive httpx2 connection, cycling through
  a mix of queries: confident matches (exact, folded, transliterated, acronym), near misses
  and names that are not listed, in Latin and Cyrillic.
- The clients run on the same machine, so they take CPU from the server: on 2 cores the
  figures are a floor. "in process" is RegisterIndex.check alone, without HTTP.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import httpx2 as httpx  # noqa: E402
from _common import print_table  # noqa: E402

from pipelines.matching.index import RegisterIndex  # noqa: E402
from pipelines.storage.store import Store  # noqa: E402
from regwatch.fakes.harness import crawl_history, serving  # noqa: E402

SOURCE = "ru_minjust_undesirable"

QUERIES = (
    "Stichting Bellingcat", "bellingcat", "Open Society Foundation", "Fond Otkrytoe obshchestvo",
    "NED", "National Endowment for Democracy", "Open Society Institute", "Freedom House",
    "Радио Свобода", "Human Rights Watch", "Zzyzx Qwerty Trust", "Фонд поддержки демократии",
    "Transparency International", "Greenpeace", "Red Cross", "Amnesty",
)


def _client(base: str, deadline: float, offset: int, latencies: list[float], errors: list[int], path: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        i = offset
        while True:  # each client at least once, however slow the first answer
            started = time.perf_counter()
            params = {"q": QUERIES[i % len(QUERIES)]} if path == "/api/check" else {}
            status = client.get(path, params=params).status_code
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
            i += 1
            if time.perf_counter() >= deadline:
                break


def load(base: str, clients: int, seconds: float, path: str = "/api/check") -> dict[str, float]:
    """`clients` threads asking for `path` for `seconds` (the check API: each a query of
    QUERIES in turn): requests per second and latency percentiles (ms)."""
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client, args=(base, deadline, n, latencies, errors, path))
               for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": cuts[49] * 1000,
            "p95": cuts[94] * 1000, "p99": cuts[98] * 1000, "errors": len(errors)}


def in_process(data_dir: Path, seconds: float) -> float:
    """Checks per second of RegisterIndex.check alone (no HTTP), on the same queries."""
    store = Store(f"sqlite:///{data_dir / 'regwatch.db'}")
    index = RegisterIndex(store.current_entries(SOURCE))
    store.close()
    done, deadline = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        index.check(QUERIES[done % len(QUERIES)])
        done += 1
    return done / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 s per load level")
    parser.add_argument("--seconds", type=float, help="seconds per load level (default 10)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16],
                        help="concurrent clients per level (default 1 4 16)")
    args = parser.parse_args()
    seconds = args.seconds or (3 if args.quick else 10)
    print(f"regwatch web benchmark: {os.cpu_count()} CPUs, {seconds:g} s per level, "
          f"{len(QUERIES)} queries in rotation")
    with tempfile.TemporaryDirectory(prefix="regwatch-web-bench-") as tmp:
        data_dir = crawl_history(Path(tmp) / "data")
        print(f"in process: RegisterIndex.check  {in_process(data_dir, seconds):8.0f} checks/s")
        with serving(data_dir) as base:
            load(base, 4, 1)  # warm-up: the index is built on the first request
            print(f"{'clients':>7}  {'requests':>8}  {'req/s':>7}  {'p50 ms':>7}  {'p95 ms':>7}  "
                  f"{'p99 ms':>7}  errors")
            table = []
            for clients in args.clients:
                r = load(base, clients, seconds)
                print(f"{clients:>7}  {r['requests']:>8.0f}  {r['rps']:>7.0f}  {r['p50']:>7.1f}  "
                      f"{r['p95']:>7.1f}  {r['p99']:>7.1f}  {r['errors']:.0f}")
                table.append((f"`/api/check`, {clients} clients: requests per second", r["rps"], None, " req/s",
                              f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, {r['errors']:.0f} errors"))
            page = load(base, 20, seconds, "/")  # issue 16: the register's page, 20 people at once
            table.append(("`/`, 20 concurrent clients: p95", page["p95"], 100.0, " ms",
                          f"{page['rps']:.0f} req/s, p50 {page['p50']:.1f} ms, {page['errors']:.0f} errors"))
    print()
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
