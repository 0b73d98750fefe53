"""`regwatch deliver`, `regwatch alerts` and `regwatch schedule`: the alert outbox and the
scheduler daemon."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from regwatch.cli.app import (
    EXIT_OK,
    EXIT_REFUSED,
    _alert_config,
    _count,
    _emit,
    _log_to_stderr,
    _open_store,
    _open_to_read,
    _say,
    cli,
    config_option,
)


@cli.command("deliver")
@config_option
def deliver_command(config_file: Path | None) -> None:
    """Deliver every queued alert now, whatever its backoff, then exit.

    Exit 0 when the queue is empty afterwards, 1 when some alert could not be delivered.
    """
    from pipelines.alerts.delivery import deliver

    alerting, _ = _alert_config(config_file)
    config, store = _open_store()
    try:
        report = deliver(store.engine, alerting, config.data_dir, force=True)
    finally:
        store.close()
    click.echo(report.summary())
    sys.exit(EXIT_REFUSED if report.retrying or report.failed else EXIT_OK)


@cli.command()
@click.option("--pending", "status", flag_value="pending", help="Only alerts still queued.")
@click.option("--failed", "status", flag_value="failed", help="Only alerts given up after N attempts.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def alerts(status: str | None, as_json: bool) -> None:
    """Show the alert outbox: every alert, to whom, its state, attempts and last error."""
    from pipelines.alerts import outbox

    _, store = _open_to_read()
    if store is None:  # nothing crawled: nothing queued
        found = []
    else:
        try:
            found = outbox.list_alerts(store.engine, status)
        finally:
            store.close()
    if as_json:
        fields = ("delivery_id", "subscription", "source", "kind", "title", "created_at", "status",
                  "attempts", "next_attempt_at", "last_error", "sent_at")
        _emit(json.dumps([{f: getattr(a, f) for f in fields} for a in found], ensure_ascii=False,
                         indent=1).encode() + b"\n", None)
        return
    for alert in found:
        when = alert.sent_at if alert.status == "sent" else _say("cli.alerts.next_try", at=alert.next_attempt_at)
        error = _say("cli.alerts.last_error", error=alert.last_error) if alert.last_error else ""
        click.echo(f"{alert.created_at}  {alert.status:<7} {alert.subscription:<16} "
                   f"{_count('cli.count.attempts', alert.attempts)}, {when}  {alert.title}{error}")
    click.echo(_count("cli.count.alerts", len(found)), err=True)


@cli.command()
@click.option("--schedule", "schedule_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The schedule file (default: schedules/schedules.toml).")
@click.option("--once", is_flag=True, help="Run every due job once and exit (for cron and tests).")
@config_option
def schedule(schedule_file: Path | None, once: bool, config_file: Path | None) -> None:
    """Run the scheduler: probe each register, crawl when it changed (and daily), deliver
    alerts with retries. Stops cleanly on SIGTERM or SIGINT."""
    from regwatch.runner import log_to_file
    from schedules import daemon as scheduling
    from scraper.project import scrapy_settings

    alerting, config_file = _alert_config(config_file)
    try:
        plan = scheduling.load_schedule(schedule_file or scheduling.DEFAULT_SCHEDULE)
        scrapy_settings()  # the probe's fetch settings: a bad one stops us here
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    config, store = _open_store()
    store.close()
    log_to_file(config.data_dir / "schedule.log", "INFO")
    _log_to_stderr()
    sys.exit(scheduling.run(plan, config, alerting, config_file, once=once))


@cli.command()
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Jobs this worker runs at once.")
@click.option("--queue", "queues", multiple=True, type=click.Choice(["probe", "crawl", "deliver"]),
              help="Only these queues (repeat the option); default: all.")
@config_option
def worker(concurrency: int, queues: tuple[str, ...], config_file: Path | None) -> None:
    """Run jobs from the PostgreSQL job queue: the probes, crawls, announcement runs and
    deliveries `regwatch schedule` defers. Start as many as you like, on as many machines
    as you like, against the same REGWATCH_DATABASE_URL. Stops cleanly on SIGTERM or SIGINT
    (a killed worker's job is retried by another)."""
    import os

    from regwatch.runner import log_to_file
    from schedules.daemon import uses_queue

    _, config_file = _alert_config(config_file)  # a bad subscriptions file stops us here
    config, store = _open_store()
    store.close()
    if not uses_queue(config.database_url):
        raise click.UsageError(_say("cli.error.worker_needs_postgres"))
    from schedules import queue

    if config_file is not None:
        os.environ[queue.CONFIG_VARIABLE] = str(config_file.resolve())
    log_to_file(config.data_dir / "worker.log", "INFO")
    _log_to_stderr()
    queue.ensure_schema(config.database_url)
    app = queue.make_app(config.database_url)
    with app.open():
        app.run_worker(concurrency=concurrency, queues=list(queues) or None)
