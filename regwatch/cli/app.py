"""The `regwatch` command.

Exit codes: 0 success; 1 the crawl was refused or failed (nothing stored as current);
2 usage or configuration error; 3 held: the crawl saw vanished rows or a mass change
and waits for a second pull to agree before reporting it. `regwatch check`: 0 listed,
1 not listed, 2 error.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
from sqlalchemy.exc import SQLAlchemyError

from pipelines.alerts.config import AlertConfig, ConfigError, config_path, load_config
from pipelines.crawl import BASELINE, CHANGED, HELD
from pipelines.i18n.catalog import language_of, translator
from pipelines.publish.export import changes_csv, changes_json, register_at, render
from pipelines.storage.atomic import atomic_write_bytes
from pipelines.storage.data_config import DataConfig
from pipelines.storage.store import Store
from scraper.items import utc_now
from scraper.redact import redact
from scraper.registers.metadata import load_source, source_names

if TYPE_CHECKING:
    from regwatch.cli.checking import Stale

EXIT_OK, EXIT_REFUSED, EXIT_HELD = 0, 1, 3  # 2, a usage error, is click's own (UsageError)
DEFAULT_SOURCE = "ru_minjust_undesirable"


def _say(msgid: str, **values: object) -> str:
    """A line of the command in the user's language (LC_ALL, LC_MESSAGES, LANG: ru* is
    Russian, anything else English); `cli.*` in the phrase catalog."""
    return translator(language_of())(msgid, **values)


def _count(msgid: str, n: int, **values: object) -> str:
    """The same for a line that counts: the form that goes with n (`{n}` in the text)."""
    return translator(language_of()).plural(msgid, n, **values)


def _iso_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(_say("cli.error.bad_date", value=repr(value))) from None


def _source(name: str) -> str:
    try:
        return load_source(name).source
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None


def _data_config() -> DataConfig:
    try:
        return DataConfig.from_env().prepare()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _open_store() -> tuple[DataConfig, Store]:
    config = _data_config()
    try:
        return config, Store(config.database_url)
    except (SQLAlchemyError, ImportError) as exc:  # ImportError: the URL's driver is not installed
        detail = str(getattr(exc, "orig", None) or exc)
        click.echo(_say("cli.error.database", url=redact(config.database_url),
                        detail=redact(detail).splitlines()[0]), err=True)
        sys.exit(EXIT_REFUSED)


def _alert_config(option: Path | None) -> tuple[AlertConfig, Path | None]:
    path = config_path(str(option) if option else None)
    try:
        return load_config(path), path
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


config_option = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Subscriptions and alert settings (regwatch.toml); default $REGWATCH_CONFIG.")


def _emit(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, data)
        click.echo(_say("cli.wrote", file=output, size=f"{len(data):,}"), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Monitor official registers of "undesirable" organisations.

    Data goes to $REGWATCH_DATA_DIR (default ./output): the SQLite database, the raw
    replies and the exports. See the README for every setting.
    """


@cli.command()
@click.argument("source", default=DEFAULT_SOURCE)
@click.option("--allow-drop", is_flag=True,
              help="Accept a pull with more than 5 % fewer rows than the last one (after checking it by hand).")
@click.option("-v", "--verbose", is_flag=True, help="Print the full log on stderr instead of the log file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines, only the result.")
@click.option("--via", type=click.Choice(["api", "xlsx"]), default="api", show_default=True,
              help="Read the JSON service (/values) or the official XLSX export (/export).")
