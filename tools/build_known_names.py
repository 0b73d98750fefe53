"""Build a register's known names from the announcements corpus (see
pipelines/announcements/known_names.py), into scraper/registers/<register>.known_names.csv.

    .venv/bin/python tools/build_known_names.py            # the whole corpus
    .venv/bin/python tools/build_known_names.py --half 0   # only the articles of one half

Reads ../shared/data/announcements/articles.jsonl (the corpus), tests/data/announcement_labels.json
(its hand labels) and the register as recorded on 2026-08-14 (regwatch/demo_data, a copy of
../shared/fixtures/minjust_undesirable), normalised as a crawl normalises it. Run it again
when the corpus or the register grows; the file it writes is what ships.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT)]

import synthetic  # noqa: E402

from pipelines.announcements import known_names  # noqa: E402
from pipelines.matching.index import RegisterIndex  # noqa: E402
from pipelines.register.models import Entry  # noqa: E402
from pipelines.register.normalise import normalise_rows  # noqa: E402
from scraper.registers.known_names import COLUMNS, path_for  # noqa: E402

SOURCE = "ru_minjust_undesirable"
CORPUS = ROOT.parent / "shared" / "data" / "announcements" / "articles.jsonl"
LABELS = ROOT / "tests" / "data" / "announcement_labels.json"
LINKS = ROOT / "tests" / "data" / "announcement_links.json"  # the other rows labelled articles name


def register_entries() -> list[Entry]:
    """The register of 2026-08-14, normalised as a crawl does, ids as a crawl gives them."""
    pull = synthetic.parse_replies(synthetic.replies(synthetic.real_rows(synthetic.SECOND_DAY)))
    return [replace(e, entry_id=f"{SOURCE}/{e.number}") for e in normalise_rows(pull.made_rows())[0]]


def corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def labels() -> list[dict]:
    return json.loads(LABELS.read_text(encoding="utf-8"))["items"]


def also_named() -> dict[str, list[int]]:
    return json.loads(LINKS.read_text(encoding="utf-8"))["also_named"]


def rows_for(half: int | None) -> list[known_names.KnownName]:
    articles = [a for a in corpus() if half is None or known_names.half(a["url"]) == half]
    return known_names.build(RegisterIndex(register_entries()), articles, labels(), SOURCE, also_named())


def csv_text(rows: list[known_names.KnownName], half: int | None) -> str:
    out = io.StringIO()
    out.write(f"# Known names of {SOURCE}: names and acronyms the public uses for listed entries\n"
              "# that the register does not print, each with the article it was read in (source_url).\n"
              "# Built by tools/build_known_names.py, not by hand, from the announcements corpus\n"
              "# (../shared/data/announcements/articles.jsonl: public news items, official\n"
              "# announcements and NGO statements; its hand labels in tests/data/announcement_labels.json\n"
              "# and announcement_links.json)\n"
              f"# and the register as published on {synthetic.SECOND_DAY} (regwatch/demo_data).\n"
              + (f"# Only the articles of half {half} (pipelines/announcements/known_names.half).\n"
                 if half is not None else ""))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((k.entry_id, k.name, k.source_url, k.published, k.register_name) for k in rows)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", type=int, choices=(0, 1), help="only the articles of this half")
    parser.add_argument("-o", "--output", type=Path, help="default: beside the register's metadata")
    args = parser.parse_args()
    rows = rows_for(args.half)
    target = args.output or path_for(SOURCE)
    target.write_text(csv_text(rows, args.half), encoding="utf-8")
    print(f"{len(rows)} known names of {len({r.entry_id for r in rows})} entries → {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
