"""The old official HTML page of the register, from saved or web-archived copies.

Arguments: `pages`, a list of (URL, capture time) pairs: http(s):// for a web-archive
capture, file:// for a saved copy. They are fetched one at a time, oldest first, and each
becomes one pull of the same register (channel "html", its capture time as the
snapshot's time), so the history reaches back before regwatch first ran. Parsing is
scraper/html_page.py; the normaliser is the one the API spider uses.
"""

from __future__ import annotations

import scrapy
from scrapy.http import Response

from scraper.items import Pull, PullItem, RawReply, utc_now
from scraper.parsers.html_page import PageError, parse_page
from scraper.redact import redact
from scraper.registers.metadata import load_source

META = load_source("ru_minjust_undesirable")
# The official address of the old page (dead since about February 2026), cited in every row;
# the copy a row was read from (archive capture or file) is in its raw reply.
OLD_PAGE = "https://minjust.gov.ru/ru/documents/7756/"


class MinjustUndesirableHtmlSpider(scrapy.Spider):
    name = "minjust_undesirable_html"
    source = META.source
    custom_settings = {"CONCURRENT_REQUESTS": 1}  # one copy at a time, in date order

    def __init__(self, *args, pages: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pages = sorted(pages or [], key=lambda page: page[1])
        if all(url.startswith("file://") for url, _ in self.pages):
            self.download_delay = 0  # saved copies: no server to be polite to
        self.outcome = None  # set by the item pipeline
        self.outcomes: list = []

    async def start(self):
        for order, (url, captured_at) in enumerate(self.pages):
            yield scrapy.Request(url, callback=self.parse_copy, errback=self.on_error,
                                 priority=-order, dont_filter=True,
                                 meta={"captured_at": captured_at, "order": order + 1})

    def parse_copy(self, response: Response):
        captured_at = response.meta["captured_at"]
        pull = Pull(source=self.source, rows=[], size=0, started_at=utc_now(),
                    source_url=OLD_PAGE, channel="html", captured_at=captured_at)
        pull.replies.append(RawReply(url=response.url, method="GET", request_body="",
                                     status=response.status, content_type=(response.headers.get(
                                         "Content-Type") or b"text/html").decode("latin-1"),
                                     body=response.body, fetched_at=utc_now()))
        try:
            page = parse_page(response.body)
        except PageError as exc:
            yield self._give_up(pull, f"{response.url}: {exc}")
            return
        for warning in page.warnings:
            self.logger.warning("%s: %s: %s", self.source, response.url, warning)
        pull.rows, pull.size, pull.as_of = page.rows, len(page.rows), page.updated_on
        done, total = response.meta["order"], len(self.pages)
        bar = "#" * (20 * done // total) + "." * (20 - 20 * done // total)
        self.logger.info("[%s] %d/%d copy of %s: %d rows (page updated %s)", bar, done, total,
                         captured_at[:10], len(page.rows), page.updated_on or "?")
        yield PullItem(pull)

    def on_error(self, failure):
        request = failure.request
        pull = Pull(source=self.source, rows=[], size=0, channel="html",
                    captured_at=request.meta["captured_at"])
        yield self._give_up(pull, f"{redact(request.url)}: {type(failure.value).__name__}: "
                                  f"{redact(str(failure.value))}")

    def _give_up(self, pull: Pull, problem: str) -> PullItem:
        message = f"{self.source}: {problem}"
        self.logger.error(message)
        return PullItem(pull, problem=message)
