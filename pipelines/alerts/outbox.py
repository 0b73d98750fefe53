"""The alert outbox: what must be delivered to whom, kept in the database beside the
history, so the queue survives restarts and nothing is sent twice.

An alert is queued in the same transaction that stores the changes it reports (see
`Store.commit_state`): a crash can lose neither. Each (change, subscription) pair is
unique in `alert_changes`, and each alert has a unique `delivery_id`, sent with it so a
receiver can recognise a repeat after a crash in the middle of a delivery.

Also here: each source's health (consecutive failures, for the operator's alerts) and
the last `lastModified` a good crawl saw (for the scheduler's cheap probe).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from pipelines.alerts.compose import Message, Subscription, compose
from pipelines.alerts.compose import select as choose_changes
from pipelines.announcements import early_warning
from pipelines.announcements.articles import register_index
from pipelines.announcements.linking import FirstWord, first_announced
from pipelines.publish.export import change_record
from pipelines.register.diff import Diff
from pipelines.register.models import ADDED, Change, Entry
from pipelines.storage.schema import (
    alert_announcements,
    alert_changes,
    alerts,
    changes,
    source_health,
)

log = logging.getLogger("regwatch.outbox")

PENDING, SENT, FAILED = "pending", "sent", "failed"



@dataclass(frozen=True)
class QueuedAlert:
    id: int
    delivery_id: str
    subscription: str
    source: str
    kind: str
    title: str
    text: str
    payload: str
    created_at: str
    status: str
    attempts: int
    next_attempt_at: str
    last_error: str
    sent_at: str | None


@dataclass(frozen=True)
class HealthEvent:
    """What the operator must hear after a crawl or probe: `failing` or `recovered`."""

    kind: str
    source: str
    since: str
    failures: int
    detail: str


def later(now: str, seconds: float) -> str:
    moment = datetime.fromisoformat(now) + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds")


# --- queueing --------------------------------------------------------------------------

def webhook_payload(delivery_id: str, source: str, message: Message, body: Mapping[str, Any]) -> str:
    """The JSON a webhook receives: the message text beside the data it is made of."""
    return json.dumps({"delivery_id": delivery_id, "source": source,
                       "message": {"title": message.title, "text": message.text}, **body},
                      ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class PlannedAlert:
    """One subscriber's alert for one crawl, composed before anything is written."""

    subscription: str
    message: Message
    body: dict[str, Any]  # the webhook JSON beside the message
    changes: list[Change]


def plan_alerts(subscriptions: Iterable[Subscription], source_meta: Any, result: Diff,
                now: str, first_words: Mapping[str, FirstWord] | None = None) -> list[PlannedAlert]:
    """Who gets which of a crawl's changes, and what their message says (`first_words`: the
    first announcement of each added entry, said beside it). Pure."""
    first_words = first_words or {}
    entries: dict[str, Entry] = {e.entry_id: e for e in (*result.removed, *result.entries)}
    planned = []
    for sub in subscriptions:
        chosen = choose_changes(sub, source_meta.source, result.changes, entries)
        if chosen.changes:
            planned.append(PlannedAlert(
                sub.name, compose(chosen, entries, source_meta, sub.language, sub.max_items, first_words), {
                    # the register's short title in the subscriber's language, and in both
                    "kind": "changes", "register": source_meta.short(sub.language),
                    "register_titles": {language: source_meta.short(language) for language in ("en", "ru")},
                    "official_source": source_meta.view_url(), "detected_at": now,
                    "watchlist_matches": [{"entry_id": entry_id, **asdict(hit)}
                                          for entry_id, hits in chosen.flagged.items()
                                          for hit in hits],
                    "changes": [change_record(c) for c in chosen.changes],
                    "first_announced": {c.entry_id: asdict(first_words[c.entry_id]) for c in chosen.changes
                                        if c.kind == ADDED and c.entry_id in first_words}},
                chosen.changes))
    return planned


def queue_changes(conn: Connection, source: str, snapshot_id: int, planned: list[PlannedAlert],
                  stored_changes: list[Change], now: str) -> int:
    """Queue the planned alerts inside the transaction that stores their changes
    (`stored_changes`, in the order they were inserted). Returns how many were queued."""
    stored = conn.execute(select(changes.c.id).where(changes.c.snapshot_id == snapshot_id)
                          .order_by(changes.c.id)).scalars().all()
    change_ids = {id(change): change_id for change, change_id in zip(stored_changes, stored)}
    for alert in planned:
        delivery_id = f"{source}/{snapshot_id}/{alert.subscription}"
        payload = webhook_payload(delivery_id, source, alert.message, alert.body)
        alert_id = _insert_alert(conn, delivery_id, alert.subscription, source, "changes",
                                 alert.message, payload, now, snapshot_id)
        conn.execute(insert(alert_changes), [
            {"alert_id": alert_id, "change_id": change_ids[id(c)], "subscription": alert.subscription}
            for c in alert.changes])
    return len(planned)


