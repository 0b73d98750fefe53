"""What every route shares: the data, the store, and each register's live state.

The site serves every register: the default one at `/…`, each (the default too) at
`/r/<register>/…`; `web_context(request)` picks the register's context by that prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from starlette.requests import Request

from pipelines.announcements import articles
from pipelines.matching.index import Verdict
from pipelines.storage.data_config import DataConfig
from pipelines.storage.raw_archive import read_reply
from pipelines.storage.store import EntryHistory, Store
from regwatch.web.crawling import CrawlRunner
from regwatch.web.pagecache import PageCache
from regwatch.web.params import NotFound
from regwatch.web.state import LiveRegister, RegisterState, read_status
from scraper.registers.metadata import SourceMeta

_SHA256 = re.compile(r"[0-9a-f]{64}")


class NothingYet(Exception):
    """Nothing crawled yet: a page says so in words (200), the API answers 503."""


@dataclass
class WebContext:
    config: DataConfig
    meta: SourceMeta
    store: Store
    register: LiveRegister
    crawler: CrawlRunner
    token: str | None  # REGWATCH_API_TOKEN: never shown, never logged
    false_positives: tuple[tuple[str, str], ...] = ()  # (query, entry_id) ruled out by a person
    pages: PageCache = field(default_factory=PageCache)  # the register's page, per snapshot

    @property
    def folder(self) -> Path:
        """Where the source's published files are."""
        return self.config.data_dir / self.meta.source

    def state(self) -> RegisterState:
        return self.register.current()

    def crawled_state(self) -> RegisterState:
        """The current state; NothingYet before the first crawl."""
        state = self.register.current()
        if state.empty:
            raise NothingYet()
        return state

    def history(self, entry_id: str) -> EntryHistory:
        """One entry's history; NotFound for an id the register never had."""
        found = self.store.entry_history(entry_id) if len(entry_id) <= 200 else None
        if found is None:
            raise NotFound("web.error.entry_not_found", entry_id=entry_id[:200])
        return found

    def replies(self, snapshot_id: int) -> tuple[dict, ...]:
        """The raw replies a snapshot was read from (raw_replies rows), for provenance."""
        found = self.store.provenance(snapshot_id)
        return found.replies if found is not None else ()

    def raw_reply(self, sha256: str) -> tuple[dict, bytes]:
        """A raw reply's row and bytes, from the database or the data directory, whichever
        keeps it; NotFound for one never archived (or gone)."""
        row = self.store.reply_rows([sha256]).get(sha256) if _SHA256.fullmatch(sha256) else None
        try:
            if row is not None:
                return row, read_reply(self.store, self.config.data_dir, row["source"], sha256)
        except FileNotFoundError:
            pass
        raise NotFound("web.not_found_text")

    def check(self, state: RegisterState, query: str) -> Verdict | None:
        return state.check(query, self.false_positives)

    def announcements(self, status: str | None = None) -> list[dict]:
        """Announced events, newest announcement first (`status`: only those)."""
        return list(reversed(articles.events(self.store.engine, status)))

    def status(self) -> dict | None:
        return read_status(self.config.data_dir, self.meta.source)

    def status_stamp(self) -> tuple[int, int]:
        """Which status.json a page shows (rewritten by every crawl): its mtime and size."""
        try:
            found = (self.folder / "status.json").stat()
        except OSError:
            return (0, 0)
        return (found.st_mtime_ns, found.st_size)


def web_context(request: Request) -> WebContext:
    """The context of the register the request names (`/r/<register>/…`), else the default's."""
    register = request.path_params.get("register")
    if register is None:
        return request.app.state.web
    found = request.app.state.registers.get(register)
    if found is None:
        raise NotFound("web.error.unknown_register", register=register[:80])
    return found


def today() -> date:
    """Today in UTC, the time zone of every stamp regwatch writes."""
    return datetime.now(UTC).date()
