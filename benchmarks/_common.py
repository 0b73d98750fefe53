"""What the benchmark scripts share: the table each prints (figure, measured, goal, ratio),
with the machine's load under it, and the writer that turns the tables they printed into
the README's performance table (`make bench`).

    .venv/bin/python benchmarks/_common.py benchmarks/out/*.txt   # rewrite README.md's table

Each script only prints; `make bench` saves what each printed under benchmarks/out/, then
runs this file on the saved outputs: the README's table between its marker comments is
replaced by every figure they printed, beside its goal, with the date, the commit and the
load the machine was under, so the README's figures are always the last ones measured.
Imports nothing from tests/ (nor does any benchmark): they run after `make install`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HEADER = ("figure", "measured", "goal", "ratio", "", "how")
_LOAD_LINE = "machine:"


def fmt(value: float, unit: str) -> str:
    if unit == " s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:.1f}{unit}"


def machine() -> str:
    """CPUs and the load averages (1, 5 and 15 minutes) now: a figure measured on a busy
    machine is slower than on a quiet one."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    one, five, fifteen = os.getloadavg()
    return f"{usable} CPUs, load average {one:.1f} / {five:.1f} / {fifteen:.1f}"


def print_report(table: list, notes: list[str], started: float) -> None:
    """The table, the notes under it, the machine's load at the end and the run's time."""
    print()
    print_table(table)
    print()
    for note in notes:
        print(f"- {note}")
    print(f"\nMachine load (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total run time {time.perf_counter() - started:.0f} s.")


def print_table(table: list) -> None:
    """(label, value, goal or None, unit, how) rows as an aligned table, then the machine's load."""
    lines = []
    for label, value, goal, unit, how in table:
        if goal is None:
            lines.append((label, fmt(value, unit), "-", "-", "", how))
        else:
            ratio = value / goal
            lines.append((label, fmt(value, unit), fmt(goal, unit), f"{ratio:.2f}",
                          "ok" if ratio <= 1 else "OVER", how))
    # at least one dash per column, so a table with no goal (an empty verdict column) reads back
    widths = [max(1, *(len(str(line[i])) for line in [HEADER, *lines])) for i in range(len(HEADER))]
    for line in [HEADER, tuple("-" * w for w in widths), *lines]:
        print("  ".join(str(cell).ljust(w) if i in (0, 4, 5) else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths))).rstrip())
    print(f"{_LOAD_LINE} {machine()}")


# --- the README's table ------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    script: str
    figure: str
    measured: str
    goal: str
    verdict: str  # "ok", "OVER" or "" (no goal)
    how: str
    load: str


def read_tables(name: str, text: str) -> list[Row]:
    """The rows of every table `print_table` printed in `text` (the columns are cut where
    the dashes under the header are), each with the load printed under its table."""
    rows: list[Row] = []
    lines = text.splitlines()
    for at, line in enumerate(lines):
        if not (line.startswith("figure") and at + 1 < len(lines) and set(lines[at + 1]) <= {"-", " "}
                and lines[at + 1].startswith("-")):
            continue
        spans = [m.span() for m in re.finditer(r"-+", lines[at + 1])]
        table = []
        for row in lines[at + 2:]:
            if not row.strip() or row.startswith(_LOAD_LINE):
                load = row[len(_LOAD_LINE):].strip() if row.startswith(_LOAD_LINE) else ""
                break
            cells = [row[start:(spans[i + 1][0] if i + 1 < len(spans) else None)].strip()
                     for i, (start, _) in enumerate(spans)]
            table.append(cells)
        else:
            load = ""
        rows += [Row(name, c[0], c[1], c[2], c[4], c[5] if len(c) > 5 else "", load) for c in table]
    return rows


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    found = git("rev-parse", "--short", "HEAD") or "unknown"
    return found + (" (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else "")


def markdown(rows: list[Row], when: datetime, revision: str, missing: list[str]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|") or "-"

    scripts = ", ".join(dict.fromkeys(r.script for r in rows)) or "none"
    lines = [f"Written by `benchmarks/_common.py` (the end of `make bench`) on {when:%Y-%m-%d %H:%M} UTC, "
             f"commit {revision}, from what these scripts printed: {scripts}. The load average "
             "(1 / 5 / 15 min) beside each figure is the machine's when its script ended.", "",
             "| figure | measured | goal | | script | machine | how |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {cell(r.figure)} | {cell(r.measured)} | {cell(r.goal)} | {r.verdict or ''} | {r.script} "
              f"| {cell(r.load)} | {cell(r.how)} |" for r in rows]
    if missing:
        lines += ["", f"Printed no table this time: {', '.join(missing)}."]
    return "\n".join(lines)


def replace_section(readme: str, table: str) -> str:
    """`readme` with the text between the markers replaced by `table`; ValueError without them."""
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the README has no {START} … {END} section to write the table in")
    return f"{head}{START}\n{table}\n{END}{tail}"


def write_readme(outputs: list[Path], readme: Path = README, when: datetime | None = None,
                 revision: str | None = None) -> list[Row]:
    rows: list[Row] = []
    missing = []
    for output in outputs:
        found = read_tables(output.stem + ".py", output.read_text(encoding="utf-8", errors="replace"))
        rows += found
        if not found:
            missing.append(output.stem + ".py")
    table = markdown(rows, when or datetime.now(UTC), revision or commit(), missing)
    readme.write_text(replace_section(readme.read_text(encoding="utf-8"), table), encoding="utf-8")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outputs", nargs="+", type=Path, help="what each benchmark script printed (<script>.txt)")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args()
    rows = write_readme(args.outputs, args.readme)
    print(f"{args.readme}: {len(rows)} figures from {len(args.outputs)} outputs; "
          f"{sum(r.verdict == 'OVER' for r in rows)} over their goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
