"""What the announcement spiders share: a listing or feed → the article pages not stored
yet → one ArticleItem each, which pipelines.item_pipelines.StoreArticlePipeline stores
with its events.

A subclass names its source, its base-URL setting (REGWATCH_<SOURCE>_URL, a setting or
an environment variable, default the real site), its listing paths and its CSS
selectors, and parses its listing in `_parse_listing`. Article URLs are kept as the real
site spells them; they are fetched from the base URL, so a test (or a mirror) serves them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from scraper.items import Article, ArticleItem, utc_now
from scraper.parsers.dates import parse_date
from scraper.redact import redact

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Listed:
    """An article as its listing or feed shows it."""
    url: str  # as the real site spells it: the stored URL
    published_on: str = ""  # ISO date, '' when the listing gives none


class AnnouncementSpider(scrapy.Spider):
    source: str
    url_setting: str  # REGWATCH_<SOURCE>_URL
    default_url: str  # the real site
    listing_paths: tuple[str, ...]
    language = "ru"  # when the page does not say
    title_css: tuple[str, ...] = ("h1",)
    date_css: tuple[str, ...] = ()
    body_css: tuple[str, ...] = ()
    cut_at = ""  # page chrome that ends the article text
    base_url: str  # set in from_crawler: the setting, else the real site
    # Polite to sites that are not an official register: their robots.txt is obeyed (the
    # ministry's JSON API is not a page crawler's business, so the register spider does not).
    custom_settings = {"ITEM_PIPELINES": {"pipelines.item_pipelines.StoreArticlePipeline": 300},
                       # the operator's escape hatch when a site's robots.txt bars its own news feed
                       "ROBOTSTXT_OBEY": os.environ.get("REGWATCH_ROBOTSTXT_OBEY", "1").strip() != "0"}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        url = crawler.settings.get(cls.url_setting) or os.environ.get(cls.url_setting) or cls.default_url
        spider.base_url = url.rstrip("/")
        return spider

    def __init__(self, *args, known: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # The article URLs stored already: fetched never again. Handed in by whoever runs
        # the spider (the article pipeline, when it opens, adds what the store holds).
        self.known: set[str] = set(known)

    async def start(self):
        for path in self.listing_paths:
            yield scrapy.Request(self.base_url + path, callback=self.parse_listing,
                                 errback=self.on_error, dont_filter=True)

    # --- replies ------------------------------------------------------------------------

    def parse_listing(self, response: Response):
        """A listing or feed → requests for the articles not stored yet."""
        listed = self._parse_listing(response)
        stats = self.crawler.stats
        if not listed:
            kind = (response.headers.get("Content-Type") or b"").decode("latin-1") or "no content type"
            self._problem(f"{response.url} lists no articles (HTTP {response.status}, {kind}): "
                          "an error page or a redesign; nothing stored from it")
            return
        new = [item for item in listed if item.url not in self.known]
        stats.inc_value("regwatch/articles_listed", len(listed))
        stats.inc_value("regwatch/articles_new", len(new))
        self.logger.info("%s: %s lists %d articles, %d new", self.source, response.url, len(listed), len(new))
        for item in new:
            self.known.add(item.url)  # two listings may show the same article
            yield scrapy.Request(self._fetch_url(item.url), callback=self.parse_article,
                                 errback=self.on_error, cb_kwargs={"listed": item})
        yield from self._next_listings(response, new)

    def parse_article(self, response: Response, listed: Listed):
        """An article page → its title, date, language, text and the hash of its bytes."""
        title = self._parse_title(response)
        published_on = self._parse_date(response) or listed.published_on
        text = self._parse_text(response)
        missing = [name for name, value in (("title", title), ("date", published_on), ("text", text))
                   if not value]
        if missing:
            self._problem(f"{listed.url}: no {', '.join(missing)} on the page (HTTP {response.status})")
            return
        yield ArticleItem(Article(url=listed.url, source=self.source, title=title,
                                  published_on=published_on, language=self._parse_language(response),
                                  text=text, sha256=hashlib.sha256(response.body).hexdigest(),
                                  fetched_at=utc_now()))

    def on_error(self, failure):
        """A request that failed for good (after retries): one line saying why."""
        request = failure.request
        if failure.check(HttpError):
            self._problem(f"{request.url} answered HTTP {failure.value.response.status}")
        elif failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self._problem(f"{request.url} is disallowed by the site's robots.txt: not fetched "
                          "(REGWATCH_ROBOTSTXT_OBEY=0 fetches it anyway, at the operator's decision)")
        else:
            detail = redact(str(failure.value) or type(failure.value).__name__)
            self._problem(f"cannot fetch {request.url} ({type(failure.value).__name__}: {detail})")

    def _next_listings(self, response: Response, new: list[Listed]):
        """Requests for further listing pages after this one (an archive's next page, say),
        given the articles it showed that were not stored yet: none by default."""
        return ()

    # --- fields -------------------------------------------------------------------------

    def _parse_listing(self, response: Response) -> list[Listed]:
        """The articles a listing shows: an RSS or Atom feed here; HTML listings override it."""
        return self.feed_items(response)

    def _parse_title(self, response: Response) -> str:
        """The headline: the first title selector that matches, else og:title."""
        for css in self.title_css:
            if title := clean(" ".join(response.css(css).css("::text").getall())):
                return title
        return clean(response.css('meta[property="og:title"]::attr(content)').get() or "")

    def _parse_date(self, response: Response) -> str:
        """The page's publication date (a datetime attribute or the text), else ''."""
        for css in self.date_css:
            for element in response.css(css):
                stamp = element.attrib.get("datetime") or " ".join(element.css("::text").getall())
                if found := parse_date(stamp):
                    return found
        return parse_date(response.css('meta[property="article:published_time"]::attr(content)').get() or "")

    def _parse_language(self, response: Response) -> str:
        """The page's <html lang>, else the source's language."""
        lang = (response.css("html::attr(lang)").get() or "").strip().lower()
        return lang[:2] if lang[:2].isalpha() else self.language

    def _parse_text(self, response: Response) -> str:
        """The article body's paragraphs (the body selectors, else every <p>), cut at the chrome."""
        blocks = [element for css in self.body_css for element in response.css(css)] or response.css("p")
        paragraphs = [clean(" ".join(block.css("::text").getall())) for block in blocks]
        text = "\n\n".join(p for p in dict.fromkeys(paragraphs) if p)
        return text.split(self.cut_at)[0].strip() if self.cut_at else text

    # --- helpers ------------------------------------------------------------------------

    def _fetch_url(self, url: str) -> str:
        """A real-site URL fetched from the base URL (the real site, a mirror or a test)."""
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(self.default_url).netloc:
            return url
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def _canonical(self, href: str) -> str:
        """A link of the listing as the real site spells it."""
        url = urljoin(self.base_url + "/", href)
        if url.startswith(self.base_url + "/"):
            url = self.default_url + url[len(self.base_url):]
        return url

    def _problem(self, problem: str) -> None:
        self.logger.error("%s: %s", self.source, problem)
        self.crawler.stats.inc_value("regwatch/problems")
        if not self.crawler.stats.get_value("regwatch/first_problem"):  # what the operator is told
            self.crawler.stats.set_value("regwatch/first_problem", problem)

    def feed_items(self, response: Response) -> list[Listed]:
        """RSS 2.0 <item> or Atom <entry>: link and date; [] when the reply is not a feed."""
        if b"<rss" not in response.body[:2000] and b"<feed" not in response.body[:2000]:
            return []
        selector = scrapy.Selector(text=response.text, type="xml")
        selector.remove_namespaces()
        found = []
        for item in selector.xpath("//item | //entry"):
            link = (item.xpath("link/text()").get() or item.xpath("link/@href").get() or "").strip()
            stamp = item.xpath("pubDate/text() | published/text() | updated/text()").get() or ""
            if link:
                found.append(Listed(self._canonical(link), parse_date(stamp)))
        return found
