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
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from pipelines.i18n.catalog import language_of, translator
from pipelines.i18n.phrase import said_in
from pipelines.matching.freshness import DataAge, Stale, data_ages, registers_record, stale_data
from pipelines.matching.index import (
    POSSIBLE_SCORE,
    Candidate,
    QueryError,
    Verdict,
    verdict_record,
)
from pipelines.matching.registers import (
    Register,
    RegisterAnswer,
    answer_entry,
    answer_record,
    check_registers,
    deciding,
    verdict_word,
)
from pipelines.publish import name_index
from pipelines.register.models import Entry
from pipelines.storage.data_config import DataConfig
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

# A check imports neither SQLAlchemy nor the crawl: it answers from the name index beside
# the data (pipelines.publish.name_index), and opens the Store only when that lags.

EXIT_LISTED, EXIT_NOT_LISTED, EXIT_ERROR = 0, 1, 2
LISTED, EXCLUDED, POSSIBLE, NOT_LISTED, ERROR = "listed", "excluded", "possible", "not listed", "error"
RESULT_COLUMNS = ("query", "verdict", "entry_id", "number", "name", "score", "matched_on", "how")


class CheckError(Exception):
    """Why no check could run; the message says what to do."""


@dataclass(frozen=True)
class Registers:
    checkers: dict[str, Register]  # the crawled registers among those asked, in metadata order
    ages: tuple[DataAge, ...]  # one per source asked for, crawled or not

    def check(self, query: str, limit: int = 5,
              false_positives: Sequence[tuple[str, str]] = ()) -> list[RegisterAnswer]:
        return check_registers(self.checkers, query, limit, false_positives)


def load_registers(config: DataConfig, sources: Sequence[str], language: str = "en") -> Registers:
    """The checkers of every crawled source among `sources` (organisations with the names
    announcements gave them, people, identifiers), and how old each source's data is;
    CheckError (in `language`) if none was crawled. From the name index beside the data
    when it is up to date (an SQLite database is asked through the standard library), else
    from the database, and the index is written again where the folder allows."""
    database = config.sqlite_file()
    found = name_index.sqlite_facts(database, sources) if database is not None else None
    if found is not None:
        crawled = [source for source in sources if source in found.last_snapshot]
        if not crawled:
            raise CheckError(translator(language)("cli.check.nothing_crawled", sources=", ".join(sources)))
        stored = {source: name_index.read_index(config.data_dir, source, found.stamp(source)) for source in crawled}
        if all(stored.values()):
            return Registers({s: r for s, r in stored.items() if r is not None}, _ages(found, sources))
    return _from_database(config, sources, language)


