"""Run the announcement spiders in this process (one reactor, one crawler each)."""

from __future__ import annotations

from regwatch.crawl import crawler_process

ANNOUNCEMENT_SPIDERS = ("announcements_genproc", "announcements_meduza", "announcements_hrd_blog", "announcements_tass", "announcements_tass_en", "announcements_mediazona", "announcements_ovdinfo", "announcements_hrw")


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
