"""Getting the register: `regwatch crawl` (and, after it, the source's health and the
alerts), `regwatch verify` (both channels compared), `regwatch import-html` and
`regwatch reparse` (verify.py and reparse.py hold the work of verify and reparse: they
import Scrapy, so the commands import them when they run).

`regwatch import-html`: saved or web-archived copies of the old official page, loaded as
historical snapshots in date order (scraper/spiders/minjust_undesirable_html.py)."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click

from pipelines import collector
from pipelines.alerts.config import AlertConfig
from pipelines.crawl import BASELINE, CHANGED, HELD
from pipelines.storage.data_config import DataConfig
from regwatch.cli.app import (
    DEFAULT_SOURCE,
    EXIT_HELD,
    EXIT_OK,
    EXIT_REFUSED,
    _alert_config,
    _count,
    _emit,
    _iso_day,
    _open_store,
    _say,
    _source,
    cli,
    config_option,
    describe,
)
from regwatch.cli.options import chosen_source, source_option
from scraper.items import utc_now
from scraper.redact import redact

_WAYBACK = re.compile(r"/web/(\d{14})")  # web.archive.org/web/20240502123456/https://…
_NAME_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})|(\d{14})")


class ImportError_(ValueError):
    """An input that cannot be imported; the message names it."""


def capture_time(name: str, as_of: str | None) -> str:
    """When the copy was captured, ISO UTC: --as-of when given, else the web archive's
    timestamp in the URL, else a date (or a 14-digit stamp) in the file name."""
    if as_of:
        return f"{as_of}T00:00:00+00:00"
    found = _WAYBACK.search(name) or _NAME_DATE.search(Path(name).name)
    if not found:
        raise ImportError_(f"{name}: cannot tell when this copy was captured: give --as-of "
                           "YYYY-MM-DD, or a web-archive URL, or a file named by its date")
    stamp = next(g for g in found.groups() if g)
    try:
        if len(stamp) == 14:
            moment = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        else:
            moment = datetime.combine(date.fromisoformat(stamp), datetime.min.time(), UTC)
    except ValueError:
        raise ImportError_(f"{name}: {stamp!r} is not a capture date") from None
    return moment.isoformat(timespec="seconds")


def pages_to_import(inputs: list[str], as_of: str | None) -> list[tuple[str, str]]:
    """(URL, capture time) for every input: URLs as given, files (and the *.html files of a
    folder) as file:// URLs; oldest first."""
    pages = []
    for item in inputs:
        if item.startswith(("http://", "https://")):
            pages.append((item, capture_time(item, as_of)))
            continue
        path = Path(item)
        if not path.exists():
            raise ImportError_(f"{item}: no such file or folder")
        files = sorted(path.glob("*.htm*")) if path.is_dir() else [path]
        if not files:
            raise ImportError_(f"{item}: no .html files in this folder")
        pages += [(f.resolve().as_uri(), capture_time(str(f), as_of)) for f in files]
    return sorted(pages, key=lambda page: page[1])


@cli.command()
@click.argument("source", required=False)
@source_option(name="source_option")
@click.option("--allow-drop", is_flag=True,
              help="Accept a pull with more than 5 % fewer rows than the last one (after checking it by hand).")
@click.option("-v", "--verbose", is_flag=True, help="Print the full log on stderr instead of the log file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines, only the result.")
@click.option("--via", type=click.Choice(["api", "xlsx"]), default="api", show_default=True,
              help="Read the JSON service (/values) or the official XLSX export (/export).")
@config_option
def crawl(source: str | None, source_option: str | None, allow_drop: bool, verbose: bool, quiet: bool,
          via: str, config_file: Path | None) -> None:
    """Crawl SOURCE (or --source; default: ru_minjust_undesirable), store what changed and write the exports,
    then deliver the alerts it queued (what fails stays queued; it never fails the crawl).

    Exit 0 on success, 1 when the crawl is refused or fails, 3 when it is held
    for a second pull to confirm vanished rows or a mass change.
    """
    # From here to the exit: the start-up's imports (Scrapy, httpx) and the spider's 100 000
    # rows are no garbage, yet were walked again and again before `ingest` paused the collector
    # (0.1-0.2 s of CPU of a 100 000-row crawl; its peak RSS as before)
    with collector.paused():
        _crawl_command(source, source_option, allow_drop, verbose, quiet, via, config_file)


