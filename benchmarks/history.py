"""History figures of regwatch against the goals of the history issue.

    .venv/bin/python benchmarks/history.py            # 100 pages to import, a year to reparse
    .venv/bin/python benchmarks/history.py --quick    # 10 pages, 30 days (a smoke run)

1. Import of 100 archived copies of the old page, 400 rows each (`regwatch import-html` on
   a folder, one child process): goal under 20 s and under 300 MB (issue 16).
2. Reparse of a year of daily snapshots (365 copies imported first, untimed; then
   `regwatch reparse`): goal under 40 s (issue 16).

The copies are made from the real register (2026-08-14, 390 rows, plus 10 made-up rows),
in the old page's markup, one day apart, each with a few names edited so every day is a
new snapshot. Peak memory is the child's maximum resident set size. Prints figures and
ratios; never asserts.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from _common import print_table  # noqa: E402

ROWS = ROOT / "regwatch" / "demo_data" / "minjust_undesirable" / "2026-08-14" / "rows.json"
HEADER = ("<tr><th>№ п/п</th><th>Решение Минюста России о включении организации в перечень</th>"
          "<th>Решение Генеральной прокуратуры Российской Федерации о признании деятельности "
          "организации нежелательной</th><th>Полное и сокращенное (при наличии) наименование "
          "организации</th><th>Решение Минюста России об исключении организации из перечня</th>"
          "<th>Решение Генеральной прокуратуры Российской Федерации об отмене решения</th></tr>")


FIRST_PAGE = date(2025, 1, 1)


def register_rows(count: int = 400) -> list[dict[str, str]]:
    """`count` rows of the register, every date on or before the first page's day (a copy
    never shows a listing after its own date: regwatch refuses that as implausible)."""
    rows = [{"number": str(r["field_1_i"]), "listed_on": _by_first_page(r.get("field_2_s") or ""),
             "order": r.get("field_3_s") or "", "decision": _by_first_page(r.get("field_4_s") or ""),
             "name": r["field_5_s"]} for r in json.loads(ROWS.read_text(encoding="utf-8"))]
    for number in range(len(rows) + 1, count + 1):
        rows.append({"number": str(number), "listed_on": "20.12.2024", "order": f"{number}-р",
                     "decision": "10.12.2024", "name": f"Made-up Foundation {number} («Фонд {number}»), США"})
    return rows[:count]


def _by_first_page(cell: str) -> str:
    """A dd.mm.yyyy date moved back to the eve of the first page when it is later."""
    try:
        day, month, year = (int(part) for part in cell.split("."))
    except ValueError:
        return cell or "20.12.2024"
    latest = FIRST_PAGE - timedelta(days=1)
    return cell if date(year, month, day) <= latest else f"{latest:%d.%m.%Y}"


def page(rows: list[dict[str, str]], day: date, edited: set[int]) -> str:
    lines = []
    for i, row in enumerate(rows):
        name = row["name"] + (f" (ред. {day:%d.%m})" if i in edited else "")
        inclusion = f"№ {row['order']} от {row['listed_on']}" if row["order"] else row["listed_on"]
        lines.append(f"<tr><td>{row['number']}</td><td>{inclusion}</td><td>{row['decision']}</td>"
                     f"<td>{html.escape(name)}</td><td>&nbsp;</td><td>&nbsp;</td></tr>")
    return (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"></head><body><main>'
            f"<p>Обновлено {day:%d.%m.%Y}</p><table><thead>{HEADER}</thead><tbody>"
            + "\n".join(lines) + "</tbody></table></main></body></html>")


def write_pages(folder: Path, days: int, first: date = FIRST_PAGE) -> None:
    """One copy a day; each edits the names of three rows (different rows each day)."""
    folder.mkdir(parents=True)
    rows = register_rows()
    for n in range(days):
        day = first + timedelta(days=n)
        edited = {(n * 3 + k) % len(rows) for k in range(3)}
        (folder / f"{day.isoformat()}.html").write_text(page(rows, day, edited), encoding="utf-8")


def regwatch(data_dir: Path, *args: str) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS in MB of the child, its output and its CPU seconds (the wall
    time of a busy machine is inflated; the CPU time much less)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    env["REGWATCH_DATA_DIR"] = str(data_dir)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "regwatch", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # ru_maxrss: KB, the largest child so far
    if done.returncode != 0:
        raise SystemExit(f"regwatch {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, max(after.ru_maxrss, before.ru_maxrss) / 1024, done.stdout, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 pages and 30 days")
    args = parser.parse_args()
    pages, days = (10, 30) if args.quick else (100, 365)
    print(f"regwatch history benchmarks: {pages} pages to import, {days} daily snapshots to "
          f"reparse; {os.cpu_count()} CPUs, Python {platform.python_version()}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_pages(tmp / "pages", pages)
        seconds, peak, _, cpu = regwatch(tmp / "import", "import-html", str(tmp / "pages"))
        # issue 16's goals, for the full sizes
        rows += [(f"import {pages} pages × 400 rows: time", seconds, 20.0 if pages == 100 else None, " s",
                  f"one child process; CPU {cpu:.1f} s"),
                 (f"import {pages} pages × 400 rows: peak memory", peak, 300.0, " MB", "one child process")]
        write_pages(tmp / "year", days)
        regwatch(tmp / "reparse", "import-html", str(tmp / "year"))  # building the history: untimed
        seconds, _, output, cpu = regwatch(tmp / "reparse", "reparse")
        rows.append((f"reparse {days} daily snapshots × 400 rows: time", seconds, 40.0 if days == 365 else None,
                     " s", f"one child process; CPU {cpu:.1f} s"))
        print(output.strip().splitlines()[-1])
    print_table(rows)
    print("\nPeak memory is the import child's maximum RSS (the interpreter, Scrapy and "
          "SQLite included).")


if __name__ == "__main__":
    main()
