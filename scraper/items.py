"""What spiders hand to the item pipelines: one whole pull of a register (PullItem) or
one article (ArticleItem), and the raw replies they were read from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scraper.parsers.columns import line_row


def utc_now(timespec: str = "seconds") -> str:
    """Now, in regwatch's one timestamp format: ISO 8601 in UTC (to the second; the alert
    outbox orders attempts to the millisecond)."""
    return datetime.now(UTC).isoformat(timespec=timespec)


@dataclass(frozen=True)
class RawReply:
    """One reply exactly as the server sent it, archived before anything parses it."""

    url: str
    method: str
    request_body: str
    status: int
    content_type: str
    body: bytes
    fetched_at: str  # ISO 8601 UTC

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @classmethod
    def of(cls, response: Any, method: str = "GET", request_body: str = "") -> RawReply:
        """The reply a Scrapy response holds, exactly as served, stamped now."""
        return cls(url=response.url, method=method, request_body=request_body, status=response.status,
                   content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
                   body=response.body, fetched_at=utc_now())


@dataclass
class Pull:
    """Everything one crawl of a register brought back, before normalisation."""

    source: str  # e.g. "ru_minjust_undesirable"
    rows: list[dict[str, str]]  # canonical field name → published text (see `lines`)
    size: int  # the total the service announced
    replies: list[RawReply] = field(default_factory=list)
    last_modified: int | None = None  # the service's own change stamp (epoch ms)
    started_at: str = ""
    source_url: str = ""  # the human view of the register, cited in every row
    channel: str = "api"  # "api" (/values) or "xlsx" (/export)
    as_of: str = ""  # the data date the source itself states (the XLSX's A2), ISO 8601
    captured_at: str = ""  # an archived copy: when the archive captured it (the snapshot's time)
    # made by a spider as it read the rows (scraper/parsers/cells.py), else left to the crawl:
    content_hash: str = ""  # the rows' hash (RowsDigest), once every row is read
    fingerprints: list[str] = field(default_factory=list)  # …and each row's fingerprint, in order
    # or the rows left as their lines (columns.page_lines), made only where needed (`made_rows`)
    lines: list[str] = field(default_factory=list)
    fields: tuple[str, ...] = ()  # …and the fields of each row, in order (columns.in_row_order)

    def row_count(self) -> int:
        """The rows read, made or left as their lines."""
        return len(self.lines) or len(self.rows)

    def line_row(self, line: str) -> dict[str, str]:
        """The row of one of `lines` (columns.line_row)."""
        return line_row(line, self.fields)

    def made_rows(self) -> list[dict[str, str]]:
        """`rows`, every one made from its line first if the spider left them so (the lines
        then go: the rows replace them)."""
        if self.lines:
            self.rows, self.lines = list(map(self.line_row, self.lines)), []
        return self.rows


@dataclass
class PullItem:
    pull: Pull
    problem: str = ""  # set when the crawl could not bring back the whole register

    def __repr__(self) -> str:  # Scrapy logs items on errors: a summary, not megabytes of rows
        return (f"PullItem({self.pull.source}: {self.pull.row_count()} rows of {self.pull.size}, "
                f"{len(self.pull.replies)} replies, problem={self.problem!r})")


@dataclass(frozen=True)
class Article:
    url: str
    source: str
    title: str
    published_on: str
    language: str
    text: str
    sha256: str
    fetched_at: str


@dataclass
class ArticleItem:
    article: Article

    def __repr__(self) -> str:  # Scrapy logs items: the URL, not the whole text
        return f"ArticleItem({self.article.source}: {self.article.url})"
