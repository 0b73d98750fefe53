"""`regwatch announcements` and `regwatch extract`: designations announced before the
register shows them, and the events in one saved article."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import cast

import click

from pipelines.alerts.config import AlertConfig
from pipelines.storage.data_config import DataConfig
from regwatch.cli.app import (
    DEFAULT_SOURCE,
    EXIT_OK,
    EXIT_REFUSED,
    _alert_config,
    _count,
    _emit,
    _iso_day,
    _open_store,
    _say,
    cli,
    config_option,
)
from scraper.items import utc_now
from scraper.redact import redact


@cli.command()
@click.option("--pending", is_flag=True, help="Only events the register does not show yet (early warnings).")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.option("--fetch", is_flag=True,
              help="First fetch new articles from every announcement source (only new ones).")
@config_option
def announcements(pending: bool, as_json: bool, fetch: bool, config_file: Path | None) -> None:
    """Designations announced by the Prosecutor General's Office, the media and NGOs, each
    linked to its register entry (`confirmed`, with the lag from the announcement to the
    inclusion order) or `pending` while the register does not show it yet.

    Subscribers hear of each recent pending designation once ("announced, not yet in the
    register"); the alerts are queued and delivered here.

    With --fetch, exit 1 when a source could not be read (the others are still stored)."""
    from pipelines.announcements import articles
    from pipelines.announcements.confirm import link_pending
    from regwatch.runner import ANNOUNCEMENT_SPIDERS, fetch_articles
    from scraper.items import utc_now

    alerting, _ = _alert_config(config_file)
    config, store = _open_store()
    store.close()
    failed, fetched = [], {}
    if fetch:
        fetched = fetch_articles(ANNOUNCEMENT_SPIDERS, config.data_dir / "regwatch.log")
        for name, counts in fetched.items():
            events, errors = cast(int, counts["events"]), cast(int, counts["errors"])
            click.echo(_count("cli.announcements.fetched", events, name=name, stored=counts["stored"],
                              known=counts["known"])
                       + (_count("cli.announcements.errors", errors) if errors else ""), err=True)
            if errors:
                failed.append(name)
    _, store = _open_store()
    try:
        link_pending(store, DEFAULT_SOURCE, utc_now())
        found = articles.events(store.engine, articles.PENDING if pending else None)
        _alert_after_announcements(store, alerting, config, fetched)
    finally:
        store.close()
    if as_json:
        _emit(json.dumps([articles.event_json(e) for e in found], ensure_ascii=False,
                         indent=1).encode() + b"\n", None)
        sys.exit(EXIT_REFUSED if failed else EXIT_OK)
    for e in found:
        link = (f"→ {e['entry_id']}" + (" " + _say("cli.announcements.lag", lag=f"{e['lag_days']:+d}")
                                        if e["lag_days"] is not None else "")
                if e["entry_id"] else "")
        click.echo(f"{e['published_on'][:10]}  {e['status']:<15} {e['kind']:<11} "
                   f"{e['organisation']}{' (' + e['acronym'] + ')' if e['acronym'] else ''} {link}")
        click.echo(f"            {e['url']}")
    click.echo(_count("cli.count.events", len(found)), err=True)
    sys.exit(EXIT_REFUSED if failed else EXIT_OK)


def _alert_after_announcements(store, alerting: AlertConfig, config: DataConfig,
                               fetched: dict[str, dict[str, object]]) -> None:
    """Record each spider's health (the operator hears of K failed runs in a row), queue the
    early warnings, deliver. Alerting trouble is logged and shown, and never changes the
    exit code (what fails stays queued for the delivery job)."""
    from pipelines.alerts.delivery import deliver
    from pipelines.announcements.confirm import queue_early_warnings, record_health

    try:
        record_health(store, alerting, fetched, utc_now("milliseconds"))
        queued = queue_early_warnings(store, alerting.subscriptions, utc_now("milliseconds"))
        report = deliver(store.engine, alerting, config.data_dir)
    except Exception as exc:
        logging.getLogger("regwatch.cli").exception("early-warning alerts")
        click.echo(_say("cli.alerts_failed", error=redact(str(exc))), err=True)
        return
    if queued:
        click.echo(_count("cli.count.early_warnings", queued), err=True)
    if report.sent or report.retrying or report.failed:
        click.echo(report.summary(), err=True)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date", "published_on", callback=_iso_day, metavar="YYYY-MM-DD",
              help="The article's publication date (resolves 'on Monday', «16 февраля»).")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def extract(file: Path, published_on: str | None, as_json: bool) -> None:
    """The designation events in one saved article (HTML or plain text): which organisation,
    designated / included / excluded (or a prosecution, which is not a designation), the
    decision and register dates, the authority, and the sentence it came from.

    Exit 0 (an article without events prints an empty list), 2 when the file cannot be read.
    """
    from pipelines.announcements.events import (
        event_record,
        extract_events,
        extract_from_html,
    )

    try:
        raw = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise click.UsageError(_say("cli.error.not_utf8", file=file)) from None
    looks_html = raw.lstrip()[:1] == "<" or file.suffix.lower() in (".html", ".htm")
    events = (extract_from_html(raw, published_on) if looks_html
              else extract_events(raw, published_on))
    records = [event_record(e) for e in events]
    if as_json:
        _emit(json.dumps(records, ensure_ascii=False, indent=1).encode() + b"\n", None)
        return
    for record in records:
        dates = ", ".join(f"{k} {record[k]}" for k in ("decision_date", "register_date") if record.get(k))
        if dates and record.get("date_basis") == "article":
            dates += _say("cli.extract.article_date")
        click.echo(f"{record['kind']:<11} {record['organisation']}"
                   + (f" ({record['acronym']})" if record.get("acronym") else "")
                   + (f" — {dates}" if dates else "")
                   + (f" — {record['authority']}" if record.get("authority") else ""))
        click.echo(f"            «{record['sentence'][:300]}»")
    click.echo(_count("cli.count.events", len(records)), err=True)
