"""Announcements linked to the register: how many of the corpus's designation events the
linking ties to an entry, whether it is the right one, the lag it measures, and its speed.

    .venv/bin/python benchmarks/announcements.py

1. The register: `regwatch demo`'s two recorded states (the last one, 2026-08-14, 390
   rows) in a temporary data directory, through the real job.
2. Every article of the shared corpus (../shared/data/announcements/articles.jsonl, 138
   excerpts) stored as an announcement spider stores it, with the events the extractor
   finds; then `link_pending` (the status check's matcher, then the aliases it learns).
3. Against the corpus's hand labels (../shared/data/announcements/labels.json's
   `register_rows`, the rows each labelled article is about, plus the other designated
   organisations it names, checked by hand: tests/data/announcement_links.json): a link is
   right when its entry's number is among its article's rows (precision); a labelled row
   present in the register is found when some event of its article links to it (recall).
   Scored as tests/test_announcements.py scores it.
4. The lag from each announcement to the inclusion order, for the articles published before
   the register listed the organisation (the early warning's head start).

Prints figures and ratios; never asserts.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import print_table  # noqa: E402

from pipelines.announcements import articles  # noqa: E402
from pipelines.announcements.confirm import link_pending  # noqa: E402
from pipelines.storage.data_config import DataConfig  # noqa: E402
from pipelines.storage.store import Store  # noqa: E402
from regwatch.demo import run_demo  # noqa: E402
from regwatch.fakes.labelled import link_score, store_corpus  # noqa: E402

SOURCE = "ru_minjust_undesirable"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo"
        with contextlib.redirect_stdout(io.StringIO()):  # the demo's own report
            run_demo(out)
        store = Store(DataConfig(out, f"sqlite:///{out / 'regwatch.db'}").database_url)
        numbers = {e.entry_id: e.number for e in store.current_entries(SOURCE)}
        stored = store_corpus(store)
        start = time.perf_counter()
        link_pending(store, SOURCE, "2026-11-26T00:00:00+00:00")
        seconds = time.perf_counter() - start
        events = articles.events(store.engine)
        store.close()

    designations = [e for e in events if e["kind"] in ("designated", "included", "excluded")]
    linked = [e for e in designations if e["status"] == articles.CONFIRMED]
    score = link_score(events, numbers)
    ahead = [e["lag_days"] for e in linked if e["lag_days"] is not None and e["lag_days"] > 0]
    pending = sorted({e["organisation"] for e in designations if e["status"] == articles.PENDING})

    print(f"corpus: {stored} articles, {len(designations)} designation events; register: {len(numbers)} rows")
    print(f"linked: {len(linked)} events ({len(linked) / max(len(designations), 1):.0%}) in {seconds:.2f} s "
          f"({len(designations) / seconds:.0f} events/s)")
    print(f"labelled articles: {score['links']} links, {len(score['wrong'])} wrong; "
          f"{score['found']}/{score['expected']} labelled rows in the register found")
    for e in score["wrong"]:
        print(f"  wrong: {e['organisation']!r} → {e['entry_id']} in {e['url']}")
    for url, row in score["missed"]:
        print(f"  missed: №{row} in {url}")
    if ahead:
        print(f"announced before the register: {len(ahead)} events, lag median {statistics.median(ahead):.0f} "
              f"days, range {min(ahead)}–{max(ahead)} days")
    print(f"still pending ({len(pending)}): " + "; ".join(pending))
    print_table([
        ("wrong links on labelled articles (1 - precision)", 100 * (1 - score["precision"]), 5.0, " %",
         f"{len(score['wrong'])} of {score['links']}"),
        ("labelled rows in the register not found (1 - recall)", 100 * (1 - score["recall"]), None, " %",
         f"{score['expected'] - score['found']} of {score['expected']}"),
        ("linking every event of the corpus", seconds, 5.0, " s", "link_pending, all passes"),
    ])


if __name__ == "__main__":
    main()
