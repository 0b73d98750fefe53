"""A row's published cells as one line, the row's fingerprint, and a pull's hash: what
says "published exactly as before" without parsing anything. Here, below the pipelines,
so the spider makes them page by page as it reads (while the server prepares the next
page), and the crawl reads them instead of going over 100 000 rows once more.
pipelines/register/normalise.py stores the fingerprints (entries.fingerprint): a change to
`cells_line` or `line_fingerprint` needs a migration that refills them."""

from __future__ import annotations

import functools
import hashlib

RawCells = tuple[tuple[str, str], ...]
KEY_SEPARATOR, CELL_SEPARATOR = "\x1f", "\x1e"  # published text cannot hold them: no two rows collide


def cells_line(raw: RawCells) -> str:
    """The cells as one line, `key\x1fvalue` joined by `\x1e`. What `fingerprint` and a
    pull's hash read; the spider makes the same line from a page's rows (columns.canonical_page)."""
    return CELL_SEPARATOR.join(map(KEY_SEPARATOR.join, raw))


def line_fingerprint(line: str, source_url: str) -> str:
    """The fingerprint of the row whose `cells_line` is `line`, read at `source_url`: BLAKE2b
    (16 bytes) of `source_url\x1eline`, or of `source_url` alone for a row without a cell."""
    if not line:
        return hashlib.blake2b(source_url.encode(), digest_size=16).hexdigest()
    row = _source_hashed(source_url).copy()
    row.update(line.encode())
    return row.hexdigest()


@functools.lru_cache(maxsize=16)
def _source_hashed(source_url: str) -> hashlib.blake2b:
    """The start every row's fingerprint at `source_url` shares, hashed once: each row's goes
    on from a copy (100 000 rows: a third less CPU than hashing each whole text anew)."""
    return hashlib.blake2b(f"{source_url}\x1e".encode(), digest_size=16)


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

    def add_lines(self, lines: list[str]) -> None:
        """`add` of each line, in order; the hash fed once for them all (a page of rows)."""
        self._sha.update("".join([f"{line}\n" for line in lines]).encode())
        if self.fingerprints is not None:
            source_url = self.source_url
            self.fingerprints.extend([line_fingerprint(line, source_url) for line in lines])

    def hexdigest(self) -> str:
        return self._sha.hexdigest()
