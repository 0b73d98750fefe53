"""Deliver the outbox: signed webhooks and Apprise URLs, retried with exponential backoff.

An alert is never sent by two processes at once: on PostgreSQL each deliverer claims an
alert with a row lock (outbox.claim), so several may run on several machines; on SQLite
one deliverer runs at a time (a lock file in the data directory). An alert is marked sent
as soon as its channel accepts it.
A process killed in the middle of a send leaves the alert pending: it is sent again,
with the same `X-Regwatch-Delivery` id, so a receiver can drop the repeat.

A failed delivery never fails a crawl: errors are recorded on the alert and logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx  # the httpx API (Scrapy's handler installs this fork)
from sqlalchemy.engine import Engine

from pipelines.alerts import outbox
from pipelines.alerts.compose import Subscription, operator_message
from pipelines.alerts.config import OPERATOR, AlertConfig
from pipelines.storage.locks import source_lock
from scraper.items import utc_now
from scraper.redact import redact

log = logging.getLogger("pipelines.alerts.delivery")

SIGNATURE_HEADER = "X-Regwatch-Signature"
DELIVERY_HEADER = "X-Regwatch-Delivery"


class DeliveryError(Exception):
    """A channel refused or could not be reached; the message carries no secret."""


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # delivery ids
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"alerts: {len(self.sent)} delivered, {len(self.retrying)} queued for a retry, "
                f"{len(self.failed)} given up")


def sign(secret: str, body: bytes) -> str:
    """The X-Regwatch-Signature value: HMAC-SHA256 of the raw body, hex, as GitHub does it."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def scrub(text: str, sub: Subscription) -> str:
    """Remove the subscription's URL, its secret and any token-like part of its URL."""
    secrets = [sub.url, sub.secret, *re.split(r"[/:@?&=#]+", sub.url)]
    for secret in sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True):
        if secret.lower() not in ("https", "mailto", "mailtos"):
            text = text.replace(secret, "***")
    return redact(text)


def send_webhook(sub: Subscription, alert: outbox.QueuedAlert, timeout: float,
                 answer_timeout: float | None = None) -> None:
    """POST the alert; the same delivery id in the header and the body on every attempt.
    `timeout` to connect and send, `answer_timeout` (default: the same) for the answer."""
    body = alert.payload.encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8",
               SIGNATURE_HEADER: sign(sub.secret, body), DELIVERY_HEADER: alert.delivery_id,
               "User-Agent": "regwatch alerts"}
    try:
        reply = httpx.post(sub.url, content=body, headers=headers,
                           timeout=httpx.Timeout(timeout, read=answer_timeout or timeout))
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook unreachable: {type(exc).__name__}: {scrub(str(exc), sub)}") from None
    if not 200 <= reply.status_code < 300:
        raise DeliveryError(f"webhook answered HTTP {reply.status_code}")


def send_apprise(sub: Subscription, alert: outbox.QueuedAlert, timeout: float) -> None:
    import apprise  # imported here: it loads every notification plugin it knows

    notifier = apprise.Apprise()
    if not notifier.add(sub.url):
        raise DeliveryError("not a valid Apprise URL (see the Apprise documentation)")
    with apprise.LogCapture(level=logging.WARNING) as captured:
        accepted = notifier.notify(title=alert.title, body=alert.text,
                                   body_format=apprise.NotifyFormat.TEXT)
    if not accepted:
        detail = " ".join(line.strip() for line in captured.getvalue().splitlines()[-2:])
        raise DeliveryError(f"apprise could not deliver: {scrub(detail, sub) or 'no detail'}")


def send(sub: Subscription, alert: outbox.QueuedAlert, timeout: float,
         answer_timeout: float | None = None) -> None:
    if sub.channel == "webhook":
        send_webhook(sub, alert, timeout, answer_timeout)
    else:
        send_apprise(sub, alert, timeout)


