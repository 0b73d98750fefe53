"""Link announced designations to register entries: an event is `confirmed` once the
register shows a confident match for its organisation (or its acronym), with the lag from
the announcement to the register's inclusion date; until then it stays `pending`, the
early warning. Names used in announcements become aliases of the entry."""

from __future__ import annotations

from datetime import date

from pipelines import articles
from pipelines.check import LISTED_SCORE, QueryError, RegisterIndex
from pipelines.models import EXCLUDED, Entry
from pipelines.store import Store

LINKED_KINDS = ("designated", "included", "excluded")


def lag_days(announced_on: str, entry: Entry, kind: str) -> int | None:
    """Days from the announcement to the register's order (negative: the register was first):
    the exclusion order for an announced exclusion, the inclusion order otherwise."""
    registered_on = entry.excluded_on if kind == "excluded" else entry.listed_on
    try:
        return (date.fromisoformat(registered_on) - date.fromisoformat(announced_on[:10])).days
    except ValueError:
        return None


def match(index: RegisterIndex, names: list[str], kind: str) -> Entry | None:
    """The entry the register shows for an announced event: a confident match of one of its
    names, listed or excluded since (the designation did reach the register); for an
    announced exclusion, only an entry the register shows as excluded."""
    for name in names:
        try:
            verdict = index.check(name)
        except QueryError:
            continue
        best = verdict.matches[0] if verdict.matches else None
        if best is None or best.score < LISTED_SCORE:
            continue
        if kind != "excluded" or best.entry.status == EXCLUDED:
            return best.entry
    return None


def link_pending(store: Store, source: str, now: str) -> int:
    """Confirm every pending event the register now shows; how many were confirmed. Runs
    again while a pass confirms something: an alias one article taught ("FIDH") may be
    the only name another article uses."""
    total = 0
    while confirmed := _link_pass(store, source, now):
        total += confirmed
    return total


def _link_pass(store: Store, source: str, now: str) -> int:
    pending = [e for e in articles.events(store.engine, articles.PENDING) if e["kind"] in LINKED_KINDS]
    if not pending:
        return 0
    index = articles.register_index(store.current_entries(source), articles.aliases_of(store.engine))
    confirmed = 0
    for event in pending:
        names = [n for n in (event["organisation"], event["acronym"]) if n]
        entry = match(index, names, event["kind"])
        if entry is not None:
            articles.confirm(store.engine, event["id"], entry.entry_id,
                             lag_days(event["published_on"], entry, event["kind"]), now, names, event["url"])
            confirmed += 1
    return confirmed


def queue_early_warnings(store: Store, subscriptions, now: str) -> int:
    """Queue "announced, not yet in the register" alerts for the recent pending events
    (after `link_pending`); each subscriber hears of each decision once."""
    from pipelines import early_warning, outbox

    pending = articles.events(store.engine, articles.PENDING)
    announced = early_warning.group(pending, date.fromisoformat(now[:10]))
    return outbox.queue_announcements(store.engine, subscriptions, announced, now)


ANNOUNCEMENT_SPIDERS = ("announcements_genproc", "announcements_meduza", "announcements_hrd_blog", "announcements_tass")


def fetch_articles(spiders: tuple[str, ...], log_file) -> dict[str, dict[str, object]]:
    """Run the announcement spiders in this process (one reactor, one crawler each) and
    return each one's counts: articles stored, already known, events found, and why it
    finished."""
    from regwatch.crawl import crawler_process

    process = crawler_process(log_file)
    crawlers = {name: process.create_crawler(name) for name in spiders}
    for crawler in crawlers.values():
        process.crawl(crawler)
    process.start()
    return {name: {"stored": c.stats.get_value("regwatch/articles_stored", 0),
                   "known": c.stats.get_value("regwatch/articles_known", 0),
                   "events": c.stats.get_value("regwatch/events", 0),
                   "errors": c.stats.get_value("log_count/ERROR", 0),
                   "finish_reason": c.stats.get_value("finish_reason")}
            for name, c in crawlers.items()}
