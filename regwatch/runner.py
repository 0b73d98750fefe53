"""Run spiders in this process: one crawl of a register (its outcome), or every
announcement spider (their counts), with the log set up for either.

Twisted's reactor cannot be restarted, so this runs once per process: the CLI's
`crawl` and `announcements --fetch` commands call it, and anything that crawls
repeatedly (the demo, the scheduler) runs those commands as child processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from pipelines.crawl import REFUSED, Outcome
from scraper.project import scrapy_settings
from scraper.redact import (
    RedactingFilter,
    install_redaction,
    quiet_request_logs,
    redact,
)
from scraper.registers.metadata import load_source

log = logging.getLogger("regwatch.crawl")  # the logger name the log file has always shown

M_MMAP_THRESHOLD, BIG_BLOCK = -3, 128 * 1024  # glibc's malloc.h; its default threshold
LOG_MAX_BYTES, LOG_BACKUPS = 10 * 1024 * 1024, 5  # regwatch.log and five older files at most


def run_crawl(source: str, log_file: Path | None = None, allow_drop: bool = False,
              progress: bool = False, config_file: Path | None = None, via: str = "api",
              defer_xlsx: bool = False) -> Outcome:
    """`progress`: also show the spider's page-by-page progress and retries on stdout.
    `config_file`: the subscriptions whose alerts a stored change queues. `defer_xlsx`:
    leave the XLSX to its first request (pipelines/publish/latest_xlsx.py)."""
    meta = load_source(source)
    outcomes = run_spider(meta.spider, meta.source, log_file, allow_drop, progress, config_file,
                          defer_xlsx=defer_xlsx, via=via)
    return outcomes[-1]


def run_spider(spider: str, source: str, log_file: Path | None = None, allow_drop: bool = False,
               progress: bool = False, config_file: Path | None = None, defer_xlsx: bool = False,
               **spider_args: object) -> list[Outcome]:
    """Run one spider of `source` in this process; the outcome of each pull it yielded
    (one for a crawl, one per archived copy for an import), or one refusal."""
    give_back_big_blocks()
    process = crawler_process(log_file, {"REGWATCH_ALLOW_DROP": allow_drop, "REGWATCH_DEFER_XLSX": defer_xlsx,
                                         "REGWATCH_CONFIG": str(config_file or "")})
    if progress:
        _show_progress([spider, "scraper.fetching"])
    refused: list[BaseException] = []
    try:
        crawler = process.create_crawler(spider)
        # A component that refuses its settings (e.g. the proxy middleware, a malformed proxy
        # URL) fails the crawl's Deferred, not this call: keep its error instead of letting
        # Twisted print it as unhandled when the Deferred is collected.
        process.crawl(crawler, **spider_args).addErrback(lambda failure: refused.append(failure.value))
        process.start()
        if refused:
            raise refused[0]
    except Exception as exc:  # a bad setting stops it before it starts
        message = f"{source}: {redact(str(exc))}"
        log.error(message, exc_info=True)
        return [Outcome(source, REFUSED, message)]
    outcomes = getattr(crawler.spider, "outcomes", None) or [getattr(crawler.spider, "outcome", None)]
    if outcomes[-1] is None:
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else "unknown"
        return [Outcome(source, REFUSED, f"{source}: the crawl ended without a result ({reason})")]
    return outcomes


def give_back_big_blocks() -> None:
    """Blocks of more than 128 KiB go back to the system as soon as they are freed. glibc
    raises that threshold to the size of each big block freed, and keeps later ones in
    its heap: a 100 000-row crawl's replies (a hundred of 500 KB, freed once archived)
    would stay in the process beside the entries made after them (40 MB of its peak).
    Elsewhere than glibc, nothing to do."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no such function, not glibc
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, BIG_BLOCK)


def crawler_process(log_file: Path | None, overrides: dict[str, object] | None = None) -> CrawlerProcess:
    """A CrawlerProcess on our settings, logging to `log_file` (rotated) when given, with
    credentials redacted and HTTP libraries' request lines kept out of the log."""
    overrides = dict(overrides or {})
    if log_file is not None:
        overrides["LOG_ENABLED"] = False  # Scrapy's own handler would grow the file forever
    settings = scrapy_settings(overrides)
    process = CrawlerProcess(settings)
    if log_file is not None:
        log_to_file(log_file, settings.get("LOG_LEVEL"))
    install_redaction()
    quiet_request_logs()
    return process


def log_to_file(log_file: Path, level: str) -> None:
    """The full log, rotated: a scheduler polling every minute must not fill the disk."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s",
                                           "%Y-%m-%d %H:%M:%S"))
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.getEffectiveLevel() > handler.level:
        root.setLevel(handler.level)


def _show_progress(logger_names: list[str]) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    handler.addFilter(lambda record: record.levelno < logging.ERROR)  # errors: one line on stderr
    handler.addFilter(RedactingFilter())
    for name in logger_names:
        logging.getLogger(name).addHandler(handler)


ANNOUNCEMENT_SPIDERS = ("announcements_genproc", "announcements_meduza", "announcements_hrd_blog",
                        "announcements_tass", "announcements_tass_en", "announcements_mediazona",
                        "announcements_ovdinfo", "announcements_hrw")


def fetch_articles(spiders: tuple[str, ...], log_file) -> dict[str, dict[str, object]]:
    """Run the announcement spiders in this process (one reactor, one crawler each) and
    return each one's counts: articles stored, already known, events found, and why it
    finished."""
    process = crawler_process(log_file)
    crawlers = {name: process.create_crawler(name) for name in spiders}
    for crawler in crawlers.values():
        process.crawl(crawler)
    process.start()
    return {name: {"stored": c.stats.get_value("regwatch/articles_stored", 0),
                   "known": c.stats.get_value("regwatch/articles_known", 0),
                   "events": c.stats.get_value("regwatch/events", 0),
                   "errors": _errors(c.stats.get_stats()),
                   "problem": c.stats.get_value("regwatch/first_problem", ""),
                   "finish_reason": c.stats.get_value("finish_reason")}
            for name, c in crawlers.items()}


def _errors(stats: dict[str, object]) -> int:
    """A spider's own problems and its callbacks' exceptions. Not log_count/ERROR: with
    several crawlers in one process, each one's log counter counts every crawler's errors."""
    exceptions = sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/"))
    return int(stats.get("regwatch/problems", 0)) + exceptions
