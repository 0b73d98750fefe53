"""The name index `regwatch check` reads: each register's entries and name indexes
(`pipelines.matching.registers.Register`, with the announcements' aliases and the shipped
known names) kept beside the data in `<data_dir>/index/<source>.index`, so a check loads it
in milliseconds instead of reading every entry through SQLAlchemy and building the index.

It is a cache of the database, like the exports: `publish` (sync.py) rewrites it when its
stamp lags (a new snapshot, new aliases, other code or known names: `code_stamp`), and a
reader that finds it missing or stale builds from the database instead, with the same
answers. The file is a header line, a JSON line with the stamp, then pickled plain data
(`Register.state`: dicts, lists, tuples, strings, numbers, bytes); any other object in it
is refused, so a file someone tampered with cannot run code.

Nothing here imports SQLAlchemy at load time: `regwatch check` must start quickly.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import pickle
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.matching.registers import Register
from pipelines.register.models import Entry
from pipelines.storage.atomic import atomic_write_bytes

if TYPE_CHECKING:
    from pipelines.storage.store import Store

FOLDER = "index"
_MAGIC = b"regwatch name index\n"
_HERE = Path(__file__).resolve().parent
# What a stored index depends on besides the database: the code that builds it, the known names.
_INPUTS = (*sorted((_HERE.parent / "matching").glob("*.py")), _HERE.parent / "announcements" / "articles.py",
           _HERE.parent / "register" / "models.py", Path(__file__).resolve(),
           *sorted((_HERE.parent.parent / "scraper" / "registers").glob("*.known_names.csv")))
# A crawl whose data a check may rely on (pipelines.crawl's outcomes; held and refused are not).
_GOOD_OUTCOMES = ("baseline", "changed", "unchanged")


def index_path(data_dir: Path, source: str) -> Path:
    return data_dir / FOLDER / f"{source}.index"


@functools.cache
def code_stamp() -> str:
    digest = hashlib.sha256()
    for path in _INPUTS:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Facts:
    """What a check needs from the database besides the index, read in three small queries."""

    last_snapshot: dict[str, tuple[int, str]]  # source → (id, taken_at), for the crawled sources
    last_good_crawl: dict[str, str]  # source → ISO time ("" when never)
    aliases: int  # how many names announcements gave entries (they only grow)

    def stamp(self, source: str) -> dict[str, Any]:
        snapshot_id, taken_at = self.last_snapshot[source]
        return {"snapshot_id": snapshot_id, "snapshot_taken_at": taken_at, "aliases": self.aliases,
                "code": code_stamp()}


_LAST_SNAPSHOT = "SELECT id, taken_at FROM snapshots WHERE source = :source ORDER BY id DESC LIMIT 1"
_LAST_GOOD = ("SELECT max(last_at) FROM crawl_log WHERE source = :source AND outcome IN "
              f"({', '.join(repr(outcome) for outcome in _GOOD_OUTCOMES)})")
_ALIASES = "SELECT count(*) FROM aliases"


def facts(run: Callable[[str, dict[str, str]], Sequence[Any] | None], sources: Sequence[str]) -> Facts:
    """`run(sql, parameters)`: the first row of a query (sqlite3 and SQLAlchemy both take `:name`)."""
    last = {source: (row[0], row[1]) for source in sources if (row := run(_LAST_SNAPSHOT, {"source": source}))}
    good = {source: ((run(_LAST_GOOD, {"source": source}) or [None])[0] or "") for source in sources}
    return Facts(last, good, (run(_ALIASES, {}) or [0])[0])


def sqlite_facts(database: Path, sources: Sequence[str]) -> Facts | None:
    """The facts from an SQLite file through the standard library, read-only; None when it
    cannot say (not there, locked, an older schema: the caller asks the Store instead)."""
    try:
        with closing(sqlite3.connect(database.absolute().as_uri() + "?mode=ro", uri=True)) as conn:
            return facts(lambda sql, values: conn.execute(sql, values).fetchone(), sources)
    except sqlite3.Error:
        return None


def store_facts(store: Store, sources: Sequence[str]) -> Facts:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return facts(lambda sql, values: conn.execute(text(sql), values).first(), sources)


def build_register(source: str, entries: list[Entry], known: Mapping[str, list[tuple[str, str]]]) -> Register:
    """One register's ways of being found: organisations by the name index, with the names
    announcements (`known`: entry_id → [(name, source URL)]) and the shipped known names
    gave them; people by persons.py; anyone by an identifier."""
    from pipelines.announcements.articles import register_checker

    return register_checker(source, entries, dict(known))


def write_index(data_dir: Path, register: Register, stamp: Mapping[str, Any]) -> Path:
    path = index_path(data_dir, register.source)
    data = _MAGIC + json.dumps(dict(stamp)).encode() + b"\n" + pickle.dumps(register.state(), protocol=5)
    atomic_write_bytes(path, data)
    return path


def read_stamp(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            if handle.readline() != _MAGIC:
                return None
            found = json.loads(handle.readline())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def read_index(data_dir: Path, source: str, stamp: Mapping[str, Any]) -> Register | None:
    """The stored register of `source` if its stamp is `stamp`; None when missing, stale or unreadable."""
    try:
        data = index_path(data_dir, source).read_bytes()
    except OSError:
        return None
    handle = io.BytesIO(data)
    try:
        if handle.readline() != _MAGIC or json.loads(handle.readline()) != dict(stamp):
            return None
        return Register.restore(_PlainData(handle).load())
    except (ValueError, pickle.UnpicklingError, EOFError, KeyError, TypeError, IndexError, AttributeError):
        return None


class _PlainData(pickle.Unpickler):
    """Plain data only: no class, no function, so nothing in the file can run."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the name index holds {module}.{name}: only plain data is read")


def refresh(store: Store, data_dir: Path, source: str, entries: list[Entry] | None = None,
            force: bool = False) -> bool:
    """Rewrite the index of `source` if it lags behind the database (`force`: whatever its
    stamp, the history was rebuilt); `entries`: its current entries when the caller holds
    them. True when it was written."""
    from pipelines.announcements.articles import aliases_of

    found = store_facts(store, [source])
    if source not in found.last_snapshot:
        return False
    stamp = found.stamp(source)
    if not force and read_stamp(index_path(data_dir, source)) == stamp:
        return False
    current = store.current_entries(source) if entries is None else entries
    write_index(data_dir, build_register(source, current, aliases_of(store.engine)), stamp)
    return True
