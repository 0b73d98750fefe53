"""Run one crawl of a source in this process and return its outcome.

Twisted's reactor cannot be restarted, so this runs once per process: the CLI's
`crawl` command calls it, and anything that crawls repeatedly (the demo, the
scheduler) runs `regwatch crawl` as a child process.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pipelines.ingest import REFUSED, Outcome
from scraper.redact import install_redaction, redact
from scraper.sources import load_source

log = logging.getLogger("regwatch.crawl")


def scrapy_settings(overrides: dict[str, object] | None = None) -> Settings:
    # The settings module reads REGWATCH_* from the environment when imported.
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(source: str, log_file: Path | None = None, allow_drop: bool = False,
              progress: bool = False) -> Outcome:
    """`progress`: also show the spider's page-by-page progress and retries on stdout."""
    meta = load_source(source)
    overrides: dict[str, object] = {"REGWATCH_ALLOW_DROP": allow_drop}
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        overrides.update(LOG_FILE=str(log_file), LOG_FILE_APPEND=True)
    process = CrawlerProcess(scrapy_settings(overrides))
    if progress:
        _show_progress([meta.spider, "scraper.fetching"])
    install_redaction()
    try:
        crawler = process.create_crawler(meta.spider)
        process.crawl(crawler)
        process.start()
    except Exception as exc:  # a bad setting (e.g. a malformed proxy URL) stops it before it starts
        message = f"{meta.source}: {redact(str(exc))}"
        log.error(message, exc_info=True)
        return Outcome(meta.source, REFUSED, message)
    outcome = getattr(crawler.spider, "outcome", None)
    if outcome is None:
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else "unknown"
        return Outcome(meta.source, REFUSED, f"{meta.source}: the crawl ended without a result ({reason})")
    return outcome


def _show_progress(logger_names: list[str]) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    handler.addFilter(lambda record: record.levelno < logging.ERROR)  # errors: one line on stderr
    for name in logger_names:
        logging.getLogger(name).addHandler(handler)


def default_log_file() -> Path:
    return Path(os.environ.get("REGWATCH_DATA_DIR") or "output") / "regwatch.log"
