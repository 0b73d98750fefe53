"""Every answer of `regwatch check` on a fixed set of queries, as text: to show that a change
to the name index (how it is built, stored, loaded) changes no answer.

    .venv/bin/python tools/check_answers.py > answers.txt
    PYTHONPATH=/path/to/other/checkout .venv/bin/python tools/check_answers.py > theirs.txt
    cmp answers.txt theirs.txt     # also under another PYTHONHASHSEED

The code checked is whichever `pipelines` Python imports (PYTHONPATH picks a checkout); the
inputs come from that checkout too. Queries: the labelled set (tests/data/check_labels.csv)
and the corpus mentions (../shared/data/announcements, when there) on the real register,
with and without its known names; every name of the four real registers (their newer
recorded state) as published and as typed (lower case, no quotes, in Latin letters, a
letter dropped); and the published names of `--synthetic` synthetic entries, some as typed.
Each index is asked twice: as built, then reloaded from its name index file; a record
per answer: status, rule, explanation, and each match (entry, score, part, how, rule).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pipelines

ROOT = Path(pipelines.__file__).resolve().parent.parent  # the checkout whose code is checked
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tools")]

import synthetic  # noqa: E402

from pipelines.announcements.articles import register_checker, register_index  # noqa: E402
from pipelines.matching.keys import transliterate  # noqa: E402
from pipelines.matching.registers import Register  # noqa: E402
from pipelines.publish.name_index import read_index, write_index  # noqa: E402
from pipelines.register.models import Entry  # noqa: E402
from pipelines.register.normalise import Profile, normalise_rows  # noqa: E402
from scraper.parsers.columns import canonical_row, info_columns  # noqa: E402
from scraper.registers.metadata import load_source  # noqa: E402

DEMO = ROOT / "regwatch" / "demo_data"
# register → its newer recorded state
STATES = {"ru_minjust_undesirable": ("minjust_undesirable", "2026-08-14"),
          "ru_minjust_foreign_agents": ("minjust_foreign_agents", "2026-07-31"),
          "ru_minjust_extremist": ("minjust_extremist", "2026-09-19"),
          "ru_fsb_terrorist": ("fsb_terrorist", "2026-09-16")}
MAX_QUERY = 500


def real_entries(source: str) -> list[Entry]:
    folder, day = STATES[source]
    state = DEMO / folder / day
    profile = Profile.of(load_source(source))
    if (state / "terror.htm").is_file():
        from scraper.parsers.fsb_page import parse_page

        rows = parse_page((state / "terror.htm").read_bytes()).rows
    else:
        info = json.loads((state / "info.json").read_text(encoding="utf-8"))
        columns, _ = info_columns(info, load_source(source).columns)
        rows = [canonical_row(row, columns) for row in json.loads((state / "rows.json").read_text(encoding="utf-8"))]
    entries = normalise_rows(rows, profile=profile)[0]
    return [replace(e, entry_id=f"{source}/{e.number}") for e in entries]


def typed(name: str, rng: random.Random) -> list[str]:
    """How people type a published name: lower case, without quotes, in Latin letters, a letter dropped."""
    plain = name.replace("«", "").replace("»", "").replace('"', "")
    found = [name.lower(), plain, transliterate(name.lower())]
    if len(name) > 6:
        cut = rng.randrange(1, len(name) - 1)
        found.append(name[:cut] + name[cut + 1:])
    return found


def published(entry: Entry) -> list[str]:
    return [entry.name, *entry.name_ru, *entry.name_original, *entry.acronyms]


def record(answer) -> str:  # type: ignore[no-untyped-def]  # a RegisterAnswer
    verdict = answer.verdict
    found = [(f.entry.entry_id, f.how) for f in answer.found]
    if verdict is None:
        return json.dumps([answer.word, answer.rule, found], ensure_ascii=False)
    matches = [[c.entry.entry_id, c.entry.number, repr(c.score), c.matched_on, c.part, str(c.how), c.rule,
                c.alias_source] for c in (*verdict.matches, *verdict.ruled_out)]
    return json.dumps([answer.word, answer.rule, found, verdict.query, verdict.listed, verdict.rule,
                       str(verdict.explanation), matches], ensure_ascii=False)


def reloaded(register: Register) -> Register:
    stamp = {"snapshot_id": 1, "snapshot_taken_at": "", "aliases": 0, "code": ""}
    with tempfile.TemporaryDirectory() as tmp:
        write_index(Path(tmp), register, stamp)
        found = read_index(Path(tmp), register.source, stamp)
    assert found is not None, "the name index file did not load"
    return found


def dump(label: str, register: Register, queries: list[str]) -> None:
    """Each query's answer, from the register as built and as reloaded from its file."""
    queries = [q for q in dict.fromkeys(queries) if q.strip() and len(q) <= MAX_QUERY]
    for how, asked in (("built", register), ("reloaded", reloaded(register))):
        print(f"== {label} ({how}): {len(queries)} queries")
        for query in queries:
            print(query, "\t", record(asked.check(query)))


def labelled(entries: list[Entry]) -> list[str]:
    with (ROOT / "tests" / "data" / "check_labels.csv").open(encoding="utf-8") as handle:
        queries = [row["query"] for row in csv.DictReader(handle)]
    import build_known_names as builder

    if builder.CORPUS.is_file():
        from pipelines.announcements import known_names as kn

        queries += [m.query for m in kn.mentions(builder.corpus(), builder.labels(),
                                                 {e.entry_id: e.name for e in entries},
                                                 builder.SOURCE, builder.also_named())]
    return queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic entries (default 10 000)")
    args = parser.parse_args()
    rng = random.Random(5)
    undesirable = real_entries("ru_minjust_undesirable")
    queries = labelled(undesirable)
    dump("labelled, no known names", Register("plain", undesirable, register_index(undesirable, {}, shipped=False)),
         queries)
    dump("labelled, known names", Register("known", undesirable, register_index(undesirable, {})), queries)
    for source in STATES:
        entries = undesirable if source == "ru_minjust_undesirable" else real_entries(source)
        names = [name for entry in entries for name in published(entry)]
        dump(source, register_checker(source, entries, {}),
             names + [query for name in names for query in typed(name, rng)])
    rows = synthetic.synthetic_rows(args.synthetic)
    entries = [replace(e, entry_id=f"synthetic/{e.number}")
               for e in normalise_rows(synthetic.parse_replies(synthetic.replies(rows)).made_rows())[0]]
    names = [e.name for e in entries]
    sample = rng.sample(names, min(len(names), 1000))
    dump(f"synthetic {len(entries)}", register_checker("synthetic", entries, {}),
         names + [query for name in sample for query in typed(name, rng)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
