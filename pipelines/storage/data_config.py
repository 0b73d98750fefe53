"""Where regwatch keeps its data: read once from the environment, passed down explicitly."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
EMPTY, NOT_SQLITE, MISSING = "empty", "not_sqlite", "missing"


class LostDatabase(Exception):
    """The SQLite file is not the history the exports beside it came from: empty (0 bytes)
    or missing altogether beside a `<source>/latest.json`, or not an SQLite database at
    all. Opening it would start a new baseline beside the old exports, without a word."""

    def __init__(self, problem: str, file: Path, exports: Path | None, start: bytes = b"") -> None:
        self.problem, self.file, self.exports, self.start = problem, file, exports, start
        super().__init__(f"{file}: the database is {problem}, but {exports} holds earlier exports"
                         if problem in (EMPTY, MISSING) else f"{file}: not an SQLite database")


# The driver regwatch declares (the `postgres` extra); SQLAlchemy's own default is psycopg2.
POSTGRES_DRIVER = "postgresql+psycopg"


def database_url(url: str) -> str:
    """The SQLAlchemy URL for what a user writes: `postgresql://…` (and the older
    `postgres://…` many hosts print) means PostgreSQL through psycopg 3. A URL that names
    its driver, and every other database, is kept as written."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        return f"{POSTGRES_DRIVER}://{rest}"
    return url


def _plain_sqlite(url: str) -> Path | None:
    """The file of an `sqlite:///<path>` URL with nothing to decode (no query, no escapes)."""
    scheme, _, path = url.partition(":///")
    if scheme != "sqlite" or not path or path == ":memory:" or any(c in path for c in "?#%"):
        return None
    return Path(path)


@dataclass(frozen=True)
class DataConfig:
    data_dir: Path
    database_url: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> DataConfig:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("REGWATCH_DATA_DIR") or "output")
        url = env.get("REGWATCH_DATABASE_URL") or f"sqlite:///{data_dir / 'regwatch.db'}"
        if _plain_sqlite(url) is not None:  # most URLs: no need to import SQLAlchemy to read them
            return cls(data_dir, url)
        from sqlalchemy.engine import make_url  # here: `regwatch --help` never imports SQLAlchemy
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(url)
        except ArgumentError:
            raise ValueError(f"REGWATCH_DATABASE_URL: {url!r} is not a database URL "
                             "(e.g. sqlite:///output/regwatch.db or "
                             "postgresql://user@host/regwatch)") from None
        return cls(data_dir, database_url(url))

    @property
    def is_postgres(self) -> bool:
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).get_backend_name() == "postgresql"

    def check_folder(self) -> DataConfig:
        """A ValueError naming the setting and the path when the data folder is a file, or
        lies under one; creates nothing (a command that only reads calls it alone)."""
        where = f"REGWATCH_DATA_DIR: {str(self.data_dir)!r}"
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise ValueError(f"{where} is a file, not a folder; set REGWATCH_DATA_DIR "
                             "to a folder for the database and the exports")
        existing = next(folder for folder in self.data_dir.absolute().parents if folder.exists())
        if not existing.is_dir():  # as mkdir would say
            raise ValueError(f"{where} cannot be created: {os.strerror(errno.ENOTDIR)}")
        return self

    def prepare(self) -> DataConfig:
        """Create the data folder if need be; a ValueError naming the setting and the path
        when it cannot be used (a file, not a folder; not writable)."""
        self.check_folder()
        where = f"REGWATCH_DATA_DIR: {str(self.data_dir)!r}"
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"{where} cannot be created: {exc.strerror}") from None
        if not os.access(self.data_dir, os.W_OK | os.X_OK):
            raise ValueError(f"{where} is not writable; set REGWATCH_DATA_DIR "
                             "to a folder regwatch may write to")
        return self

    def sqlite_file(self) -> Path | None:
        """The database's file, when it is an SQLite file (not in memory, not a server)."""
        if (plain := _plain_sqlite(self.database_url)) is not None:
            return plain
        from sqlalchemy.engine import make_url

        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)

    def check_database(self) -> None:
        """Raise LostDatabase rather than let a lost or truncated database start a new
        history beside the old exports. An empty data folder starts its baseline as ever."""
        file = self.sqlite_file()
        if file is None:
            return
        if not file.exists():  # deleted outright: as lost as a truncated one
            if (exports := self._earlier_exports()) is not None:
                raise LostDatabase(MISSING, file, exports)
            return
        if not file.is_file():
            return
        with file.open("rb") as opened:
            start = opened.read(len(SQLITE_HEADER))
        if start and start != SQLITE_HEADER:
            raise LostDatabase(NOT_SQLITE, file, None, start)
        if not start and (exports := self._earlier_exports()) is not None:
            raise LostDatabase(EMPTY, file, exports)

    def _earlier_exports(self) -> Path | None:
        return next(iter(sorted(self.data_dir.glob("*/latest.json"))), None)