@config_option
def crawl(source: str, allow_drop: bool, verbose: bool, quiet: bool, via: str,
          config_file: Path | None) -> None:
    """Crawl SOURCE (default: ru_minjust_undesirable), store what changed and write the exports,
    then deliver the alerts it queued (what fails stays queued; it never fails the crawl).

    Exit 0 on success, 1 when the crawl is refused or fails, 3 when it is held
    for a second pull to confirm vanished rows or a mass change.
    """
    from regwatch.runner import run_crawl
    from scraper.project import scrapy_settings

    source = _source(source)
    alerting, config_file = _alert_config(config_file)
    config, store = _open_store()  # a database we cannot open stops us before any fetching
    store.close()
    try:
        scrapy_settings({"REGWATCH_CONFIG": str(config_file or "")})  # a bad setting stops us here
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    log_file = None if verbose else config.data_dir / "regwatch.log"
    click.echo(_say("cli.crawl.start_logged", source=source, log=log_file) if log_file
               else _say("cli.crawl.start", source=source))
    outcome = run_crawl(source, log_file=log_file, allow_drop=allow_drop,
                        progress=not (quiet or verbose), config_file=config_file, via=via)
    _after_crawl(source, outcome, alerting, config)
    if outcome.status == HELD:
        click.echo(outcome.message, err=True)
        sys.exit(EXIT_HELD)
    if not outcome.ok:
        click.echo(outcome.message, err=True)
        sys.exit(EXIT_REFUSED)
    warnings = _count("cli.count.warnings", len(outcome.warnings)) if outcome.warnings else ""
    click.echo(_say("cli.crawl.result", source=source, status=outcome.status, entries=outcome.entries,
                    message=outcome.message) + warnings)
    for change in outcome.changes:
        click.echo("  " + describe(change))


def _after_crawl(source: str, outcome, alerting: AlertConfig, config: DataConfig) -> None:
    """Record the source's health (the operator hears of K failures in a row, and of the
    recovery), then deliver what is queued. Nothing here changes the crawl's exit code."""
    from pipelines.alerts import outbox
    from pipelines.alerts.delivery import deliver, tell_health

    _, store = _open_store()
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


def describe(change) -> str:
    detail = f" {change.field}: {change.old!r} → {change.new!r}" if change.field and change.kind != "added" else ""
    return f"{change.kind:<10} №{change.number:<4} {change.name}{detail}"


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv", show_default=True)
@click.option("--at", "at", callback=_iso_day, metavar="YYYY-MM-DD",
              help="The register as it officially stood that day (by the dates of the inclusion and exclusion orders).")