def change_queuer(subscriptions: list[Subscription], source_meta: Any,
                  pending: list[dict[str, Any]]) -> Callable[[Connection, int, Diff, str], int]:
    """What a crawl calls inside the transaction that stores its changes: plan each
    subscriber's alert (`pending`: the announcements not yet in the register, read before
    the transaction, so an added entry's alert names its first announcement) and queue it."""
    def queue(conn: Connection, snapshot_id: int, result: Diff, now: str) -> int:
        try:
            planned = plan_alerts(subscriptions, source_meta, result, now, _first_words(result, pending))
        except Exception:  # a bug in a message must not keep the changes from being stored
            log.exception("%s: the alerts of this crawl could not be composed; its changes "
                          "are stored (see `regwatch changes`) but nobody is alerted", source_meta.source)
            return 0
        return queue_changes(conn, source_meta.source, snapshot_id, planned, result.changes, now)
    return queue


def _first_words(result: Diff, pending: list[dict[str, Any]]) -> dict[str, FirstWord]:
    """For each entry this crawl adds, the earliest pending announcement of it (matched on
    the whole new register, with the aliases announcements taught)."""
    added = [c.entry_id for c in result.changes if c.kind == ADDED]
    if not added or not pending:
        return {}
    try:
        return first_announced(register_index(list(result.entries), {}), added, pending)
    except Exception:  # the line is extra: the alert goes without it
        log.exception("the first announcements of the added entries could not be found")
        return {}


def queue_announcements(engine: Engine, subscriptions: Iterable[Subscription],
                        announcements: list[early_warning.Announcement], now: str) -> int:
    """Queue, for each subscriber, the announced designations it was not told of yet (one
    alert each), and remember their keys in the same transaction. How many were queued."""
    if not announcements:
        return 0
    queued = 0
    with engine.begin() as conn:
        told: dict[str, set[str]] = {}
        for row in conn.execute(select(alert_announcements.c.subscription,
                                       alert_announcements.c.announcement_key)):
            told.setdefault(row.subscription, set()).add(row.announcement_key)
        for sub in subscriptions:
            chosen = early_warning.choose(sub, announcements, told)
            if not chosen:
                continue
            keys = sorted({k for c in chosen for k in c.announcement.keys})
            digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
            delivery_id = f"{early_warning.REGISTER}/{early_warning.ANNOUNCED}/{digest}/{sub.name}"
            message = early_warning.compose(chosen, sub.language)
            payload = webhook_payload(delivery_id, early_warning.REGISTER, message,
                                      early_warning.payload_body(chosen, now))
            alert_id = _insert_alert(conn, delivery_id, sub.name, early_warning.REGISTER,
                                     early_warning.ANNOUNCED, message, payload, now)
            conn.execute(insert(alert_announcements), [
                {"alert_id": alert_id, "announcement_key": key, "subscription": sub.name} for key in keys])
            queued += 1
    return queued


def queue_operator(engine: Engine, operator: Subscription, delivery_id: str, source: str,
                   message: Message, event: Mapping[str, Any], now: str) -> bool:
    """Queue an alert for the operator unless one with this delivery_id exists."""
    with engine.begin() as conn:
        if conn.execute(select(alerts.c.id).where(alerts.c.delivery_id == delivery_id)).first():
            return False
        payload = webhook_payload(delivery_id, source, message, {"kind": "operator", **event})
        _insert_alert(conn, delivery_id, operator.name, source, "operator", message, payload, now)
    return True


def _insert_alert(conn: Connection, delivery_id: str, subscription: str, source: str, kind: str,
                  message: Message, payload: str, now: str, snapshot_id: int | None = None) -> int:
    key = conn.execute(insert(alerts).values(
        delivery_id=delivery_id, subscription=subscription, source=source, kind=kind,
        snapshot_id=snapshot_id, title=message.title, text=message.text, payload=payload,
        created_at=now, status=PENDING, attempts=0, next_attempt_at=later(now, 0), last_error="",
    )).inserted_primary_key
    assert key is not None  # a single-row INSERT always has one
    return key[0]


# --- delivering ------------------------------------------------------------------------

def _queued(row: Any) -> QueuedAlert:
    return QueuedAlert(**{name: getattr(row, name) for name in QueuedAlert.__dataclass_fields__})


def due_alerts(engine: Engine, now: str, force: bool = False) -> list[QueuedAlert]:
    """Pending alerts whose backoff has passed (all pending ones with `force`), oldest first."""
    query = select(alerts).where(alerts.c.status == PENDING).order_by(alerts.c.id)
    if not force:
        query = query.where(alerts.c.next_attempt_at <= now)
    with engine.connect() as conn:
        return [_queued(row) for row in conn.execute(query)]