def _crawl_command(source: str | None, source_option: str | None, allow_drop: bool, verbose: bool, quiet: bool,
                   via: str, config_file: Path | None) -> None:
    from pipelines.storage.locks import source_lock
    from scraper.project import scrapy_settings

    source = _source(chosen_source(source, source_option))
    alerting, config_file = _alert_config(config_file)
    config, store = _open_store()  # a database we cannot open stops us before any fetching
    store.close()
    try:
        scrapy_settings({"REGWATCH_CONFIG": str(config_file or "")})  # a bad setting stops us here
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    # The source's lock from before the first request to the last file: no two workers
    # fetch one source at once (a worker taken for dead whose job was restarted beside it).
    with source_lock(config.data_dir, source, wait=False, database_url=config.database_url) as held:
        if not held:
            logging.getLogger("regwatch.cli").info("%s: another crawl is running; this one is skipped", source)
            click.echo(_say("cli.crawl.skipped", source=source))
            return
        _crawl(source, config, alerting, config_file, allow_drop, verbose, quiet, via)


def _crawl(source: str, config: DataConfig, alerting: AlertConfig, config_file: Path | None,
           allow_drop: bool, verbose: bool, quiet: bool, via: str) -> None:
    from regwatch.runner import run_crawl

    log_file = None if verbose else config.data_dir / "regwatch.log"
    if not quiet:  # -q: only the result
        click.echo(_say("cli.crawl.start_logged", source=source, log=log_file) if log_file
                   else _say("cli.crawl.start", source=source))
    outcome = run_crawl(source, log_file=log_file, allow_drop=allow_drop,
                        progress=not (quiet or verbose), config_file=config_file, via=via,
                        defer_xlsx=True)
    _after_crawl(source, outcome, alerting, config)
    _write_deferred(source, config)
    if outcome.status == HELD:
        click.echo(outcome.message, err=True)
        sys.exit(EXIT_HELD)
    if not outcome.ok:
        click.echo(outcome.message, err=True)
        sys.exit(EXIT_REFUSED)
    warnings = _count("cli.count.warnings", len(outcome.warnings)) if outcome.warnings else ""
    click.echo(_say("cli.crawl.result", source=source, status=outcome.status, entries=outcome.entries,
                    message=outcome.message) + warnings)
    if outcome.gap_days:  # many additions, stored at once: say why they were not held
        click.echo(_count("cli.crawl.gap", outcome.gap_days,
                          added=sum(change.kind == "added" for change in outcome.changes)))
    for change in outcome.changes:
        click.echo("  " + describe(change))


def _after_crawl(source: str, outcome, alerting: AlertConfig, config: DataConfig) -> None:
    """Record the source's health (the operator hears of K failures in a row, and of the
    recovery), then deliver what is queued. Nothing here changes the crawl's exit code."""
    from pipelines.alerts import outbox
    from pipelines.alerts.delivery import deliver, tell_health

    _, store = _open_store(config)
    try:
        now = utc_now("milliseconds")
        if outcome.ok:
            event = outbox.record_success(store.engine, source, now, outcome.last_modified)
        elif outcome.status == HELD:
            event = None  # not a failure: the next pull confirms or drops it
        else:
            event = outbox.record_failure(store.engine, source, outcome.message, now,
                                          alerting.failures_before_alert)
        tell_health(store.engine, alerting, event, now)
        if outcome.status in (BASELINE, CHANGED):  # announced designations it now shows: confirmed
            from pipelines.announcements.confirm import link_pending

            link_pending(store, source, now)
        report = deliver(store.engine, alerting, config.data_dir)
    except Exception as exc:  # alerting trouble is logged and shown, never fails the crawl
        logging.getLogger("regwatch.cli").exception("alerts after the crawl of %s", source)
        click.echo(_say("cli.alerts_failed", error=redact(str(exc))), err=True)
        return
    finally:
        store.close()
    if report.sent or report.retrying or report.failed:
        click.echo(report.summary())


def _write_deferred(source: str, config: DataConfig) -> None:
    """The XLSX, the costliest file, and the name index of a register small enough, once
    the alerts went out: the crawl left them lagging (published.json and the index's stamp
    say so), and a crawl that dies first leaves them to the next run (or the next check)."""
    from pipelines.publish.sync import pause_point, publish_after_alerts
    from pipelines.storage.locks import source_lock

    _, store = _open_store(config)
    try:
        with source_lock(config.data_dir, source, database_url=config.database_url):
            publish_after_alerts(store, config.data_dir, source)
        pause_point("all_written")
    except OSError as exc:  # a full disk, say: the next run tries again; the crawl stands
        logging.getLogger("regwatch.cli").exception("the exports after the crawl of %s", source)
        click.echo(_say("cli.error.exports", source=source, error=redact(str(exc))), err=True)
    finally:
        store.close()


