"""Link announced designations to register entries: an event is `confirmed` once the
register shows a confident match for its organisation (or its acronym), with the lag from
the announcement to the register's inclusion date; until then it stays `pending`, the
early warning. Names used in announcements become aliases of the entry."""

from __future__ import annotations

from datetime import date

from pipelines import articles
from pipelines.linking import LINKED_KINDS, event_names, lag_days, match, nominative_guess
from pipelines.store import Store


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
        found = match(index, event_names(event), event["kind"], event["published_on"])
        if found is not None:
            entry, matched = found
            organisation = event["organisation"]
            if matched == nominative_guess(organisation):
                organisation = matched  # an inflected name becomes an alias in the nominative
            aliases = [n for n in (organisation, event["acronym"], event["other_name"]) if n]
            articles.confirm(store.engine, event["id"], entry.entry_id,
                             lag_days(event["published_on"], entry, event["kind"]), now, aliases, event["url"])
            confirmed += 1
    return confirmed


def queue_early_warnings(store: Store, subscriptions, now: str) -> int:
    """Queue "announced, not yet in the register" alerts for the recent pending events
    (after `link_pending`); each subscriber hears of each decision once."""
    from pipelines import early_warning, outbox

    pending = articles.events(store.engine, articles.PENDING)
    announced = early_warning.group(pending, date.fromisoformat(now[:10]))
    return outbox.queue_announcements(store.engine, subscriptions, announced, now)


ANNOUNCEMENT_SPIDERS = ("announcements_genproc", "announcements_meduza", "announcements_hrd_blog", "announcements_tass", "announcements_tass_en", "announcements_mediazona", "announcements_ovdinfo", "announcements_hrw")


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
                   "errors": _errors(c.stats.get_stats()),
                   "problem": c.stats.get_value("regwatch/first_problem", ""),
                   "finish_reason": c.stats.get_value("finish_reason")}
            for name, c in crawlers.items()}


def _errors(stats: dict[str, object]) -> int:
    """A spider's own problems and its callbacks' exceptions. Not log_count/ERROR: with
    several crawlers in one process, each one's log counter counts every crawler's errors."""
    exceptions = sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/"))
    return int(stats.get("regwatch/problems", 0)) + exceptions


def record_health(store: Store, alerting, fetched: dict[str, dict[str, object]], now: str) -> None:
    """Each announcement spider's run counts for its health as a register crawl does: the
    operator hears when one fails K runs in a row (a redesign, a block) and when it recovers."""
    from pipelines import outbox
    from regwatch.delivery import tell_health

    for name, counts in fetched.items():
        if counts["errors"]:
            detail = f"{counts['problem'] or 'errors in the log'} ({counts['errors']} errors in this run)"
            event = outbox.record_failure(store.engine, name, detail, now, alerting.failures_before_alert)
        else:
            event = outbox.record_success(store.engine, name, now)
        tell_health(store.engine, alerting, event, now)
