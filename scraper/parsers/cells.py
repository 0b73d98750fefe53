"""A row's published cells as one line, the row's fingerprint, and a pull's hash: what
says "published exactly as before" without parsing anything. Here, below the pipelines,
so the spider makes them page by page as it reads (while the server prepares the next
page), and the crawl reads them instead of going over 100 000 rows once more.
pipelines/register/normalise.py stores the fingerprints (entries.fingerprint): a change to
`cells_line` or `line_fingerprint` needs a migration that refills them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

RawCells = tuple[tuple[str, str], ...]


def cells_line(raw: RawCells) -> str:
    """The cells as one line, `key\x1fvalue` joined by `\x1e`: separators that published
    text cannot hold, so no two rows collide. What `fingerprint` and a pull's hash read."""
    return "\x1e".join(map("\x1f".join, raw))


def row_line(row: Mapping[str, str]) -> str:
    """`cells_line` of a canonical row whose fields come in ROW_FIELDS order (as
    `columns.canonical_row` makes them from columns `in_row_order`): its non-empty cells,
    read without building the cells' tuple first."""
    return "\x1e".join([f"{key}\x1f{value}" for key, value in row.items() if value])


def line_fingerprint(line: str, source_url: str) -> str:
    """The fingerprint of the row whose `cells_line` is `line`, read at `source_url`."""
    text = f"{source_url}\x1e{line}" if line else source_url
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class RowsDigest:
    """A pull's hash (SHA-256 of its rows' lines, in the order served) and, into
    `fingerprints` when given, each row's fingerprint: one line made per row for both."""

    def __init__(self, source_url: str, fingerprints: list[str] | None = None) -> None:
        self._sha = hashlib.sha256()
        self.source_url, self.fingerprints = source_url, fingerprints

    def add(self, line: str) -> None:
        self._sha.update(f"{line}\n".encode())
        if self.fingerprints is not None:
            self.fingerprints.append(line_fingerprint(line, self.source_url))

    def hexdigest(self) -> str:
        return self._sha.hexdigest()