@cli.command()
@click.argument("source", required=False)
@source_option(name="source_option")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def verify(source: str | None, source_option: str | None, as_json: bool) -> None:
    """Pull SOURCE (or --source; default: ru_minjust_undesirable) through both official
    channels (the JSON service and the XLSX export) and report every row where they
    disagree. Stores nothing as current.

    Exit 0 when they agree on every row, 1 when they disagree or a channel fails.
    """
    from regwatch.cli.verify import run_verify
    from scraper.project import scrapy_settings

    source = _source(chosen_source(source, source_option))
    config, store = _open_store()
    store.close()
    try:
        scrapy_settings()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    report = run_verify(source, config)
    if as_json:
        _emit(json.dumps({
            "source": report.source, "agree": report.ok,
            "channels": [{"channel": p.channel, "rows": len(p.entries), "source_data_date": p.as_of,
                          "raw_replies_sha256": p.replies, "problem": p.problem} for p in report.pulls],
            "disagreements": [vars(d) for d in report.disagreements]},
            ensure_ascii=False, indent=1).encode() + b"\n", None)
    else:
        for pull in report.pulls:
            date = _say("cli.verify.data_date", day=pull.as_of) if pull.as_of else ""
            state = (_say("cli.verify.failed", problem=pull.problem) if pull.problem
                     else _count("cli.count.rows", len(pull.entries)) + date)
            click.echo(_say("cli.verify.pull", channel=f"{pull.channel:<5}", state=state,
                            replies=", ".join(r[:12] for r in pull.replies)))
        for d in report.disagreements:
            click.echo(f"№{d.number}  {d.field}: {report.pulls[0].channel} {d.first!r} ≠ "
                       f"{report.pulls[1].channel} {d.second!r}")
        if report.ok:
            click.echo(_say("cli.verify.agree", source=source))
        elif report.disagreements:
            click.echo(_count("cli.count.disagreements", len(report.disagreements), source=source), err=True)
    sys.exit(EXIT_OK if report.ok else EXIT_REFUSED)


@cli.command("import-html")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--as-of", "as_of", callback=_iso_day, metavar="YYYY-MM-DD",
              help="The capture date, for copies whose URL or file name does not give it.")
def import_html(inputs: tuple[str, ...], as_of: str | None) -> None:
    """Load saved or web-archived copies of the old official page (files, folders of
    them, or web-archive capture URLs) as historical snapshots, oldest first, so the
    history reaches back before regwatch first ran. Importing a copy twice changes nothing.

    Exit 0 when every copy was imported (or had been), 1 when one was refused.
    """
    from regwatch.runner import run_spider

    try:
        pages = pages_to_import(list(inputs), as_of)
    except ImportError_ as exc:
        raise click.UsageError(str(exc)) from None
    config, store = _open_store()
    store.close()
    click.echo(_say("cli.import.start", count=len(pages), log=config.data_dir / "regwatch.log"))
    # the XLSX (and the name index) once, after the last copy, not once a copy
    outcomes = run_spider("minjust_undesirable_html", DEFAULT_SOURCE,
                          config.data_dir / "regwatch.log", progress=True, defer_xlsx=True, pages=pages)
    _write_deferred(DEFAULT_SOURCE, config)
    for (_url, captured), outcome in zip(pages, outcomes):
        click.echo(f"  [{captured[:10]}] {outcome.status}: {outcome.message or outcome.entries}")
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        click.echo(outcome.message, err=True)
    sys.exit(EXIT_REFUSED if failed or len(outcomes) < len(pages) else EXIT_OK)


@cli.command()
@source_option()
def reparse(source: str) -> None:
    """Rebuild every snapshot, version and change of SOURCE from the raw replies kept on
    disk (after a parser fix), in one transaction, rewrite the exports, and print what
    changed in the rebuilt history. Nothing is downloaded.

    Exit 0, or 1 when a snapshot cannot be read again (then nothing is changed).
    """
    from regwatch.cli.reparse import reparse as rebuild_history

    source = _source(source)
    config, store = _open_store()
    try:
        delta = rebuild_history(store, config.data_dir, source)
    except ValueError as exc:
        click.echo(_say("cli.error.reparse", error=exc), err=True)
        sys.exit(EXIT_REFUSED)
    finally:
        store.close()
    for label, found in (("cli.reparse.new", delta.new_changes), ("cli.reparse.gone", delta.dropped_changes)):
        for change in found:
            click.echo(f"{_say(label):<4} {change.detected_at}  {describe(change)}")
    click.echo(_say("cli.reparse.result", source=source, new=len(delta.new_changes),
                    gone=len(delta.dropped_changes), entries=len(delta.entries_changed))
               + (f" ({', '.join(delta.entries_changed[:10])}"
                                     f"{'…' if len(delta.entries_changed) > 10 else ''})"
                                     if delta.entries_changed else ""))
