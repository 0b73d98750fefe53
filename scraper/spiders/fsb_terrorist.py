"""The FSB's Unified federal list of organisations recognised as terrorist (metadata
scraper/registers/ru_fsb_terrorist.toml): one GET of the page, kept raw, parsed by
scraper/parsers/fsb_page.py. Whatever goes wrong, the spider ends by yielding one
PullItem: the whole list, or what it got plus the problem, so the pipeline can refuse it
and say why. REGWATCH_FSB_URL stands in for the official host (a local fake).
"""

from __future__ import annotations

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from scraper.fetching import CrawlDeadlineError
from scraper.items import Pull, PullItem, RawReply, utc_now
from scraper.parsers.fsb_page import PageError, parse_page
from scraper.redact import redact
from scraper.registers.metadata import load_source

META = load_source("ru_fsb_terrorist")
CHANNEL = "fsb_page"  # the snapshot's channel: `regwatch reparse` reads its replies with the same parser


class FsbTerroristSpider(scrapy.Spider):
    name = META.spider
    source = META.source
    page_url: str
    pull: Pull

    def __init__(self, *args, via: str = "api", **kwargs):
        super().__init__(*args, **kwargs)
        self.via = via  # `regwatch crawl --via xlsx` is the ministry's export: refused in start()
        self.outcome = None  # set by the item pipeline

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.proxy = crawler.settings.get("REGWATCH_PROXY") or ""
        spider.page_url = META.view_url(crawler.settings.get("REGWATCH_FSB_URL") or None)
        spider.pull = Pull(source=cls.source, rows=[], size=0, started_at=utc_now(),
                           source_url=META.view_url(),  # cite the official page, not a fake or proxy
                           channel=CHANNEL)
        return spider

    async def start(self):
        if self.via != "api":
            yield self._give_up(f"the FSB's list has one channel, its page: --via {self.via} does not apply")
            return
        yield scrapy.Request(self.page_url, callback=self.parse, errback=self.on_error, dont_filter=True)

    def parse(self, response: Response):
        """The page → the whole list, or the reason it is not the list."""
        self._keep(response)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        try:
            page = parse_page(response.body, content_type)
        except PageError as exc:
            yield self._give_up(f"{redact(response.url)}: {exc}")
            return
        for problem in page.problems:
            self.logger.warning("%s: %s", self.source, problem)
        self.pull.rows, self.pull.size = page.rows, len(page.rows)
        self.logger.info("%s: %d rows (%s, %s, layout %s)", self.source, len(page.rows), page.shape,
                         page.charset, page.structure[:12])
        yield PullItem(self.pull)

    def on_error(self, failure):
        """A request that failed for good (after retries): say why in one line."""
        if failure.check(HttpError):
            response = failure.value.response
            self._keep(response)
            problem = f"{redact(failure.request.url)} answered HTTP {response.status}"
        elif failure.check(CrawlDeadlineError):
            problem = str(failure.value)
        else:
            detail = redact(str(failure.value) or type(failure.value).__name__)
            via = f" through the proxy {redact(self.proxy)}" if self.proxy else ""
            problem = (f"cannot reach {redact(self.page_url)}{via} ({type(failure.value).__name__}: "
                       f"{detail})")
        yield self._give_up(problem)

    def _keep(self, response: Response) -> None:
        self.pull.replies.append(RawReply.of(response))

    def _give_up(self, problem: str) -> PullItem:
        message = f"{self.source}: {problem}"
        self.logger.error(message)
        return PullItem(self.pull, problem=message)
