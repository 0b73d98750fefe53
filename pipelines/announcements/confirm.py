"""Link announced designations to register entries: an event is `confirmed` once the
register shows a confident match for its organisation (or its acronym), with the lag from
the announcement to the register's inclusion date; until then it stays `pending`, the
early warning. Names used in announcements become aliases of the entry."""

from __future__ import annotations

from datetime import date

from pipelines.announcements import articles
from pipelines.announcements.linking import (
    LINKED_KINDS,
    event_names,
    lag_days,
    match,
    nominative_guess,
)
from pipelines.storage.store import Store


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
    from pipelines.alerts import outbox
    from pipelines.announcements import early_warning

    pending = articles.events(store.engine, articles.PENDING)
    announced = early_warning.group(pending, date.fromisoformat(now[:10]))
    return outbox.queue_announcements(store.engine, subscriptions, announced, now)


def record_health(store: Store, alerting, fetched: dict[str, dict[str, object]], now: str) -> None:
    """Each announcement spider's run counts for its health as a register crawl does: the
    operator hears when one fails K runs in a row (a redesign, a block) and when it recovers."""
    from pipelines.alerts import outbox
    from pipelines.alerts.delivery import tell_health

    for name, counts in fetched.items():
        if counts["errors"]:
            detail = f"{counts['problem'] or 'errors in the log'} ({counts['errors']} errors in this run)"
            event = outbox.record_failure(store.engine, name, detail, now, alerting.failures_before_alert)
        else:
            event = outbox.record_success(store.engine, name, now)
        tell_health(store.engine, alerting, event, now)