def deliver(engine: Engine, config: AlertConfig, data_dir: Path, force: bool = False,
            now: str | None = None) -> DeliveryReport:
    """Send every due alert (every pending one with `force`, whatever its backoff)."""
    report = DeliveryReport()
    tried: set[int] = set()
    rows_lock = engine.dialect.name == "postgresql"  # else one deliverer at a time, across processes
    with nullcontext() if rows_lock else source_lock(data_dir, "delivery"):
        while True:  # again, for what this round queued (the operator hears of a give-up now)
            moment = now or utc_now("milliseconds")
            due = [a for a in outbox.due_alerts(engine, moment, force) if a.id not in tried]
            if not due:
                return report
            for listed in due:
                tried.add(listed.id)
                with outbox.claim(engine, listed.id, moment, force) as claimed:
                    if claimed is not None:  # else another deliverer has it, or had it
                        _deliver_one(engine, config, claimed, report)


def _deliver_one(engine: Engine, config: AlertConfig, claimed: outbox.Claim,
                 report: DeliveryReport) -> None:
    alert = claimed.alert
    sub = config.subscription(alert.subscription)
    now = utc_now("milliseconds")
    if sub is None:
        claimed.failed(f"no subscription named {alert.subscription!r} in {config.origin}",
                       now, retry_in=None)
        report.failed.append(alert.delivery_id)
        log.error("alert %s: subscription %r is no longer configured", alert.delivery_id,
                  alert.subscription)
        return
    try:
        send(sub, alert, config.delivery.timeout_seconds, config.delivery.answer_timeout_seconds)
    except Exception as exc:  # any channel failure is recorded, never raised into a crawl
        error = str(exc) if isinstance(exc, DeliveryError) else scrub(f"{type(exc).__name__}: {exc}", sub)
        _failed(engine, config, claimed, error, now, report)
        return
    claimed.sent(now)
    report.sent.append(alert.delivery_id)
    log.info("alert %s delivered to %s", alert.delivery_id, sub.name)


def _failed(engine: Engine, config: AlertConfig, claimed: outbox.Claim, error: str,
            now: str, report: DeliveryReport) -> None:
    alert = claimed.alert
    attempts = alert.attempts + 1
    if attempts < config.delivery.max_attempts:
        wait = config.delivery.backoff(attempts)
        claimed.failed(error, now, retry_in=wait)
        report.retrying.append(alert.delivery_id)
        log.warning("alert %s to %s failed (attempt %d of %d): %s; next try in %.0f s",
                    alert.delivery_id, alert.subscription, attempts,
                    config.delivery.max_attempts, error, wait)
        return
    claimed.failed(error, now, retry_in=None)
    report.failed.append(alert.delivery_id)
    log.error("alert %s to %s given up after %d attempts: %s", alert.delivery_id,
              alert.subscription, attempts, error)
    if alert.subscription != OPERATOR:  # a failing operator channel can only be logged
        message = operator_message("delivery_failed", alert.source, alert.subscription,
                                   alert.created_at, attempts, language=_operator_language(config))
        tell_operator(engine, config, f"operator/delivery-failed/{alert.delivery_id}",
                      alert.source, message, {"event": "delivery_failed",
                                              "subscription": alert.subscription,
                                              "attempts": attempts, "error": error}, now)


def _operator_language(config: AlertConfig) -> str:
    return config.operator.language if config.operator else "en"


def tell_operator(engine: Engine, config: AlertConfig, delivery_id: str, source: str,
                  message, event: dict, now: str) -> None:
    """Log it (the operator's log always hears), and queue it for the operator's channel."""
    log.error("operator: %s — %s", message.title, message.text.replace("\n", " "))
    if config.operator is not None:
        outbox.queue_operator(engine, config.operator, delivery_id, source, message, event, now)


def tell_health(engine: Engine, config: AlertConfig, event: outbox.HealthEvent | None,
                now: str) -> None:
    """The operator's alert for a source that started failing K times in a row, or recovered."""
    if event is None:
        return
    message = operator_message(event.kind, event.source, event.detail, event.since,
                               event.failures, language=_operator_language(config))
    tell_operator(engine, config, f"operator/{event.source}/{event.kind}/{event.since}",
                  event.source, message, {"event": event.kind, "since": event.since,
                                          "failures": event.failures, "detail": event.detail},
                  now)
