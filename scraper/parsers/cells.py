"""A row's published cells as one line, the row's fingerprint, and a pull's hash: what
says "published exactly as before" without parsing anything. Here, below the pipelines,
so the spider makes them page by page as it reads (while the server prepares the next
page), and the crawl reads them instead of going over 100 000 rows once more.
pipelines/register/normalise.py stores the fingerprints (entries.fingerprint): a change to
`cells_line` or `line_fingerprint` needs a migration that refills them."""

from __future__ import annotations

import hashlib

RawCells = tuple[tuple[str, str], ...]
KEY_SEPARATOR, CELL_SEPARATOR = "\x1f", "\x1e"  # published text cannot hold them: no two rows collide


def cells_line(raw: RawCells) -> str:
    """The cells as one line, `key\x1fvalue` joined by `\x1e`. What `fingerprint` and a
    pull's hash read; the spider makes the same line from a page's rows (columns.canonical_page)."""
    return CELL_SEPARATOR.join(map(KEY_SEPARATOR.join, raw))


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
        # every row's fingerprint hashes the same start (`line_fingerprint`): hashed once here,
        # each row's hash goes on from a copy (100 000 rows: a third less CPU than anew)
        self._row_start = hashlib.blake2b(f"{source_url}\x1e".encode(), digest_size=16)

    def add(self, line: str) -> None:
        self._sha.update(f"{line}\n".encode())
        if self.fingerprints is not None:
            self.fingerprints.append(self._fingerprint(line))

    def add_lines(self, lines: list[str]) -> None:
        """`add` of each line, in order; the hash fed once for them all (a page of rows)."""
        self._sha.update("".join([f"{line}\n" for line in lines]).encode())
        if self.fingerprints is not None:
            self.fingerprints.extend(map(self._fingerprint, lines))

    def _fingerprint(self, line: str) -> str:
        """`line_fingerprint(line, self.source_url)`."""
        if not line:  # a row without a cell: the source alone, without the separator
            return line_fingerprint(line, self.source_url)
        row = self._row_start.copy()
        row.update(line.encode())
        return row.hexdigest()

    def hexdigest(self) -> str:
        return self._sha.hexdigest()
