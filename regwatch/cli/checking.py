"""`regwatch check`: one name, or a CSV file of names, against the current register.

Exit status: one name: 0 listed, 1 not listed (a possible match included), 2 an error
(bad query, nothing crawled yet, unreadable database or file). A file: 0 when it was read
and checked, whatever the verdicts (the CSV has one row per name, verdict `error` for a name
that cannot be checked; the counts go to stderr), 2 when it could not be.

A "not listed" answer is only as good as the data under it: when a register's last good
crawl is older than its metadata's `stale_after_days` (or it never had one), the answer
carries a warning with that date. A "listed" answer stands on the entry it shows.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from pipelines.announcements.articles import aliases_of, register_index
from pipelines.crawl import BASELINE, CHANGED, UNCHANGED
from pipelines.i18n.catalog import language_of, translator
from pipelines.i18n.phrase import said_in
from pipelines.matching.index import (
    LISTED_SCORE,
    POSSIBLE_SCORE,
    Candidate,
    QueryError,
    RegisterIndex,
    Verdict,
    verdict_record,
)
from pipelines.publish.export import neutralise
from pipelines.register.models import Entry
from pipelines.storage.schema import crawl_log
from pipelines.storage.store import Store
from regwatch.cli.app import (
    DEFAULT_SOURCE,
    _alert_config,
    _emit,
    _no_database,
    _read_config,
    _say,
    cli,
    config_option,
)
from scraper.redact import redact
from scraper.registers.metadata import load_source, source_names

EXIT_LISTED, EXIT_NOT_LISTED, EXIT_ERROR = 0, 1, 2
LISTED, EXCLUDED, POSSIBLE, NOT_LISTED, ERROR = "listed", "excluded", "possible", "not listed", "error"
RESULT_COLUMNS = ("query", "verdict", "entry_id", "number", "name", "score", "matched_on", "how")


class CheckError(Exception):
    """Why no check could run; the message says what to do."""


@dataclass(frozen=True)
class DataAge:
    """How old one register's data is: the end of its last good crawl (baseline, changed
    or unchanged; an imported copy counts at its capture time)."""

    source: str
    last_good_crawl: str  # ISO 8601; "" when it never had one
    stale_after_days: int  # from the register's metadata


@dataclass(frozen=True)
class Registers:
    index: RegisterIndex
    ages: tuple[DataAge, ...]  # one per source asked for, crawled or not


@dataclass(frozen=True)
class Stale:
    """A register whose data is too old (or missing) for a "not listed" answer to stand alone."""

    age: DataAge
    warning: str  # says the date of the last good crawl, and what to do

    def record(self) -> dict[str, object]:
        return {"source": self.age.source, "last_good_crawl": self.age.last_good_crawl or None,
                "stale_after_days": self.age.stale_after_days, "warning": self.warning}


def stale_data(ages: Iterable[DataAge], now: datetime, language: str = "en") -> list[Stale]:
    """The registers among `ages` whose last good crawl is older than their
    `stale_after_days` at `now` (timezone-aware), or that never had one; warned in `language`."""
    t = translator(language)
    stale = []
    for age in ages:
        if not age.last_good_crawl:
            stale.append(Stale(age, t("cli.check.stale.never", source=age.source)))
            continue
        crawled = datetime.fromisoformat(age.last_good_crawl)
        days = (now - (crawled if crawled.tzinfo else crawled.replace(tzinfo=UTC))) / timedelta(days=1)
        if days > age.stale_after_days:
            stale.append(Stale(age, t("cli.check.stale.old", source=age.source, day=age.last_good_crawl[:10],
                                      days=int(days), limit=age.stale_after_days)))
    return stale


def load_registers(database_url: str, sources: Sequence[str], language: str = "en") -> Registers:
    """The index of the current entries of every crawled source among `sources`, with the
    names announcements gave them, and how old each source's data is; CheckError (in
    `language`) if none was crawled."""
    t = translator(language)
    try:
        store = Store(database_url)
    except (SQLAlchemyError, ImportError) as exc:
        raise CheckError(t("cli.error.database", url=redact(database_url),
                           detail=redact(str(getattr(exc, "orig", None) or exc)).splitlines()[0])) from None
    try:
        crawled = [source for source in sources if store.last_snapshot(source) is not None]
        if not crawled:
            raise CheckError(t("cli.check.nothing_crawled", sources=", ".join(sources)))
        # Names announcements gave an entry (e.g. "FIDH") find it too.
        index = register_index([entry for source in crawled for entry in store.current_entries(source)],
                               aliases_of(store.engine))
        return Registers(index, tuple(_data_age(store, source) for source in sources))
    except SQLAlchemyError as exc:
        raise CheckError(t("cli.error.database_read", url=redact(database_url),
                           detail=redact(str(exc)).splitlines()[0])) from None
    finally:
        store.close()


def _data_age(store: Store, source: str) -> DataAge:
    with store.engine.connect() as conn:
        last = conn.execute(select(func.max(crawl_log.c.last_at)).where(
            crawl_log.c.source == source, crawl_log.c.outcome.in_((BASELINE, CHANGED, UNCHANGED)))).scalar()
    return DataAge(source, last or "", load_source(source).stale_after_days)


def verdict_word(verdict: Verdict) -> str:
    """listed; excluded (a confident match of an entry no longer listed); possible; not listed."""
    if verdict.listed:
        return LISTED
    if verdict.matches and verdict.matches[0].score >= LISTED_SCORE:
        return EXCLUDED
    return POSSIBLE if verdict.matches else NOT_LISTED


def _dates(entry: Entry, language: str) -> str:
    t = translator(language)
    order = t("cli.check.order", order=entry.listing_order) if entry.listing_order else ""
    excluded = t("cli.check.excluded", day=entry.excluded_on) if entry.excluded_on else ""
    return t("cli.check.dates", designated=entry.designated_on or t("cli.check.not_published"),
             listed=entry.listed_on or t("cli.check.not_published")) + order + excluded


def _candidate_lines(candidate: Candidate, language: str) -> list[str]:
    t, entry = translator(language), candidate.entry
    return [f"  №{entry.number}  {entry.name}",
            "      " + t("cli.check.entry", entry_id=entry.entry_id,
                         status=t.get(f"status.{entry.status}", entry.status), dates=_dates(entry, language)),
            "      " + t("cli.check.matched", score=f"{candidate.score:.0f}",
                         part=t(f"cli.check.part.{candidate.part}"),
                         matched=candidate.matched_on, how=said_in(candidate.how, language)),
            *(["      " + t("cli.check.alias", matched=candidate.matched_on, source=candidate.alias_source)]
              if candidate.alias_source else []),
            "      " + t("cli.check.source", url=entry.source_url or t("cli.check.not_recorded"))]


def verdict_text(verdict: Verdict, language: str = "en", stale: Sequence[Stale] = ()) -> str:
    """The verdict first, then (not listed) a warning per register with `stale` data, then
    each candidate explained, in `language`."""
    t, word = translator(language), verdict_word(verdict)
    lines = [f"{t('cli.check.verdict.' + word.replace(' ', '_'))}: {verdict.query}"]
    if not verdict.listed:
        lines.extend("  " + t("cli.check.warning", warning=s.warning) for s in stale)
    if word == NOT_LISTED:
        lines.append(t("cli.check.none_close"))
    for candidate in verdict.matches:
        lines.extend(_candidate_lines(candidate, language))
    for candidate in verdict.ruled_out:
        lines.append(t("cli.check.ruled_out", number=candidate.entry.number, name=candidate.entry.name))
    if verdict.matches:  # which rule decided, in words ("nothing close" has its own line)
        lines.append(t("cli.check.why", rule=verdict.rule, why=said_in(verdict.explanation, language)))
    return "\n".join(lines) + "\n"


def verdict_json(verdict: Verdict, stale: Sequence[Stale] = ()) -> str:
    """`verdict_record`; a "not listed" answer on `stale` data adds `stale_data`: per register,
    its last good crawl (null: never), its `stale_after_days` and the warning."""
    record = verdict_record(verdict)
    if stale and not verdict.listed:
        record["stale_data"] = [s.record() for s in stale]
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def read_names(text: str) -> list[str]:
    """The names in a CSV: the `name` column when the header has one, else the first column."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().casefold() for cell in rows[0]]
    column, start = (header.index("name"), 1) if "name" in header else (0, 0)
    return [row[column] for row in rows[start:] if len(row) > column and row[column].strip()]


