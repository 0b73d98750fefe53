"""The labelled announcements and how the extractor and the linking are scored against
them, by the tests and by the benchmarks alike: the shared corpus of real articles
(../shared/data/announcements/articles.jsonl, with its labels.json), the labels kept here
(tests/data/announcement_labels.json, announcement_links.json)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.announcements import articles
from pipelines.announcements.events import Event, event_record, extract_events

if TYPE_CHECKING:
    from pipelines.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "data" / "announcements" / "articles.jsonl"
LINK_LABELS = ROOT / "tests" / "data" / "announcement_links.json"
LABELS = ROOT / "tests" / "data" / "announcement_labels.json"
DESIGNATIONS = ("designated", "included", "excluded")


def corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def labelled_documents(held_out: bool = False) -> list[tuple[dict, dict]]:
    """(article, label) per labelled item; a label with a paragraph narrows the article's text.
    The items held out (origin "held_out", never used to write the rules) only with `held_out`."""
    texts = corpus()
    documents = []
    for label in json.loads(LABELS.read_text(encoding="utf-8"))["items"]:
        if (label["origin"] == "held_out") != held_out:
            continue
        article = dict(texts[label["line"]])
        assert article["url"] == label["url"], f"corpus line {label['line']} moved: {label['url']}"
        if "paragraph" in label:
            article["text"] = [p for p in article["text"].split("\n") if p.strip()][label["paragraph"]]
        documents.append((article, label))
    return documents


def _matches(event: Event, expected: dict) -> bool:
    if event.kind != expected["kind"]:
        return False
    names = [event.organisation, event.acronym or ""]
    return any(re.search(expected["organisation_pattern"], name, re.IGNORECASE) for name in names if name)


def score(documents: list[tuple[dict, dict]]) -> dict:
    """Precision and recall on (article, organisation matched loosely, kind), designations
    only; dates are scored on the matched pairs (the act's own date or the announcement day)."""
    predicted = correct = expected_total = found = dated = dated_right = 0
    misses, false = [], []
    for article, label in documents:
        events = [e for e in extract_events(article["text"], article["published"], article["lang"])
                  if e.kind in DESIGNATIONS]
        predicted += len(events)
        good = [e for e in events if any(_matches(e, x) for x in label["events"])]
        correct += len(good)
        false += [(label["line"], e.kind, e.organisation) for e in events if e not in good]
        for expected in label["events"]:
            expected_total += 1
            hit = next((e for e in events if _matches(e, expected)), None)
            if hit is None:
                misses.append((label["line"], expected["kind"], expected["organisation_pattern"]))
                continue
            found += 1
            wanted = {expected["date"], expected["announced_on"]} - {None}
            if wanted:
                dated += 1
                got = hit.decision_date if hit.kind == "designated" else hit.register_date
                dated_right += got in wanted
    return dict(precision=correct / predicted if predicted else 1.0,
                recall=found / expected_total if expected_total else 1.0,
                date_accuracy=dated_right / dated if dated else 1.0,
                predicted=predicted, expected=expected_total, documents=len(documents),
                misses=misses, false_positives=false)


def store_corpus(store: Store) -> int:
    """Every corpus article, stored as a spider stores it, with the events found in it."""
    stored = 0
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        text, published = article["text"], article.get("published") or ""
        article_id = articles.add_article(store.engine, articles.Article(
            article["url"], "corpus", article["url"], published, article["lang"], text,
            hashlib.sha256(text.encode()).hexdigest(), "2026-11-26T00:00:00+00:00"))
        if article_id is not None:
            stored += 1
            articles.add_events(store.engine, article_id, [
                event_record(e) for e in extract_events(text, published or None, article["lang"])])
    return stored


def link_score(events: list[dict], numbers: dict[str, int]) -> dict:
    """Links on the hand-labelled articles against their rows (labels.json's register_rows
    and announcement_links.json's also_named): right and wrong links, rows found and missed
    among those the register (`numbers`: entry_id → number) shows."""
    labels = json.loads((CORPUS.parent / "labels.json").read_text(encoding="utf-8"))
    also = json.loads(LINK_LABELS.read_text(encoding="utf-8"))["also_named"]
    right_rows = {url: set(label["register_rows"]) | set(also.get(url, ())) for url, label in labels.items()}
    linked = [e for e in events if e["status"] == articles.CONFIRMED and e["url"] in labels]
    wrong = [e for e in linked if numbers[e["entry_id"]] not in right_rows[e["url"]]]
    present = set(numbers.values())
    expected = {(url, row) for url, label in labels.items() for row in label["register_rows"] if row in present}
    found = {(e["url"], numbers[e["entry_id"]]) for e in linked} & expected
    return {"links": len(linked), "wrong": wrong, "expected": len(expected), "found": len(found),
            "missed": sorted(expected - found),
            "precision": 1 - len(wrong) / max(len(linked), 1), "recall": len(found) / max(len(expected), 1)}
