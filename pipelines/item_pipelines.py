"""Scrapy's item pipelines (ITEM_PIPELINES): each hands a spider's item to its group of
pipelines/ and keeps the outcome on the crawler's stats.

- StorePullPipeline: a register's pull → pipelines.crawl.ingest (validate, normalise,
  diff, store, alerts, exports, feeds);
- KeepPullPipeline: `regwatch verify` keeps the pull on the spider, stores nothing;
- StoreArticlePipeline: an announcement → the article and the events found in its text.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from pipelines.alerts.config import config_path, load_config
from pipelines.alerts.outbox import change_queuer
from pipelines.announcements import articles
from pipelines.crawl import REFUSED, Outcome, ingest
from pipelines.register.normalise import Profile
from pipelines.storage.data_config import DataConfig
from pipelines.storage.raw_archive import Packer
from pipelines.storage.store import Store
from scraper.items import ArticleItem, PullItem
from scraper.registers.metadata import load_source

log = logging.getLogger(__name__)


def data_config(settings: Any) -> DataConfig:
    """Where the data goes: REGWATCH_DATA_DIR and REGWATCH_DATABASE_URL, from the crawler's
    settings, else the environment."""
    return DataConfig.from_env({key: settings.get(key) or os.environ.get(key) or ""
                                for key in ("REGWATCH_DATA_DIR", "REGWATCH_DATABASE_URL")}).prepare()


class StorePullPipeline:
    crawler: Crawler  # set by from_crawler
    now: str | None = None  # the crawl's time: now, unless a test's scene, built in process, sets its clock

    def __init__(self, config: DataConfig, allow_drop: bool, subscriptions=(), defer_xlsx: bool = False):
        self.config = config
        self.allow_drop = allow_drop
        self.defer_xlsx = defer_xlsx  # `regwatch crawl` leaves the XLSX to its first request
        self.subscriptions = list(subscriptions)  # whose alerts a stored change queues
        self.store: Store | None = None
        self.outcomes: list[Outcome] = []
        self.packer = Packer()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        alerting = load_config(config_path(settings.get("REGWATCH_CONFIG")))  # checked by the CLI already
        pipeline = cls(data_config(settings), settings.getbool("REGWATCH_ALLOW_DROP"),
                       alerting.subscriptions, settings.getbool("REGWATCH_DEFER_XLSX"))
        pipeline.crawler = crawler
        # each reply compressed for the archive as it arrives, on another core, while the spider reads it
        crawler.signals.connect(pipeline._received, signal=signals.response_received)
        return pipeline

    def _received(self, response, request, spider=None):
        self.packer.add(response.body)

    def open_spider(self, spider=None):
        self.store = Store(self.config.database_url)

    def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        if not isinstance(item, PullItem):
            return item
        meta = load_source(item.pull.source)
        last_modified = item.pull.last_modified
        archived = bool(item.pull.captured_at)  # an old copy: history, not news
        thresholds = replace(meta.thresholds, min_rows=1) if archived else meta.thresholds
        queue_alerts = None
        if self.subscriptions and not archived:
            queue_alerts = change_queuer(self.subscriptions, meta, self._pending_announcements())
        outcome = ingest(item.pull, self.store, self.config.data_dir, thresholds,
                         now=item.pull.captured_at or self.now, allow_drop=self.allow_drop,
                         problem=item.problem, queue_alerts=queue_alerts, xlsx=not self.defer_xlsx,
                         profile=Profile.of(meta), packed=self.packer.ready())
        self.outcomes.append(outcome)  # an import yields one pull per archived copy
        outcome.last_modified = last_modified
        self._record(spider, outcome)
        return item

    def _pending_announcements(self) -> list[dict]:
        """Read before the crawl's transaction: an alert names an added entry's first word."""
        try:
            assert self.store is not None  # opened with the spider
            return articles.events(self.store.engine, articles.PENDING)
        except Exception:  # an alert's extra line must never cost the crawl
            log.exception("pending announcements could not be read; alerts go without them")
            return []

    def _record(self, spider, outcome: Outcome) -> None:
        spider.outcome = outcome
        spider.outcomes = self.outcomes
        stats = self.crawler.stats
        stats.set_value("regwatch/outcome", outcome.status)
        stats.set_value("regwatch/entries", outcome.entries)
        stats.set_value("regwatch/changes", len(outcome.changes))
        stats.set_value("regwatch/warnings", len(outcome.warnings))

    def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        if getattr(spider, "outcome", None) is None:
            reason = self.crawler.stats.get_value("finish_reason") or "unknown"
            problem = f"{getattr(spider, 'source', spider.name)}: the crawl ended without a result ({reason})"
            log.error(problem)
            spider.outcome = Outcome(getattr(spider, "source", spider.name), REFUSED, problem)
        self.packer.close()
        if self.store is not None:
            self.store.close()


class KeepPullPipeline:
    """For `regwatch verify`: keep the spider's pull on it, store nothing."""

    crawler: Crawler  # set by from_crawler

    def process_item(self, item, spider=None):
        if isinstance(item, PullItem):
            (spider or self.crawler.spider).pulled = item
        return item

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline


class StoreArticlePipeline:
    """The announcement spiders' pipeline: store each new article, then the designation
    events found in its text (pending until linked to a register entry)."""

    crawler: Crawler  # set by from_crawler

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(data_config(crawler.settings).database_url)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.store = Store(self.database_url)
        # hand the spider the URLs stored already: it fetches only new articles
        spider.known.update(articles.known_urls(self.store.engine, spider.source))

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        article, stats = item.article, self.crawler.stats
        article_id = articles.add_article(self.store.engine, article)
        if article_id is None:  # stored by an earlier crawl: nothing is replaced
            stats.inc_value("regwatch/articles_known")
            return item
        from pipelines.announcements.events import event_record, extract_events  # its patterns: only here

        # the headline is a sentence of its own: it often is the one naming the organisation
        found = extract_events(f"{article.title}\n\n{article.text}", article.published_on, article.language)
        articles.add_events(self.store.engine, article_id, [event_record(event) for event in found])
        stats.inc_value("regwatch/articles_stored")
        stats.inc_value("regwatch/events", len(found))
        log.info("%s: stored %s (%s), %d events", article.source, article.url, article.published_on,
                 len(found))
        return item

    def close_spider(self, spider=None):
        if self.store is not None:
            self.store.close()
