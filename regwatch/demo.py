"""`regwatch demo`: the real job, offline. Two recorded states of two registers (the
undesirable organisations, the foreign agents) are served by one local fake of the
official service and crawled by the real spider, each crawl in its own process as in
production."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from pipelines.publish import latest_xlsx
from pipelines.publish.combined import ALL
from regwatch.fakes.minjust import REGISTRY_ID, FakeMinjust, State

DEMO_DATA = Path(__file__).parent / "demo_data" / "minjust_undesirable"
DEMO_STATES = ("2026-07-29", "2026-08-14")
# (register, registry id, its states' folder, the two states' days), crawled in this order
DEMO_REGISTERS = (
    ("ru_minjust_undesirable", REGISTRY_ID, DEMO_DATA, DEMO_STATES),
    ("ru_minjust_foreign_agents", "39b95df9-9a68-6b6d-e1e3-e6388507067e",
     DEMO_DATA.parent / "minjust_foreign_agents", ("2026-04-30", "2026-07-31")),
)


def _crawl(env: dict[str, str], source: str) -> int:
    return subprocess.run([sys.executable, "-m", "regwatch", "crawl", source], env=env).returncode


def run_demo(out: Path) -> int:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    states = {source: [State.load(folder / day) for day in days] for source, _, folder, days in DEMO_REGISTERS}
    with FakeMinjust(registers={rid: states[source][0] for source, rid, _, _ in DEMO_REGISTERS}) as fake:
        env = {**os.environ, "REGWATCH_MINJUST_URL": fake.url, "REGWATCH_DATA_DIR": str(out),
               "REGWATCH_DOWNLOAD_DELAY": "0"}
        env.pop("REGWATCH_DATABASE_URL", None)
        env.pop("REGWATCH_PROXY", None)
        click.echo(f"demo: the fake official service runs at {fake.url}")
        for step in (0, 1):
            for source, registry_id, _, days in DEMO_REGISTERS:
                state = states[source][step]
                fake.serve(state, registry_id)
                click.echo(f"\n== crawl of {source} as it was on {days[step]} ({len(state.rows)} rows)")
                code = _crawl(env, source)
                if code != 0:
                    click.echo(f"demo: the crawl of {source} on {days[step]} failed (exit {code}); "
                               f"see {out / 'regwatch.log'}", err=True)
                    return code
    for folder in (*(source for source, *_ in DEMO_REGISTERS), ALL):  # the workbooks, as a first download makes them
        latest_xlsx.refresh(out, folder)
    click.echo(f"\n== files written under {out}/")
    for path in sorted(out.rglob("*")):
        if path.is_file() and "raw" not in path.parts and not path.name.startswith("."):
            click.echo(f"  {path.relative_to(out)}  ({path.stat().st_size:,} bytes)")
    command = sys.argv[0] if sys.argv[0].endswith("regwatch") else "regwatch"  # e.g. .venv/bin/regwatch
    click.echo(f"\nTry: REGWATCH_DATA_DIR={out} {command} changes --format csv")
    return 0
