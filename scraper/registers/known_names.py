"""Known names beside a register's metadata: `<register>.known_names.csv`, the names and
acronyms the public uses for listed entries that the register does not print, each with
where it was read. Built by tools/build_known_names.py (never edited by hand); its header
comment says from what. A row that cannot be used is a `KnownNamesError` naming the file
and the line.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

from scraper.registers.metadata import SHIPPED

COLUMNS = ("entry_id", "name", "source_url", "published", "register_name")


class KnownNamesError(ValueError):
    """A known-names file that cannot be used; the message names the file and the line."""


def path_for(source: str, folder: Path = SHIPPED) -> Path:
    return folder / f"{source}.known_names.csv"


@functools.cache
def known_names(source: str, folder: Path = SHIPPED) -> dict[str, tuple[tuple[str, str], ...]]:
    """entry_id → ((name, source URL), …) for one register; empty when it ships no file."""
    path = path_for(source, folder)
    if not path.is_file():
        return {}
    return parse(path.read_text(encoding="utf-8"), str(path), source)


def parse(text: str, where: str, source: str) -> dict[str, tuple[tuple[str, str], ...]]:
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if not line.startswith("#")]
    rows = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    header = next(rows, None)
    if header is None or tuple(header) != COLUMNS:
        raise KnownNamesError(f"{where}: the header must be {','.join(COLUMNS)}, not {header}")
    found: dict[str, list[tuple[str, str]]] = {}
    for (number, _), row in zip(lines[1:], rows, strict=False):
        if len(row) != len(COLUMNS):
            raise KnownNamesError(f"{where}, line {number}: {len(row)} cells, not {len(COLUMNS)}")
        entry_id, name, url = row[0], row[1].strip(), row[2]
        if not entry_id.startswith(f"{source}/") or not name or not url.startswith(("http://", "https://")):
            raise KnownNamesError(f"{where}, line {number}: needs an entry of {source}, a name and "
                                  f"the URL it was read at: {row[:3]}")
        found.setdefault(entry_id, []).append((name, url))
    return {entry_id: tuple(names) for entry_id, names in found.items()}