def _result_row(query: str, verdict: Verdict | str) -> list[str]:
    if isinstance(verdict, str):  # the error message
        return [query, ERROR, "", "", "", "", "", verdict]
    best = verdict.matches[0] if verdict.matches else None
    if best is None:
        return [verdict.query, NOT_LISTED, "", "", "", "", "", ""]
    entry = best.entry
    return [verdict.query, verdict_word(verdict), entry.entry_id, str(entry.number), entry.name,
            f"{best.score:.1f}", best.matched_on, best.how]


def check_all(index: RegisterIndex, names: Iterable[str],
              false_positives: Sequence[tuple[str, str]]) -> list[tuple[str, Verdict | str]]:
    """Each name with its verdict, or with the reason it could not be checked."""
    results: list[tuple[str, Verdict | str]] = []
    for name in names:
        try:
            results.append((name, index.check(name, limit=1, false_positives=false_positives)))
        except QueryError as exc:
            results.append((name, str(exc)))
    return results


def results_csv(results: Sequence[tuple[str, Verdict | str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows([neutralise(cell) for cell in _result_row(query, verdict)]
                     for query, verdict in results)
    return out.getvalue().encode("utf-8")


def summary(results: Sequence[tuple[str, Verdict | str]], language: str = "en") -> str:
    t = translator(language)
    words = [ERROR if isinstance(v, str) else verdict_word(v) for _, v in results]
    excluded = t("cli.check.summary_excluded", excluded=words.count(EXCLUDED)) if EXCLUDED in words else ""
    return t("cli.check.summary", checked=len(results), listed=words.count(LISTED), excluded=excluded,
             possible=words.count(POSSIBLE), not_listed=words.count(NOT_LISTED), errors=words.count(ERROR),
             score=f"{POSSIBLE_SCORE:.0f}")


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
    if (name is None) == (names_file is None):
        raise click.UsageError(_say("cli.error.name_or_file"))
    alerting, _ = _alert_config(config_file)
    rules = [(rule.query, rule.entry_id) for rule in alerting.false_positives]
    sources = source_names() if all_registers else [DEFAULT_SOURCE]
    config = _read_config()
    try:
        if _no_database(config):  # nothing crawled yet, and a check does not create the database
            raise CheckError(_say("cli.check.nothing_crawled", sources=", ".join(sources)))
        registers = load_registers(config.database_url, sources, language_of())
    except CheckError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERROR)
    stale = stale_data(registers.ages, datetime.now(UTC), language_of())
    if names_file is not None:
        _check_file(registers.index, names_file, rules, output, stale)
        return
    try:
        verdict = registers.index.check(name, limit=limit, false_positives=rules)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(verdict_json(verdict, stale) if as_json
               else verdict_text(verdict, language_of(), stale),
               nl=False)
    sys.exit(EXIT_LISTED if verdict.listed else EXIT_NOT_LISTED)


def _check_file(index, names_file: Path, rules: list[tuple[str, str]], output: Path | None,
                stale: list[Stale]) -> None:
    try:
        names = read_names(names_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(_say("cli.error.names_file", file=names_file, error=exc)) from None
    results = check_all(index, names, rules)
    _emit(results_csv(results), output)
    click.echo(summary(results, language_of()), err=True)
    if any(not isinstance(verdict, str) and not verdict.listed for _, verdict in results):
        for old in stale:  # the "not listed" rows rest on this data
            click.echo(_say("cli.check.warning", warning=old.warning), err=True)
