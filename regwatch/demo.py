"""`regwatch demo`: the real job, offline. Two recorded states of the register are served
by the local fake of the official service and crawled by the real spider, each crawl
in its own process as in production."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from regwatch.fakes.minjust import FakeMinjust, State

DEMO_DATA = Path(__file__).parent / "demo_data" / "minjust_undesirable"
DEMO_STATES = ("2026-07-29", "2026-08-14")


def _crawl(env: dict[str, str]) -> int:
    return subprocess.run([sys.executable, "-m", "regwatch", "crawl"], env=env).returncode


def run_demo(out: Path) -> int:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    first, *later = (State.load(DEMO_DATA / day) for day in DEMO_STATES)
    with FakeMinjust(first) as fake:
        env = {**os.environ, "REGWATCH_MINJUST_URL": fake.url, "REGWATCH_DATA_DIR": str(out),
               "REGWATCH_DOWNLOAD_DELAY": "0"}
        env.pop("REGWATCH_DATABASE_URL", None)
        env.pop("REGWATCH_PROXY", None)
        click.echo(f"demo: the fake official service runs at {fake.url}")
        for day, state in zip(DEMO_STATES, [first, *later]):
            fake.serve(state)
            click.echo(f"\n== crawl of the register as it was on {day} ({len(state.rows)} rows)")
            code = _crawl(env)
            if code != 0:
                click.echo(f"demo: the crawl of {day} failed (exit {code}); see {out / 'regwatch.log'}", err=True)
                return code
    click.echo(f"\n== files written under {out}/")
    for path in sorted(out.rglob("*")):
        if path.is_file() and "raw" not in path.parts and not path.name.startswith("."):
            click.echo(f"  {path.relative_to(out)}  ({path.stat().st_size:,} bytes)")
    command = sys.argv[0] if sys.argv[0].endswith("regwatch") else "regwatch"  # e.g. .venv/bin/regwatch
    click.echo(f"\nTry: REGWATCH_DATA_DIR={out} {command} changes --format csv")
    return 0
