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
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self
