"""The stored registers as pandas DataFrames, for a notebook:

    import regwatch
    df = regwatch.frame("ru_minjust_undesirable", at="2025-06-01")   # as it officially stood
    seen = regwatch.frame("ru_minjust_undesirable", at="2025-06-01", as_seen=True)  # as shown then
    changes = regwatch.changes_frame("ru_minjust_undesirable", since="2026-01-01")

They read the data folder the command line uses (REGWATCH_DATA_DIR, REGWATCH_DATABASE_URL;
`data_dir=` overrides the folder and its SQLite file, `database_url=` the database, say a
PostgreSQL one) and never write to it. Columns are the export's
(see the data dictionary); dates are pandas datetimes, lists stay lists.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.publish.dictionary import CHANGE_COLUMNS, export_columns
from pipelines.publish.export import change_record, entry_record, register_at
from pipelines.storage.data_config import DataConfig
from pipelines.storage.store import Store
from scraper.registers.metadata import load_source

if TYPE_CHECKING:
    import pandas as pd

_DAY_COLUMNS = ("designated_on", "listed_on", "excluded_on")
_MOMENT_COLUMNS = ("first_seen", "last_changed", "detected_at")


class NoData(LookupError):
    """Nothing stored for what was asked; the message says what and where."""


def frame(register: str = "ru_minjust_undesirable", at: str | dt.date | None = None,
          as_seen: bool = False, data_dir: str | Path | None = None,
          database_url: str | None = None) -> pd.DataFrame:
    """The register's entries: now; as it officially stood on `at` (by the dates of its
    inclusion and exclusion orders); or, with `as_seen=True`, what the official list showed
    on `at` (the last snapshot regwatch took by the end of that day)."""
    import pandas as pd

    source = load_source(register).source
    day = _day(at)
    if as_seen and day is None:
        raise ValueError("as_seen=True needs a day: at='YYYY-MM-DD'")
    with _store(data_dir, database_url) as store:
        if store.last_snapshot(source) is None:
            raise NoData(f"{source}: nothing crawled yet in {_where(data_dir)}")
        if day is None:
            entries = store.current_entries(source)
        elif as_seen:
            snapshot, entries = store.entries_as_seen(source, day + "T23:59:59+00:00")
            if snapshot is None:
                raise NoData(f"{source}: no snapshot taken by {day} in {_where(data_dir)}")
        else:
            entries = register_at(store.entries_known_at(source, day + "T23:59:59+00:00"), day)
    table = pd.DataFrame([entry_record(e) for e in entries], columns=list(export_columns(source)))
    return _typed(table).sort_values("number", ignore_index=True)


def changes_frame(register: str | None = None, since: str | dt.date | None = None,
                  data_dir: str | Path | None = None, database_url: str | None = None) -> pd.DataFrame:
    """Every change regwatch detected (of one register, or of all), oldest first."""
    import pandas as pd

    source = load_source(register).source if register else None
    with _store(data_dir, database_url) as store:
        found = store.changes(source, _day(since) or "")
    return _typed(pd.DataFrame([change_record(c) for c in found], columns=list(CHANGE_COLUMNS)))


def _day(value: str | dt.date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return dt.date.fromisoformat(value).isoformat()  # ValueError names the bad text


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    for column in _DAY_COLUMNS:
        if column in table:
            table[column] = pd.to_datetime(table[column].replace("", None), format="%Y-%m-%d")
    for column in _MOMENT_COLUMNS:
        if column in table:
            table[column] = pd.to_datetime(table[column].replace("", None), format="ISO8601", utc=True)
    return table


def _where(data_dir: str | Path | None) -> str:
    return str(data_dir or os.environ.get("REGWATCH_DATA_DIR") or "output")


class _store:
    """The store, opened to read only: a data folder without a database is NoData, and
    nothing is created."""

    def __init__(self, data_dir: str | Path | None, database_url: str | None = None) -> None:
        environ = dict(os.environ)
        if data_dir is not None:
            environ["REGWATCH_DATA_DIR"] = str(data_dir)
            environ.pop("REGWATCH_DATABASE_URL", None)
        if database_url:
            environ["REGWATCH_DATABASE_URL"] = database_url
        self.config = DataConfig.from_env(environ).check_folder()

    def __enter__(self) -> Store:
        database = self.config.sqlite_file()
        if database is not None and not database.exists():
            raise NoData(f"no database in {self.config.data_dir}: crawl first (regwatch crawl)")
        self.config.check_database()
        self.store = Store(self.config.database_url)
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()
