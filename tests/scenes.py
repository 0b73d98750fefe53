"""Scenes built in this process: the crawls that only set a test's scene (the history
before the step the test is about) take the path `regwatch crawl` takes once it has
fetched: the rows read from the replies the local fake serves, by the spiders' own parsers
(scraper/parsers/replies.py), the item pipeline (pipelines.crawl.ingest), the source's
health and the alerts (delivered), then the files the crawl leaves to the end.

Twisted's reactor runs once per process, so this is no Scrapy crawl, and it costs a
fraction of a child process: a test whose behaviour is the crawl itself (the fetch, the
exit status, the output, a kill) runs the real `regwatch crawl` against the fake.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pipelines.alerts.config import load_config
from pipelines.crawl import HELD, Outcome
from pipelines.item_pipelines import StorePullPipeline
from pipelines.storage.data_config import DataConfig
from regwatch.cli.app import EXIT_HELD, EXIT_OK, EXIT_REFUSED
from regwatch.cli.crawling import _after_crawl, _write_deferred, capture_time
from regwatch.fakes.minjust import JSON_TYPE, SERVER_CAP, XLSX_TYPE, State, encoded
from scraper.items import Pull, PullItem, RawReply, utc_now
from scraper.parsers.columns import info_columns
from scraper.parsers.html_page import parse_page
from scraper.parsers.replies import rows_from_replies
from scraper.parsers.xlsx_export import read_export
from scraper.registers.metadata import load_source
from scraper.spiders.minjust_undesirable_html import OLD_PAGE

SOURCE = "ru_minjust_undesirable"


def replies(state: State, source: str = SOURCE, via: str = "api") -> list[RawReply]:
    """What a crawl of `state` brings back from the fake, byte for byte, and how it asked."""
    meta, fetched_at = load_source(source), utc_now()
    api = meta.api_url()
    if via == "xlsx":
        return [RawReply(f"{api}/export", "GET", "", 200, XLSX_TYPE, state.export, fetched_at)]
    columns, _ = info_columns(state.info, meta.columns)
    number = next(key for key, field in columns.items() if field == "number")
    found = [RawReply(f"{api}/info", "GET", "", 200, JSON_TYPE, encoded(state.info), fetched_at)]
    for offset in range(0, max(len(state.rows), 1), SERVER_CAP):
        asked = json.dumps({"offset": offset, "limit": SERVER_CAP, "search": "",  # as Scrapy's JsonRequest
                            "sort": [{"property": number, "direction": "asc"}]}, sort_keys=True)
        found.append(RawReply(f"{api}/values", "POST", asked, 200, JSON_TYPE,
                              encoded(state.page(offset, SERVER_CAP)), fetched_at))
    return found


def pull(state: State, source: str = SOURCE, via: str = "api") -> Pull:
    """The spider's pull of `state` through the JSON service (`via="api"`) or its export."""
    meta, raw = load_source(source), replies(state, source, via)
    found = Pull(source=source, rows=[], size=0, replies=raw, started_at=utc_now(),
                 source_url=meta.view_url(), channel=via)
    if via == "xlsx":
        export = read_export(state.export, meta.columns)
        found.rows, found.as_of = export.rows, export.as_of
    else:
        found.last_modified = state.info.get("lastModified")
        found.rows = rows_from_replies(via, [(vars(r), r.body) for r in raw], meta.columns)
    found.size = len(found.rows)
    return found


def archived_copy(path: Path) -> Pull:
    """`regwatch import-html`'s pull of one saved copy of the old page, dated by its name."""
    body = path.read_bytes()
    page = parse_page(body)
    reply = RawReply(path.resolve().as_uri(), "GET", "", 200, "text/html", body, utc_now())
    return Pull(source=SOURCE, rows=page.rows, size=len(page.rows), replies=[reply], started_at=utc_now(),
                source_url=OLD_PAGE, channel="html", as_of=page.updated_on,
                captured_at=capture_time(str(path), None))


def clock() -> Iterator[str]:
    """Crawl times a minute apart from yesterday on: child processes' crawls come seconds
    apart, and a change file is named by its crawl's second."""
    start = datetime.now(UTC) - timedelta(days=1)
    return ((start + timedelta(minutes=m)).isoformat(timespec="seconds") for m in itertools.count())


class _Stats(dict):
    def set_value(self, key: str, value: object) -> None:
        self[key] = value


def crawl(data_dir: Path, *pulls: Pull, database_url: str = "", config_file: Path | None = None,
          now: str | None = None) -> list[Outcome]:
    """What `regwatch crawl` (one pull) or `regwatch import-html` (archived copies) does with
    fetched pulls: the outcome of each. `now`: the crawl's time (see `clock`)."""
    config = DataConfig.from_env({"REGWATCH_DATA_DIR": str(data_dir),
                                  "REGWATCH_DATABASE_URL": database_url}).prepare()
    alerting = load_config(config_file, environ={})
    pipeline = StorePullPipeline(config, allow_drop=False, subscriptions=alerting.subscriptions, defer_xlsx=True)
    pipeline.crawler, pipeline.now = SimpleNamespace(stats=_Stats()), now  # what the Scrapy crawler gave it
    spider = SimpleNamespace(source=pulls[0].source, name=pulls[0].source)
    pipeline.open_spider(spider)
    try:
        for each in pulls:
            pipeline.process_item(PullItem(each), spider)
    finally:
        pipeline.close_spider(spider)
    if not pulls[-1].captured_at:  # a crawl, not an import: the health and the alerts after it (the CLI's steps)
        _after_crawl(pulls[-1].source, pipeline.outcomes[-1], alerting, config)
    _write_deferred(pulls[-1].source, config)
    return pipeline.outcomes


def crawl_workspace(ws: Any, state: State, config_file: Path | None = None, via: str = "api") -> Outcome:
    """A crawl of `state` into a test's workspace (tests/conftest.Workspace: its data folder,
    database and register), alerts queued for `config_file`'s subscribers and delivered."""
    (outcome,) = crawl(ws.data_dir, pull(state, ws.source, via), database_url=ws.database_url,
                       config_file=config_file)
    return outcome


def exit_status(outcome: Outcome) -> int:
    """The exit status `regwatch crawl` gives the outcome."""
    return EXIT_HELD if outcome.status == HELD else EXIT_OK if outcome.ok else EXIT_REFUSED