def _from_database(config: DataConfig, sources: Sequence[str], language: str) -> Registers:
    from sqlalchemy.exc import SQLAlchemyError

    from pipelines.announcements.articles import aliases_of
    from pipelines.storage.store import Store

    t, url = translator(language), config.database_url
    try:
        store = Store(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise CheckError(t("cli.error.database", url=redact(url),
                           detail=redact(str(getattr(exc, "orig", None) or exc)).splitlines()[0])) from None
    try:
        found = name_index.store_facts(store, sources)
        crawled = [source for source in sources if source in found.last_snapshot]
        if not crawled:
            raise CheckError(t("cli.check.nothing_crawled", sources=", ".join(sources)))
        known = aliases_of(store.engine)  # names announcements gave an entry (e.g. "FIDH") find it too
        checkers = {}
        for source in crawled:
            stamp = found.stamp(source)
            stored = name_index.read_index(config.data_dir, source, stamp)
            checkers[source] = stored or name_index.build_register(source, store.current_entries(source), known)
            if stored is None:
                with suppress(OSError):  # a folder this user may only read: the next crawl writes it
                    name_index.write_index(config.data_dir, checkers[source], stamp)
        return Registers(checkers, _ages(found, sources))
    except SQLAlchemyError as exc:
        raise CheckError(t("cli.error.database_read", url=redact(url),
                           detail=redact(str(exc)).splitlines()[0])) from None
    finally:
        store.close()


def _ages(found: name_index.Facts, sources: Sequence[str]) -> tuple[DataAge, ...]:
    return tuple(data_ages(found.last_good_crawl, (load_source(source) for source in sources)))


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


def found_text(answer: RegisterAnswer, query: str, language: str = "en") -> str:
    """A person's or an identifier's answer: the verdict, then each entry and how it was found."""
    t = translator(language)
    lines = [f"{t('cli.check.verdict.' + answer.word.replace(' ', '_'))}: {query}"]
    for found in answer.found:
        entry = found.entry
        lines += [f"  №{entry.number}  {entry.name}",
                  "      " + t("cli.check.entry", entry_id=entry.entry_id,
                               status=t.get(f"status.{entry.status}", entry.status), dates=_dates(entry, language)),
                  "      " + t(f"cli.check.found.{found.how}"),
                  "      " + t("cli.check.source", url=entry.source_url or t("cli.check.not_recorded"))]
    return "\n".join(lines) + "\n"


def _data_line(age: DataAge | None, stale: Sequence[Stale], language: str) -> str:
    t = translator(language)
    if age is None or not age.last_good_crawl:
        return t("cli.check.registers.never")
    warned = next((s for s in stale if s.age.source == age.source), None)
    return t("cli.check.registers.read", day=age.last_good_crawl[:10]) + (
        "; " + t("cli.check.registers.stale") if warned else "")


def registers_text(answers: Sequence[RegisterAnswer], sources: Sequence[str], ages: Sequence[DataAge],
                   stale: Sequence[Stale], language: str = "en") -> str:
    """One line per register asked: its answer and its entry, its date and authority, and how
    fresh its data is; a register never read here says so instead of "not listed"."""
    t = translator(language)
    by_source = {a.source: a for a in answers}
    age_of = {a.source: a for a in ages}
    lines = [t("cli.check.registers.title")]
    for source in sources:
        meta, answer = load_source(source), by_source.get(source)
        name = meta.short(language)
        if answer is None:
            lines.append(f"  {t('cli.check.registers.unread'):<12} {name}: {_data_line(None, stale, language)}")
            continue
        entry = answer_entry(answer)
        what = (t("cli.check.registers.entry", number=entry.number, name=entry.name,
                  day=entry.listed_on or entry.designated_on or t("cli.check.not_published"),
                  authority=entry.designated_by or meta.authority)
                if entry is not None and answer.word != "not listed" else "")
        lines.append(f"  {t('cli.check.verdict.' + answer.word.replace(' ', '_')):<12} {name}"
                     + (f": {what}" if what else "") + f" ({_data_line(age_of.get(source), stale, language)})")
    return "\n".join(lines) + "\n"


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


def _result_row(query: str, answer: RegisterAnswer | str) -> list[str]:
    if isinstance(answer, str):  # the error message
        return [query, ERROR, "", "", "", "", "", answer]
    if answer.verdict is not None:
        best = answer.verdict.matches[0] if answer.verdict.matches else None
        if best is None:
            return [answer.verdict.query, NOT_LISTED, "", "", "", "", "", ""]
        entry = best.entry
        return [answer.verdict.query, answer.word, entry.entry_id, str(entry.number), entry.name,
                f"{best.score:.1f}", best.matched_on, best.how]
    if not answer.found:
        return [query, NOT_LISTED, "", "", "", "", "", ""]
    found = answer.found[0]
    return [query, answer.word, found.entry.entry_id, str(found.entry.number), found.entry.name,
            "100.0", found.entry.name, found.how]


def check_all(registers: Registers, names: Iterable[str],
              false_positives: Sequence[tuple[str, str]]) -> list[tuple[str, RegisterAnswer | str]]:
    """Each name with the answer of the register that decides it, or the reason it could not be checked."""
    results: list[tuple[str, RegisterAnswer | str]] = []
    for name in names:
        try:
            results.append((name, deciding(registers.check(name, limit=1, false_positives=false_positives))))
        except QueryError as exc:
            results.append((name, str(exc)))
    return results


def results_csv(results: Sequence[tuple[str, RegisterAnswer | str]]) -> bytes:
    from pipelines.publish.export import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows([neutralise(cell) for cell in _result_row(query, answer)]
                     for query, answer in results)
    return out.getvalue().encode("utf-8")


def summary(results: Sequence[tuple[str, RegisterAnswer | str]], language: str = "en") -> str:
    t = translator(language)
    words = [ERROR if isinstance(a, str) else a.word for _, a in results]
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
@click.option("--register", "chosen", multiple=True, metavar="REGISTER",
              help="Only this register (repeat for several); default: every register.")
@click.option("--all-registers", is_flag=True, hidden=True, help="Every register (the default now).")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50),
              help="How many candidates to show.")