@click.option("--as-seen", "as_seen", callback=_iso_day, metavar="YYYY-MM-DD",
              help="What the official list showed that day (the last snapshot taken by then).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
@click.option("--source", default=DEFAULT_SOURCE, show_default=True)
def export(fmt: str, at: str | None, as_seen: str | None, output: Path | None, source: str) -> None:
    """Export the register: the latest state, as it officially stood --at a date, or as
    the official list showed it --as-seen on a date. The two differ when the list lagged
    an order."""
    source = _source(source)
    if at and as_seen:
        raise click.UsageError(_say("cli.error.at_and_as_seen"))
    if (at or as_seen or "") > date.today().isoformat():
        raise click.UsageError(_say("cli.error.future", day=at or as_seen))
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError(_say("cli.error.xlsx_to_terminal"))
    _, store = _open_store()
    if store.last_snapshot(source) is None:
        click.echo(_say("cli.nothing_crawled", source=source), err=True)
        sys.exit(EXIT_REFUSED)
    if as_seen:
        snapshot, entries = store.entries_as_seen(source, as_seen + "T23:59:59+00:00")
        if snapshot is None:
            click.echo(_say("cli.export.no_snapshot", source=source, day=as_seen), err=True)
            sys.exit(EXIT_REFUSED)
        click.echo(_count("cli.export.as_seen", len(entries), source=source, taken=snapshot.taken_at,
                          channel=snapshot.channel), err=True)
    elif at is None:
        entries = store.current_entries(source)
    else:
        entries = register_at(store.entries_known_at(source, at + "T23:59:59+00:00"), at)
    _emit(render(entries, fmt, source, utc_now()), output)


@cli.command()
@click.option("--since", callback=_iso_day, metavar="YYYY-MM-DD", help="Only changes detected on or after this day.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--source", default=None, help=f"One source ({', '.join(source_names())}); default all.")
def changes(since: str | None, fmt: str, source: str | None) -> None:
    """List every change regwatch detected: added, excluded, reinstated, removed, modified, renumbered."""
    _, store = _open_store()
    found = store.changes(_source(source) if source else None, since or "")
    if fmt == "json":
        _emit(changes_json(found), None)
    elif fmt == "csv":
        _emit(changes_csv(found), None)
    else:
        for change in found:
            click.echo(f"{change.detected_at}  {describe(change)}")
        click.echo(_count("cli.count.changes", len(found)), err=True)


@cli.command()
@click.argument("name", required=False)
@click.option("--file", "names_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check every name of a CSV file (its `name` column, else its first) and write a CSV of results.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="With --file: write the results here (atomically) instead of standard output.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text (one name).")
@click.option("--all-registers", is_flag=True, help="Check every register crawled, not only the default one.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50),
              help="How many candidates to show.")
@config_option
def check(name: str | None, names_file: Path | None, output: Path | None, as_json: bool,
          all_registers: bool, limit: int, config_file: Path | None) -> None:
    """Is NAME on the register? Any spelling: English, Russian, transliterated, an acronym.

    Exit 0 listed, 1 not listed (a possible match included), 2 error. With --file: exit 0
    when the file was checked, whatever the verdicts (the counts go to stderr).
    """
    from pipelines.matching.index import QueryError
    from regwatch.cli import checking

    if (name is None) == (names_file is None):
        raise click.UsageError(_say("cli.error.name_or_file"))
    alerting, _ = _alert_config(config_file)
    rules = [(rule.query, rule.entry_id) for rule in alerting.false_positives]
    sources = source_names() if all_registers else [DEFAULT_SOURCE]
    try:
        registers = checking.load_registers(_data_config().database_url, sources, language_of())
    except checking.CheckError as exc:
        click.echo(str(exc), err=True)
        sys.exit(checking.EXIT_ERROR)
    stale = checking.stale_data(registers.ages, datetime.now(UTC), language_of())
    if names_file is not None:
        _check_file(registers.index, names_file, rules, output, stale)
        return
    try:
        verdict = registers.index.check(name, limit=limit, false_positives=rules)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(checking.verdict_json(verdict, stale) if as_json
               else checking.verdict_text(verdict, language_of(), stale),
               nl=False)
    sys.exit(checking.EXIT_LISTED if verdict.listed else checking.EXIT_NOT_LISTED)


def _check_file(index, names_file: Path, rules: list[tuple[str, str]], output: Path | None,
                stale: list[Stale]) -> None:
    from regwatch.cli import checking

    try:
        names = checking.read_names(names_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(_say("cli.error.names_file", file=names_file, error=exc)) from None
    results = checking.check_all(index, names, rules)
    _emit(checking.results_csv(results), output)
    click.echo(checking.summary(results, language_of()), err=True)
    if any(not isinstance(verdict, str) and not verdict.listed for _, verdict in results):
        for old in stale:  # the "not listed" rows rest on this data
            click.echo(_say("cli.check.warning", warning=old.warning), err=True)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the demo writes (wiped first); default output/demo or output/demo-alerts.")
@click.option("--alerts", is_flag=True,
              help="Run the scheduler daemon instead, delivering to a local webhook and mail server.")
def demo(out: Path | None, alerts: bool) -> None:
    """Run the whole job offline against two recorded states of the register
    (2026-07-29, then 2026-08-14), served by the local fake of the official service.
    With --alerts: the same through `regwatch schedule`, alerting a local webhook
    receiver and a local SMTP server, each exactly once."""
    if alerts:
        from regwatch.demo_alerts import run_alerts_demo

        sys.exit(run_alerts_demo(out or Path("output/demo-alerts")))
    from regwatch.demo import run_demo

    sys.exit(run_demo(out or Path("output/demo")))


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
    from regwatch.cli.crawling import ImportError_, pages_to_import
    from regwatch.runner import run_spider

    try:
        pages = pages_to_import(list(inputs), as_of)
    except ImportError_ as exc:
        raise click.UsageError(str(exc)) from None
    config, store = _open_store()
    store.close()
    click.echo(_say("cli.import.start", count=len(pages), log=config.data_dir / "regwatch.log"))
    outcomes = run_spider("minjust_undesirable_html", DEFAULT_SOURCE,
                          config.data_dir / "regwatch.log", progress=True, pages=pages)
    for (url, captured), outcome in zip(pages, outcomes):
        click.echo(f"  [{captured[:10]}] {outcome.status}: {outcome.message or outcome.entries}")
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        click.echo(outcome.message, err=True)
    sys.exit(EXIT_REFUSED if failed or len(outcomes) < len(pages) else EXIT_OK)


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
                   + (f" — {dates}" if dates else "") + (f" — {record['authority']}" if record.get("authority") else ""))
        click.echo(f"            «{record['sentence'][:300]}»")
    click.echo(_count("cli.count.events", len(records)), err=True)


@cli.command()
@click.option("--source", default=DEFAULT_SOURCE, show_default=True)
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


@cli.command()
@click.argument("entry_id")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def show(entry_id: str, as_json: bool) -> None:
    """An entry's whole history: every version as published, with the snapshot and the raw
    replies it came from (channel, URL, time, SHA-256). ENTRY_ID as in the exports,
    e.g. ru_minjust_undesirable/57.

    Exit 0, or 1 when no entry has that id.
    """
    from regwatch.cli.data import history_record, history_text

    _, store = _open_store()
    try:
        history = store.entry_history(entry_id)
        if history is None:
            click.echo(_say("cli.error.no_entry", entry_id=repr(entry_id)), err=True)
            sys.exit(EXIT_REFUSED)
        record = history_record(history, store)
    finally:
        store.close()
    if as_json:
        _emit(json.dumps(record, ensure_ascii=False, indent=1).encode() + b"\n", None)
    else:
        click.echo("\n".join(history_text(record)))


@cli.command()
@click.argument("source", default=DEFAULT_SOURCE)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def verify(source: str, as_json: bool) -> None:
    """Pull SOURCE through both official channels (the JSON service and the XLSX export)
    and report every row where they disagree. Stores nothing as current.

    Exit 0 when they agree on every row, 1 when they disagree or a channel fails.
    """
    from regwatch.cli.verify import run_verify
    from scraper.project import scrapy_settings

    source = _source(source)
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

    _, store = _open_store()
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
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@config_option
def serve(host: str, port: int, config_file: Path | None) -> None:
    """Serve the register on the web: the searchable table, "am I listed?", each entry's
    history, the changes, the downloads and a chart, in English and Russian, with a JSON
    API under /api/ (described at /openapi.json and /docs).

    Read-only, except POST /api/crawl, which needs `Authorization: Bearer
    $REGWATCH_API_TOKEN` (unset: disabled). The check applies the configuration's
    [[false_positive]] rules, as `regwatch check` does.
    """
    import os

    import uvicorn

    from regwatch.web.app import create_app

    alerting, _ = _alert_config(config_file)
    config, store = _open_store()  # a database we cannot open stops us here, in one line
    store.close()
    app = create_app(config, token=os.environ.get("REGWATCH_API_TOKEN"), source=DEFAULT_SOURCE,
                     false_positives=[(rule.query, rule.entry_id) for rule in alerting.false_positives])
    click.echo(_say("cli.serve", source=DEFAULT_SOURCE, host=host, port=port), err=True)
    # a 500-character Cyrillic query is 9 KB of URL once percent-encoded: allow 64 KB of head
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                h11_max_incomplete_event_size=65536)


def _log_to_stderr() -> None:
    from scraper.redact import RedactingFilter, quiet_request_logs

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                           "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(RedactingFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    quiet_request_logs()


def main() -> None:
    cli(prog_name="regwatch")

