"""The Prosecutor General's Office news (Russian): its HTML news list, then each new
item's page. The list shows a title link and a date ('DD.MM.YYYY', «Сегодня» or
«Вчера») per item; selectors from ../shared/data/announcements/sources.json.

When the news list shows articles not stored yet, older ones may hide behind it, so the
spider walks the news archive, a Liferay portlet: the archive page (taken as its page 1,
in the news list's markup) carries the portlet's instance id (`_INSTANCE_<id>_`), and
page n is `…/news/archive?p_p_id=<portlet>&…&_<portlet>_delta=40&_<portlet>_cur=n`
(the URL template public scrapers of the regional archives use). The walk goes on only
while a page still shows an article not stored, and never past
REGWATCH_GENPROC_ARCHIVE_PAGES pages (default 3; 0 turns it off): a crawl with nothing
new fetches no archive page at all. Articles deeper than the bound are not backfilled by
later crawls unless the pages before them show something new again. That the central
archive (/web/gprf) pages like the regional ones is a best guess."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from scraper.parsers.dates import parse_date
from scraper.spiders.announcement_base import AnnouncementSpider, Listed

_RELATIVE_DAYS = {"сегодня": 0, "вчера": 1}
ARCHIVE_PATH = "/web/gprf/mass-media/news/archive"
ARCHIVE_PAGES_SETTING = "REGWATCH_GENPROC_ARCHIVE_PAGES"
DEFAULT_ARCHIVE_PAGES = 3
ARCHIVE_PAGE_SIZE = 40
_PORTLET = "ru_voskhod_gpparf_portal_feeds_main_page_portlet_FeedsListViewPortlet_INSTANCE_{instance}"
_INSTANCE = re.compile(r"_INSTANCE_([A-Za-z0-9]+)_")


def archive_pages(settings) -> int:
    """REGWATCH_GENPROC_ARCHIVE_PAGES (a setting or an environment variable): how many
    archive pages a crawl may read; a bad value is a configuration error."""
    raw = settings.get(ARCHIVE_PAGES_SETTING)
    if raw is None or str(raw).strip() == "":  # 0 is a value: it turns the walk off
        raw = os.environ.get(ARCHIVE_PAGES_SETTING, "").strip() or DEFAULT_ARCHIVE_PAGES
    raw = str(raw)
    if not raw.strip().isdigit():
        raise ValueError(f"{ARCHIVE_PAGES_SETTING} must be a whole number of pages (0 turns the archive walk "
                         f"off), not {raw!r}")
    return int(raw)


def archive_page_path(instance: str, page: int) -> str:
    """The archive's page `page` (1-based) as the portlet pages it, 40 items a page."""
    portlet = _PORTLET.format(instance=instance)
    query = [("p_p_id", portlet), ("p_p_lifecycle", "0"), ("p_p_state", "normal"), ("p_p_mode", "view"),
             (f"_{portlet}_delta", str(ARCHIVE_PAGE_SIZE)), (f"_{portlet}_resetCur", "false"),
             (f"_{portlet}_cur", str(page))]
    return f"{ARCHIVE_PATH}?{urlencode(query)}"


class GenprocAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_genproc"
    source = "genproc"
    url_setting = "REGWATCH_GENPROC_URL"
    default_url = "https://epp.genproc.gov.ru"
    listing_paths = ("/web/gprf/mass-media/news",)
    archive_pages: int  # set in from_crawler: REGWATCH_GENPROC_ARCHIVE_PAGES
    language = "ru"
    title_css = ("div.wrapper.test-label-enable div.feeds-page__subtitle", "div.feeds-page__subtitle")
    date_css = ("li.feeds-page__info_item",)
    body_css = ("div.feeds-page__article_text p",)
    cut_at = "Распечатать"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.archive_pages = archive_pages(crawler.settings)
        return spider

    def _parse_listing(self, response: Response) -> list[Listed]:
        """Each news item: its link and the date shown above it."""
        items = response.css("div.feeds-list__list_body.feeds-list__list_body--carousel > div")
        listed = []
        for item in items:
            href = item.css("a::attr(href)").get()
            if href:
                listed.append(Listed(self._canonical(href), self._listed_date(item.css("h4::text").get())))
        return listed

    def _next_listings(self, response: Response, new: list[Listed]):
        """The next archive page, while the page just read showed an article not stored
        (its older neighbours may not be stored either) and the bound allows."""
        page = response.meta.get("archive_page", 0)  # 0: the news list
        if not new or self.archive_pages <= 0:
            return
        if page >= self.archive_pages:
            self.logger.info("%s: archive walk stopped at page %d (%s); older pages may hold more",
                             self.source, page, ARCHIVE_PAGES_SETTING)
            return
        if page == 0:
            url, instance = self.base_url + ARCHIVE_PATH, None
        else:
            instance = response.meta.get("archive_instance") or self._portlet_instance(response)
            if instance is None:
                self._problem(f"{response.url} names no archive portlet instance (_INSTANCE_<id>_): "
                              "a redesign; the archive walk stops here")
                return
            url = self.base_url + archive_page_path(instance, page + 1)
        self.crawler.stats.inc_value("regwatch/archive_pages")
        yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                             meta={"archive_page": page + 1, "archive_instance": instance})

    @staticmethod
    def _portlet_instance(response: Response) -> str | None:
        found = _INSTANCE.search(response.text)
        return found.group(1) if found else None

    @staticmethod
    def _listed_date(text: str | None) -> str:
        """'31.01.2023', «Сегодня» or «Вчера» → an ISO date ('' when none)."""
        text = (text or "").strip()
        if text.lower() in _RELATIVE_DAYS:
            return (date.today() - timedelta(days=_RELATIVE_DAYS[text.lower()])).isoformat()
        return parse_date(text)
