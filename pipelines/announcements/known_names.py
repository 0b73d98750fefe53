"""Known names: what the public calls a listed organisation when the register prints
something else, each with the article it was read in. Pure: articles, labels and entries
in, rows out (`tools/build_known_names.py` reads the files and writes the CSV that ships
beside the register's metadata; `scraper.registers.known_names` reads it back).

A name is taken from a designation event the extractor finds in an article (its name, its
acronym, its name in the other script, and the nominative of a Russian one), for the entry
that event names: the entry the status check's linking gives it (`linking.match`), or the
one the article's hand labels give it (`_labelled`: a label's pattern matches the name and
one published name among the article's rows). A name is kept only when the check does not already find the entry
by it (the register prints it, in some spelling) and finds no other entry by it.

The corpus is also an evaluation set (`mentions`): every name an event gives a labelled
organisation, with the entry the labels say it is. So that the known names are not what
makes that evaluation pass, articles fall in two halves by a hash of their URL (`half`):
names built from one half are scored on the other (tests/test_known_names.py, the README).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from pipelines.announcements.events import extract_events
from pipelines.announcements.linking import LINKED_KINDS, match, nominative_guess
from pipelines.matching.index import QueryError, RegisterIndex
from pipelines.matching.keys import fold


@dataclass(frozen=True)
class KnownName:
    entry_id: str
    name: str  # as the article writes it (a Russian one in the nominative)
    source_url: str  # the article it was read in
    published: str  # the article's date, ISO ("" when unknown)
    register_name: str  # the entry's name as the register prints it, for a reviewer


@dataclass(frozen=True)
class Mention:
    """A name an article gives a labelled organisation, and the entry it is."""

    query: str
    entry_id: str
    url: str


def half(url: str) -> int:
    """0 or 1, fixed per article: a hash of its URL."""
    return hashlib.sha256(url.encode("utf-8")).digest()[0] % 2


def _event_names(event: Any) -> list[str]:
    names = [n for n in (event.organisation, event.acronym, event.other_name) if n]
    return list(dict.fromkeys(n for name in names for n in (name, nominative_guess(name)) if n))


def _events(article: Mapping[str, Any]) -> list[Any]:
    return [e for e in extract_events(article["text"], article.get("published"), article.get("lang"))
            if e.kind in LINKED_KINDS]


def _finds(index: RegisterIndex, name: str) -> set[str]:
    """The entries the check lists for `name` (ties included); nothing for a bad query."""
    try:
        verdict = index.check(name)
    except QueryError:
        return set()
    if not verdict.listed:
        return set()
    return {c.entry.entry_id for c in verdict.matches if c.score == verdict.matches[0].score}


def _a_form_of(index: RegisterIndex, name: str, acronyms: Sequence[str]) -> bool:
    """A printed name in another case («Медузу»: the check finds «Медуза») or a printed
    acronym mistyped («DAFON» for «DAFOH»): not a name of its own."""
    nominative = nominative_guess(name)
    if nominative and _finds(index, nominative):
        return True
    return " " not in name and any(fuzz.ratio(name.casefold(), a.casefold()) >= 80 for a in acronyms)


def build(index: RegisterIndex, articles: Iterable[Mapping[str, Any]], labels: Iterable[Mapping[str, Any]],
          source: str, also_named: Mapping[str, Sequence[int]] | None = None) -> list[KnownName]:
    """The known names the articles give the index's entries, first source first. `labels`,
    `also_named`: the corpus's hand labels, as `mentions` reads them."""
    by_id = {entry.entry_id: entry for entry in index.entries}
    register_names = {entry.entry_id: entry.name for entry in index.entries}
    labelled = {label["url"]: label for label in labels}
    also = also_named or {}
    found: dict[tuple[str, str], KnownName] = {}
    for article in sorted(articles, key=lambda a: (a.get("published") or "", a["url"])):
        label = labelled.get(article["url"], {})
        rows = [f"{source}/{row}" for row in (*label.get("register_rows", ()), *also.get(article["url"], ()))]
        patterns = {e["organisation_pattern"] for e in label.get("events", ())}
        events = _events(article)
        one = len({event.organisation for event in events}) == 1
        for event in events:
            names = _event_names(event)
            linked = match(index, names, event.kind, article.get("published") or "")
            entry_id = linked[0].entry_id if linked else _labelled(names, patterns, rows, register_names, one)
            if entry_id not in by_id:
                continue
            for name in names:
                key = (entry_id, fold(name))
                if key in found or len(fold(name)) < 2 or _finds(index, name) or _a_form_of(
                        index, name, by_id[entry_id].acronyms):
                    continue  # known already, or the register prints it, or it names another entry
                found[key] = KnownName(entry_id, name, article["url"], article.get("published") or "",
                                       by_id[entry_id].name)
    return sorted(found.values(), key=lambda k: (int(k.entry_id.rpartition("/")[2] or 0), k.name))


def mentions(articles: Iterable[Mapping[str, Any]], labels: Iterable[Mapping[str, Any]],
             register_names: Mapping[str, str], source: str,
             also_named: Mapping[str, Sequence[int]] | None = None) -> list[Mention]:
    """Every name an article's events give an organisation its labels name, with that entry:
    the row whose published name a label's pattern matches, among the article's labelled
    rows (the only one, when there is one and the pattern matches the name). Written by the
    articles' authors and labelled by hand, not by the check: an evaluation set.
    `register_names`: entry_id → the published name; `also_named`: article URL → the other
    rows it names (tests/data/announcement_links.json)."""
    by_url = {article["url"]: article for article in articles}
    also = also_named or {}
    found: dict[tuple[str, str], Mention] = {}
    for label in labels:
        rows = [f"{source}/{row}" for row in (*label.get("register_rows", ()), *also.get(label["url"], ()))]
        article = by_url.get(label["url"])
        if not rows or article is None:
            continue
        patterns = {e["organisation_pattern"] for e in label["events"]}
        events = _events(article)
        one = len({event.organisation for event in events}) == 1
        for event in events:
            names = [n for n in (event.organisation, event.acronym, event.other_name) if n]
            entry_id = _labelled(names, patterns, rows, register_names, one)
            for name in names if entry_id else ():
                found.setdefault((fold(name), entry_id), Mention(name, entry_id, article["url"]))
    return list(found.values())


def _labelled(names: Sequence[str], patterns: Iterable[str], rows: Sequence[str],
              register_names: Mapping[str, str], one_organisation: bool = False) -> str:
    """The entry a label's pattern gives one of the names: the only entry of the register
    whose published name it matches, if that is one of the article's rows; or, in an article
    about one organisation, its only row when the pattern matches no published name (it is
    in another language)."""
    for pattern in patterns:
        if not any(re.search(pattern, name, re.IGNORECASE) for name in names):
            continue
        everywhere = [row for row, text in register_names.items() if re.search(pattern, text, re.IGNORECASE)]
        if len(everywhere) == 1 and everywhere[0] in rows:
            return everywhere[0]
        if not everywhere and len(rows) == 1 and one_organisation:
            return rows[0]
    return ""


def scored(mentions: Iterable[Mention], index_for: Callable[[Mention], RegisterIndex]) -> tuple[int, int]:
    """(right "listed", wrong "listed") of the check on the mentions, each with the index
    `index_for` gives it: right when the labelled entry is among the best-scored."""
    right = wrong = 0
    for mention in mentions:
        found = _finds(index_for(mention), mention.query)
        right += mention.entry_id in found
        wrong += bool(found) and mention.entry_id not in found
    return right, wrong
