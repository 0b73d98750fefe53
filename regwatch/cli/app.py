"""The `regwatch` command: the click group each command module of this package registers
its commands on (main.py imports them all), and what they share: the user's language,
the source, the data folder and database, the alert configuration, the output, the exit
codes and the log on stderr.

Exit codes: 0 success; 1 the crawl was refused or failed (nothing stored as current);
2 usage or configuration error; 3 held: the crawl saw vanished rows or a mass change
and waits for a second pull to agree before reporting it. `regwatch check`: 0 listed,
1 not listed, 2 error.
"""

from __future__ import annotations

import importlib
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipelines import collector
from pipelines.i18n.catalog import language_of, translator
from pipelines.storage.atomic import atomic_write_bytes
from pipelines.storage.data_config import EMPTY, MISSING, DataConfig, LostDatabase

if TYPE_CHECKING:  # imported where used: `regwatch --help` must not pay for SQLAlchemy
    from pipelines.alerts.config import AlertConfig
    from pipelines.storage.store import Store

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
    from scraper.registers.metadata import load_source

    try:
        return load_source(name).source
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None


def _data_config(lost_exit: int = 2) -> DataConfig:
    """The data configuration, its folder created; `lost_exit` when the database was lost."""
    try:
        config = DataConfig.from_env().prepare()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    return _unless_lost(config, lost_exit)


def _unless_lost(config: DataConfig, lost_exit: int) -> DataConfig:
    """Never a silent new baseline (nor a silent empty answer) beside the old exports."""
    try:
        config.check_database()
    except LostDatabase as lost:
        if lost.problem in (EMPTY, MISSING):
            message = _say(f"cli.error.database_{lost.problem}", file=lost.file, exports=lost.exports,
                           folder=lost.exports.parent if lost.exports else "",
                           data_dir=lost.exports.parent.parent if lost.exports else "")
        else:
            message = _say("cli.error.database_not_sqlite", file=lost.file, start=repr(lost.start))
        click.echo(message, err=True)
        sys.exit(lost_exit)
    return config


def _open_store(config: DataConfig | None = None) -> tuple[DataConfig, Store]:
    from sqlalchemy.exc import SQLAlchemyError

    from pipelines.storage.store import Store
    from scraper.redact import redact

    config = config or _data_config(EXIT_REFUSED)
    try:
        return config, Store(config.database_url)
    except (SQLAlchemyError, ImportError) as exc:  # ImportError: the URL's driver is not installed
        detail = str(getattr(exc, "orig", None) or exc)
        click.echo(_say("cli.error.database", url=redact(config.database_url),
                        detail=redact(detail).splitlines()[0]), err=True)
        sys.exit(EXIT_REFUSED)


def _read_config(lost_exit: int = 2) -> DataConfig:
    """The data configuration for a command that only reads: the data folder is not created."""
    try:
        config = DataConfig.from_env().check_folder()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    return _unless_lost(config, lost_exit)


def _no_database(config: DataConfig) -> bool:
    """The database is an SQLite file not created yet: nothing was ever crawled, and a
    command that only reads must not create it."""
    database = config.sqlite_file()
    return database is not None and not database.exists()


def _open_to_read() -> tuple[DataConfig, Store | None]:
    """The store for a command that only reads; None when there is no database yet."""
    config = _read_config(EXIT_REFUSED)
    return (config, None) if _no_database(config) else _open_store(config)


def _alert_config(option: Path | None) -> tuple[AlertConfig, Path | None]:
    from pipelines.alerts.config import ConfigError, config_path, load_config

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


def describe(change) -> str:
    detail = f" {change.field}: {change.old!r} → {change.new!r}" if change.field and change.kind != "added" else ""
    return f"{change.kind:<10} №{change.number:<4} {change.name}{detail}"


def _log_to_stderr() -> None:
    from scraper.redact import RedactingFilter, quiet_request_logs

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                           "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(RedactingFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    quiet_request_logs()


# Each command's module and the start of its help, for `regwatch --help`: a command's module
# is imported only when that command runs (or shows its own help), so that a call pays for
# the libraries it uses (SQLAlchemy, Scrapy, FastAPI…) and no others. test_cli checks that
# the table matches the commands.
COMMANDS = {
    "alerts": ("alerting", "Show the alert outbox: every alert, to whom, its state, attempts and last error."),
    "announcements": ("announcing", "Designations announced by the Prosecutor General's Office, the media and NGOs"),
    "changes": ("data", "List every change regwatch detected: added, excluded, reinstated, removed, modified, "
                        "renumbered."),
    "check": ("checking", "Is NAME (an organisation, a person, an INN or OGRN) on any register?"),
    "crawl": ("crawling", "Crawl SOURCE (or --source; default: ru_minjust_undesirable), store what changed"),
    "deliver": ("alerting", "Deliver every queued alert now, whatever its backoff, then exit."),
    "demo": ("serving", "Run the whole job offline against two recorded states of the register"),
    "export": ("data", "Export the register: the latest state, as it officially stood --at a date"),
    "extract": ("announcing", "The designation events in one saved article (HTML or plain text)"),
    "import-html": ("crawling", "Load saved or web-archived copies of the old official page"),
    "reparse": ("crawling", "Rebuild every snapshot, version and change of SOURCE from the raw replies kept on disk"),
    "schedule": ("alerting", "Run the scheduler: probe each register, crawl when it changed (and daily)"),
    "serve": ("serving", "Serve the register on the web: the searchable table, \"am I listed?\""),
    "show": ("data", "An entry's whole history: every version as published"),
    "worker": ("alerting", "Run jobs from the PostgreSQL job queue: the probes, crawls, announcement runs"),
    "verify": ("crawling", "Pull SOURCE (or --source; default: ru_minjust_undesirable) through both official channels"),
}


_COMMAND_MODULES = ("alerting", "announcing", "checking", "crawling", "data", "serving")


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use (see COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # a command missing from the table (test_cli says so) is still found, slowly
            modules = [COMMANDS[cmd_name][0]] if cmd_name in COMMANDS else _COMMAND_MODULES
            with collector.paused():  # imports make no garbage (SQLAlchemy's: 40 ms of collections)
                for module in modules:
                    importlib.import_module(f"regwatch.cli.{module}")  # registers its commands
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit))
                if name in COMMANDS else (name, self.commands[name].get_short_help_str(limit))
                for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="regwatch", prog_name="regwatch", message="%(prog)s %(version)s",
                      help="Print the version of regwatch and exit.")
def cli() -> None:
    """Monitor official registers of "undesirable" organisations.

    Data goes to $REGWATCH_DATA_DIR (default ./output): the SQLite database, the raw
    replies and the exports. See the README for every setting.
    """
