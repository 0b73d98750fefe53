"""Where regwatch keeps its data: read once from the environment, passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


@dataclass(frozen=True)
class DataConfig:
    data_dir: Path
    database_url: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> DataConfig:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("REGWATCH_DATA_DIR") or "output")
        url = env.get("REGWATCH_DATABASE_URL") or f"sqlite:///{data_dir / 'regwatch.db'}"
        try:
            make_url(url)
        except ArgumentError:
            raise ValueError(f"REGWATCH_DATABASE_URL: {url!r} is not a database URL "
                             "(e.g. sqlite:///output/regwatch.db)") from None
        return cls(data_dir, url)

    def prepare(self) -> DataConfig:
        """Create the data folder if need be; a ValueError naming the setting and the path
        when it cannot be used (a file, not a folder; not writable)."""
        where = f"REGWATCH_DATA_DIR: {str(self.data_dir)!r}"
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise ValueError(f"{where} is a file, not a folder; set REGWATCH_DATA_DIR "
                             "to a folder for the database and the exports")
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"{where} cannot be created: {exc.strerror}") from None
        if not os.access(self.data_dir, os.W_OK | os.X_OK):
            raise ValueError(f"{where} is not writable; set REGWATCH_DATA_DIR "
                             "to a folder regwatch may write to")
        return self