def list_alerts(engine: Engine, status: str | None = None) -> list[QueuedAlert]:
    query = select(alerts).order_by(alerts.c.id)
    if status:
        query = query.where(alerts.c.status == status)
    with engine.connect() as conn:
        return [_queued(row) for row in conn.execute(query)]


@dataclass(frozen=True)
class Claim:
    """An alert held by one deliverer while its channel is called; its outcome is written
    with `sent` or `failed`, where the claim holds it."""

    alert: QueuedAlert
    _write: Callable[[Any], object]  # runs one UPDATE

    def sent(self, now: str) -> None:
        self._write(update(alerts).where(alerts.c.id == self.alert.id).values(
            status=SENT, sent_at=now, attempts=alerts.c.attempts + 1, last_error=""))

    def failed(self, error: str, now: str, retry_in: float | None) -> None:
        """`retry_in` None: give up (the alert is `failed`); else try again that many seconds later."""
        values: dict[str, Any] = {"attempts": self.alert.attempts + 1, "last_error": error}
        if retry_in is None:
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = later(now, retry_in)
        self._write(update(alerts).where(alerts.c.id == self.alert.id).values(**values))


@contextmanager
def claim(engine: Engine, alert_id: int, now: str, force: bool = False) -> Iterator[Claim | None]:
    """The alert, if it is still due, for this deliverer alone until the block ends; None
    when another deliverer holds it, sent it, gave it up or put it off since it was listed.

    PostgreSQL: the row is locked (SELECT … FOR UPDATE SKIP LOCKED) in a transaction that
    lasts while the channel is called and takes the outcome, so deliverers on any machine
    never send one alert twice; one that dies leaves it pending (its transaction is rolled
    back with the lock) for the next. SQLite has one deliverer at a time (the delivery
    lock file) and holds no transaction during a send: it would stop every crawl writing."""
    query = select(alerts).where((alerts.c.id == alert_id) & (alerts.c.status == PENDING))
    if not force:
        query = query.where(alerts.c.next_attempt_at <= now)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            row = conn.execute(query.with_for_update(skip_locked=True)).first()
            yield None if row is None else Claim(_queued(row), conn.execute)
        return
    with engine.connect() as conn:
        row = conn.execute(query).first()

    def write(statement: Any) -> None:
        with engine.begin() as conn:
            conn.execute(statement)

    yield None if row is None else Claim(_queued(row), write)


def requeue_failed(engine: Engine, now: str) -> int:
    """Give every failed alert a fresh set of attempts, due now (after the receiver was
    fixed: `regwatch deliver --retry-failed`). Its delivery id stays, so a receiver that
    did get an earlier attempt can drop the repeat. How many were re-queued."""
    with engine.begin() as conn:
        done = conn.execute(update(alerts).where(alerts.c.status == FAILED).values(
            status=PENDING, attempts=0, next_attempt_at=now))
    return done.rowcount or 0


# --- source health and the probe's memory ------------------------------------------------

def _health(conn: Connection, source: str) -> Any:
    row = conn.execute(select(source_health).where(source_health.c.source == source)).first()
    if row is None:
        conn.execute(insert(source_health).values(source=source, failures=0, failing_since="",
                                                  last_error="", operator_told=False, last_ok_at=""))
        row = conn.execute(select(source_health).where(source_health.c.source == source)).first()
    return row


def record_failure(engine: Engine, source: str, detail: str, now: str,
                   threshold: int) -> HealthEvent | None:
    """One more consecutive failure; the `threshold`-th one (only) is news for the operator."""
    with engine.begin() as conn:
        row = _health(conn, source)
        failures, since = row.failures + 1, row.failing_since or now
        tell = failures >= threshold and not row.operator_told
        conn.execute(update(source_health).where(source_health.c.source == source).values(
            failures=failures, failing_since=since, last_error=detail,
            operator_told=row.operator_told or tell))
    return HealthEvent("failing", source, since, failures, detail) if tell else None


def record_success(engine: Engine, source: str, now: str,
                   last_modified: int | None = None) -> HealthEvent | None:
    """A good crawl: the failure streak ends; news for the operator if they were told of it."""
    with engine.begin() as conn:
        row = _health(conn, source)
        values: dict[str, Any] = dict(failures=0, failing_since="", last_error="",
                                      operator_told=False, last_ok_at=now)
        if last_modified is not None:
            values["last_modified_seen"] = last_modified
        conn.execute(update(source_health).where(source_health.c.source == source).values(**values))
    if row.operator_told:
        return HealthEvent("recovered", source, row.failing_since, row.failures, row.last_error)
    return None


def health(engine: Engine, source: str) -> dict[str, Any]:
    with engine.begin() as conn:
        return dict(_health(conn, source)._mapping)
