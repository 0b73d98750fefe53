"""The announcement spiders' item pipeline: store each new article, then the designation
events found in its text (pending until linked to a register entry)."""

from __future__ import annotations

import logging

from pipelines.articles import add_article, add_events
from pipelines.extract import event_record, extract_events
from pipelines.store import Store
from scraper.announcements import ArticleItem, data_config

log = logging.getLogger(__name__)


class StoreArticlePipeline:
    def __init__(self, database_url: str):
        self.database_url = database_url
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(data_config(crawler.settings).database_url)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None):
        self.store = Store(self.database_url)

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        article, stats = item.article, self.crawler.stats
        article_id = add_article(self.store.engine, article)
        if article_id is None:  # stored by an earlier crawl: nothing is replaced
            stats.inc_value("regwatch/articles_known")
            return item
        # the headline is a sentence of its own: it often is the one naming the organisation
        found = extract_events(f"{article.title}\n\n{article.text}", article.published_on, article.language)
        add_events(self.store.engine, article_id, [event_record(event) for event in found])
        stats.inc_value("regwatch/articles_stored")
        stats.inc_value("regwatch/events", len(found))
        log.info("%s: stored %s (%s), %d events", article.source, article.url, article.published_on,
                 len(found))
        return item

    def close_spider(self, spider=None):
        if self.store is not None:
            self.store.close()
