"""Announcements: the articles the announcement spiders bring back, the designation
events found in them, and their link to register entries.

An event is `pending` while the register shows no entry for it (the early warning),
`confirmed` once an entry matches (with the lag from the announcement to the register's
inclusion date), or `not_designation` for a prosecution of people. Names and acronyms
from announcements become aliases of the entry they confirm, each with its source URL.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from pipelines.matching.index import RegisterIndex
from pipelines.matching.registers import Register
from pipelines.register.models import PERSON, Entry
from pipelines.storage.schema import aliases, announcement_events, articles
from scraper.items import Article
from scraper.registers.known_names import known_names

PENDING, CONFIRMED, NOT_DESIGNATION = "pending", "confirmed", "not_designation"



def known_urls(engine: Engine, source: str) -> set[str]:
    """Article URLs of a source already stored: a spider fetches only new ones."""
    with engine.connect() as conn:
        return set(conn.scalars(select(articles.c.url).where(articles.c.source == source)))


def add_article(engine: Engine, article: Article) -> int | None:
    """Store a new article; None when its URL is stored already (nothing is replaced)."""
    with engine.begin() as conn:
        if conn.execute(select(articles.c.id).where(articles.c.url == article.url)).first():
            return None
        key = conn.execute(insert(articles).values(**asdict(article))).inserted_primary_key
        assert key is not None  # a single-row INSERT always has one
        return key[0]


def add_events(engine: Engine, article_id: int, records: list[dict[str, Any]]) -> None:
    """The events found in an article (pipelines.announcements.events.event_record shape), unlinked."""
    if not records:
        return
    rows = [{"article_id": article_id, "organisation": r["organisation"],
             "acronym": r.get("acronym") or "", "other_name": r.get("other_name") or "",
             "country": r.get("country") or "",
             "kind": r["kind"], "decision_date": r.get("decision_date") or "",
             "register_date": r.get("register_date") or "", "authority": r.get("authority") or "",
             "date_basis": r.get("date_basis"),
             "sentence": r["sentence"],
             "status": NOT_DESIGNATION if r["kind"] == "prosecution" else PENDING} for r in records]
    with engine.begin() as conn:
        conn.execute(insert(announcement_events), rows)


def events(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    """Events with their article's URL, title and date, oldest announcement first."""
    query = (select(announcement_events, articles.c.url, articles.c.title, articles.c.published_on,
                    articles.c.source, articles.c.fetched_at)
             .join(articles, articles.c.id == announcement_events.c.article_id)
             .order_by(articles.c.published_on, announcement_events.c.id))
    if status:
        query = query.where(announcement_events.c.status == status)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


# An event as `regwatch announcements --json` and the web API give it.
EVENT_FIELDS = ("organisation", "acronym", "other_name", "kind", "decision_date", "register_date", "date_basis",
                "authority", "status", "entry_id", "lag_days", "published_on", "url", "title", "source", "sentence")
STATUSES = (PENDING, CONFIRMED, NOT_DESIGNATION)


def event_json(event: dict[str, Any]) -> dict[str, Any]:
    return {field: event[field] for field in EVENT_FIELDS}


def confirm(engine: Engine, event_id: int, entry_id: str, lag_days: int | None, now: str,
            names: list[str], source_url: str) -> None:
    """Link an event to its entry, and keep the names it used as the entry's aliases."""
    with engine.begin() as conn:
        conn.execute(update(announcement_events).where(announcement_events.c.id == event_id)
                     .values(status=CONFIRMED, entry_id=entry_id, lag_days=lag_days, linked_at=now))
        for name in names:
            exists = conn.execute(select(aliases.c.alias).where(
                (aliases.c.entry_id == entry_id) & (aliases.c.alias == name))).first()
            if not exists:
                conn.execute(insert(aliases).values(entry_id=entry_id, alias=name, source_url=source_url))


def aliases_of(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """entry_id → [(alias, source URL)]: names the register never prints."""
    found: dict[str, list[tuple[str, str]]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(aliases).order_by(aliases.c.entry_id, aliases.c.alias)):
            found.setdefault(row.entry_id, []).append((row.alias, row.source_url))
    return found


def with_aliases(entries: list[Entry], known: dict[str, list[tuple[str, str]]]) -> list[Entry]:
    """Entries with the names announcements gave them: an acronym-like alias among the
    acronyms, any other among the original names, so the status check finds them too."""
    extended = []
    for entry in entries:
        names = [alias for alias, _ in known.get(entry.entry_id, ())]
        acronyms = tuple(n for n in names if _acronym_like(n) and n not in entry.acronyms)
        originals = tuple(n for n in names if not _acronym_like(n) and n not in entry.name_original
                          and n not in entry.name_ru and n != entry.name)
        extended.append(replace(entry, acronyms=entry.acronyms + acronyms,
                                name_original=entry.name_original + originals)
                        if acronyms or originals else entry)
    return extended


def register_index(entries: list[Entry], known: dict[str, list[tuple[str, str]]],
                   shipped: bool = True) -> RegisterIndex:
    """The status check's index over the entries and the names announcements gave them,
    each such name with the announcement it came from (shown with a match on it); with
    `shipped`, also the known names each register ships (scraper.registers.known_names)."""
    if shipped:
        known = with_known_names(entries, known)
    sources = {(entry_id, alias): url for entry_id, names in known.items() for alias, url in names}
    return RegisterIndex(with_aliases(entries, known), sources)


def register_checker(source: str, entries: list[Entry], known: dict[str, list[tuple[str, str]]]) -> Register:
    """One register's check across registers: organisations by the name index (with the
    names announcements and the shipped lists give them), people by persons.py."""
    organisations = [e for e in entries if e.entity_type != PERSON]
    return Register(source, entries, register_index(organisations, known))


def with_known_names(entries: list[Entry], known: dict[str, list[tuple[str, str]]]
                     ) -> dict[str, list[tuple[str, str]]]:
    """`known` (the announcements' aliases, first) and the shipped known names of the entries' registers."""
    merged = {entry_id: list(names) for entry_id, names in known.items()}
    for source in sorted({entry.entry_id.partition("/")[0] for entry in entries}):
        for entry_id, names in known_names(source).items():
            have = {alias for alias, _ in merged.get(entry_id, ())}
            merged.setdefault(entry_id, []).extend(n for n in names if n[0] not in have)
    return merged


def _acronym_like(name: str) -> bool:
    return " " not in name and len(name) <= 10 and sum(c.isupper() for c in name) >= 2
