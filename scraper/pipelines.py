"""The one item pipeline: hand the spider's pull to pipelines.ingest, keep the outcome."""

from __future__ import annotations

import logging
from dataclasses import replace

from pipelines import articles
from pipelines.config import DataConfig
from pipelines.linking import first_announced
from pipelines.ingest import REFUSED, Outcome, ingest
from pipelines.outbox import plan_alerts, queue_changes
from pipelines.store import Store
from regwatch.config import config_path, load_config
from scraper.items import PullItem
from scraper.sources import load_source

log = logging.getLogger(__name__)


class StorePullPipeline:
    def __init__(self, config: DataConfig, allow_drop: bool, subscriptions=()):
        self.config = config
        self.allow_drop = allow_drop
        self.subscriptions = subscriptions  # whose alerts a stored change queues
        self.store: Store | None = None
        self.outcomes: list[Outcome] = []

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        config = DataConfig.from_env({key: settings.get(key) or "" for key in
                                      ("REGWATCH_DATA_DIR", "REGWATCH_DATABASE_URL")})
        alerting = load_config(config_path(settings.get("REGWATCH_CONFIG")))  # checked by the CLI already
        pipeline = cls(config.prepare(), settings.getbool("REGWATCH_ALLOW_DROP"),
                       alerting.subscriptions)
        pipeline.crawler = crawler
        return pipeline

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
        pending = self._pending_announcements() if self.subscriptions and not archived else []

        def queue_alerts(conn, snapshot_id, result, now):
            try:
                planned = plan_alerts(self.subscriptions, meta, result, now, _first_words(result, pending))
            except Exception:  # a bug in a message must not keep the changes from being stored
                log.exception("%s: the alerts of this crawl could not be composed; its changes "
                              "are stored (see `regwatch changes`) but nobody is alerted", meta.source)
                return 0
            return queue_changes(conn, meta.source, snapshot_id, planned, result.changes, now)

        outcome = ingest(item.pull, self.store, self.config.data_dir, thresholds,
                         now=item.pull.captured_at or None, allow_drop=self.allow_drop,
                         problem=item.problem, queue_alerts=None if archived else queue_alerts)
        self.outcomes.append(outcome)  # an import yields one pull per archived copy
        outcome.last_modified = last_modified
        self._record(spider, outcome)
        return item

    def _pending_announcements(self) -> list[dict]:
        """Read before the crawl's transaction: an alert names an added entry's first word."""
        try:
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
        if self.store is not None:
            self.store.close()


class KeepPullPipeline:
    """For `regwatch verify`: keep the spider's pull on it, store nothing."""

    def process_item(self, item, spider=None):
        if isinstance(item, PullItem):
            (spider or self.crawler.spider).pulled = item
        return item

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline


def _first_words(result, pending: list[dict]) -> dict:
    """For each entry this crawl adds, the earliest pending announcement of it (matched on
    the whole new register, with the aliases announcements taught)."""
    added = [c.entry_id for c in result.changes if c.kind == "added"]
    if not added or not pending:
        return {}
    try:
        return first_announced(articles.register_index(list(result.entries), {}), added, pending)
    except Exception:  # the line is extra: the alert goes without it
        log.exception("the first announcements of the added entries could not be found")
        return {}