@config_option
def check(name: str | None, names_file: Path | None, output: Path | None, as_json: bool,
          chosen: tuple[str, ...], all_registers: bool, limit: int, config_file: Path | None) -> None:
    """Is NAME (an organisation, a person, an INN or OGRN) on any register? Any spelling:
    English, Russian, transliterated, an acronym; a person's given name first or last.

    One answer per register crawled here, and how fresh its data is.

    Exit 0 listed, 1 not listed (a possible match included), 2 error; listed means in any register.
    With --file: exit 0 when the file was checked, whatever the verdicts (the counts go to
    stderr).
    """
    if (name is None) == (names_file is None):
        raise click.UsageError(_say("cli.error.name_or_file"))
    alerting, _ = _alert_config(config_file)
    rules = [(rule.query, rule.entry_id) for rule in alerting.false_positives]
    try:
        # The default register first: its answer decides the one-line verdict when nothing is listed.
        sources = [load_source(c).source for c in chosen] or sorted(
            source_names(), key=lambda source: source != DEFAULT_SOURCE)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    config = _read_config()
    try:
        if _no_database(config):  # nothing crawled yet, and a check does not create the database
            raise CheckError(_say("cli.check.nothing_crawled", sources=", ".join(sources)))
        registers = load_registers(config, sources, language_of())
    except CheckError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERROR)
    # A "not listed" answer warns of every register asked whose data is old or was never
    # read: the name may be on it.
    stale = stale_data(registers.ages, datetime.now(UTC), language_of())
    if names_file is not None:
        _check_file(registers, names_file, rules, output, stale)
        return
    try:
        answers = registers.check(name, limit=limit, false_positives=rules)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    answer = deciding(answers)
    several = len(registers.checkers) > 1 or len(chosen) > 1
    if as_json:
        record = answer_record(answer, name)
        if stale and not answer.listed:
            record["stale_data"] = [s.record() for s in stale]
        if several:
            record["register"] = answer.source
            record["registers"] = registers_record(answers, sources, name, registers.ages, stale)
        click.echo(json.dumps(record, ensure_ascii=False, indent=1))
    else:
        text = (verdict_text(answer.verdict, language_of(), stale) if answer.verdict is not None
                else found_text(answer, name, language_of()))
        if several:
            text += registers_text(answers, sources, registers.ages, stale, language_of())
        click.echo(text, nl=False)
    sys.exit(EXIT_LISTED if any(a.listed for a in answers) else EXIT_NOT_LISTED)





def _check_file(registers: Registers, names_file: Path, rules: list[tuple[str, str]], output: Path | None,
                stale: list[Stale]) -> None:
    try:
        names = read_names(names_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(_say("cli.error.names_file", file=names_file, error=exc)) from None
    results = check_all(registers, names, rules)
    _emit(results_csv(results), output)
    click.echo(summary(results, language_of()), err=True)
    if any(not isinstance(answer, str) and not answer.listed for _, answer in results):
        for old in stale:  # the "not listed" rows rest on this data
            click.echo(_say("cli.check.warning", warning=old.warning), err=True)
