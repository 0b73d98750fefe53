"""The check across registers on the web, and the combined export, on two registers crawled
by the real spider from the local fakes (undesirable organisations: both recorded states,
390 entries; foreign agents of 2026-07-31).

    .venv/bin/python benchmarks/everywhere.py            # 3 rounds of the queries
    .venv/bin/python benchmarks/everywhere.py --rounds 10

Prints a table of figures (none has a goal: issue 16's goals are the other scripts'); it never
asserts and exits 0.
- "check_everywhere": every register's answer to one query, in process (the states built
  once, as a running server holds them), with each register's data age read from the
  database, as every request does.
- "GET /api/check": the same through a real `regwatch serve` on 127.0.0.1, one client.
- "publish_combined": the combined CSV, JSON, schema and data package, then the XLSX,
  rewritten from the database (force); and a call that finds nothing lagging.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import httpx2 as httpx  # noqa: E402
from _common import print_table  # noqa: E402

from pipelines.publish import combined, latest_xlsx  # noqa: E402
from pipelines.publish.sync import Published, publish_combined  # noqa: E402
from pipelines.storage.data_config import DataConfig  # noqa: E402
from pipelines.storage.store import Store  # noqa: E402
from regwatch.fakes.harness import crawl_history, make_env, run_regwatch, serving  # noqa: E402
from regwatch.fakes.minjust import FakeMinjust, State  # noqa: E402
from regwatch.web.app import create_app  # noqa: E402
from regwatch.web.everywhere import check_everywhere  # noqa: E402
from scraper.registers.metadata import load_source  # noqa: E402

FOREIGN_AGENTS = "ru_minjust_foreign_agents"
AGENTS = HERE.parent / "regwatch" / "demo_data" / "minjust_foreign_agents" / "2026-07-31"  # its second state

QUERIES = ("Stichting Bellingcat", "Free Russia Foundation", "Open Society Institute", "Zzyzx Qwerty Trust",
           "Ekaterina Schulmann", "Шульман Екатерина", "Ivan Petrov", "390505077931", "ИНН 3905 0507 7931",
           "Радио Свобода", "Meduza", "Greenpeace")


def _quantile_rows(label: str, samples: list[float], how: str) -> list[tuple]:
    cuts = statistics.quantiles(samples, n=100)
    how = f"{len(samples)} queries; {how}"
    return [(f"{label}: p50", cuts[49] * 1000, None, " ms", how), (f"{label}: p95", cuts[94] * 1000, None, " ms", how)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the queries (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="regwatch-everywhere-") as tmp:
        data_dir = crawl_history(Path(tmp) / "data")
        with FakeMinjust(State.load(AGENTS), registry_id=load_source(FOREIGN_AGENTS).registry_id) as fake:
            done = run_regwatch(["crawl", FOREIGN_AGENTS], make_env(fake.url, data_dir))
        assert done.code == 0, done.output
        config = DataConfig(data_dir, f"sqlite:///{data_dir / 'regwatch.db'}")
        registers = create_app(config).state.registers
        started = time.perf_counter()
        check_everywhere(registers, "ru_minjust_undesirable", "warm-up")  # builds every state
        table: list[tuple] = [("every register's state built (first check)", time.perf_counter() - started,
                               None, " s", "4 registers, 2 of them crawled")]
        inside, through = [], []
        for _ in range(args.rounds):
            for query in QUERIES:
                started = time.perf_counter()
                check_everywhere(registers, "ru_minjust_undesirable", query)
                inside.append(time.perf_counter() - started)
        table += _quantile_rows("check_everywhere, in process", inside, "every register's answer")
        with serving(data_dir) as base, httpx.Client(base_url=base, timeout=30) as client:
            client.get("/api/check", params={"q": "warm-up"})
            for _ in range(args.rounds):
                for query in QUERIES:
                    started = time.perf_counter()
                    client.get("/api/check", params={"q": query}).raise_for_status()
                    through.append(time.perf_counter() - started)
        table += _quantile_rows("GET /api/check, real server", through, "one client")
        store = Store(config.database_url)
        for xlsx in (False, True):
            done, wall, cpu = Published(None), time.perf_counter(), time.process_time()
            publish_combined(store, data_dir, done, force=True)
            if xlsx:  # made from all/latest.json when first asked for
                latest_xlsx.refresh(data_dir, combined.ALL, store.url, force=True)
            table.append((f"publish_combined, {'with the XLSX' if xlsx else 'CSV, JSON, package'}",
                          time.perf_counter() - wall, None, " s", f"forced; {time.process_time() - cpu:.2f} s CPU"))
        started = time.perf_counter()
        publish_combined(store, data_dir, Published(None))
        table.append(("publish_combined, nothing lagging", (time.perf_counter() - started) * 1000, None, " ms", "-"))
        print_table(table)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
