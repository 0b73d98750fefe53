"""The Prosecutor General's Office news (Russian): its HTML news list, then each new
item's page. The list shows a title link and a date ('DD.MM.YYYY', «Сегодня» or
«Вчера») per item; selectors from ../shared/data/announcements/sources.json."""

from __future__ import annotations

from datetime import date, timedelta

from scrapy.http import Response

from scraper.announcements import AnnouncementSpider, Listed, parse_date

_RELATIVE_DAYS = {"сегодня": 0, "вчера": 1}


class GenprocAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_genproc"
    source = "genproc"
    url_setting = "REGWATCH_GENPROC_URL"
    default_url = "https://epp.genproc.gov.ru"
    listing_paths = ("/web/gprf/mass-media/news",)
    language = "ru"
    title_css = ("div.wrapper.test-label-enable div.feeds-page__subtitle", "div.feeds-page__subtitle")
    date_css = ("li.feeds-page__info_item",)
    body_css = ("div.feeds-page__article_text p",)
    cut_at = "Распечатать"

    def _parse_listing(self, response: Response) -> list[Listed]:
        """Each news item: its link and the date shown above it."""
        items = response.css("div.feeds-list__list_body.feeds-list__list_body--carousel > div")
        listed = []
        for item in items:
            href = item.css("a::attr(href)").get()
            if href:
                listed.append(Listed(self._canonical(href), self._listed_date(item.css("h4::text").get())))
        return listed

    @staticmethod
    def _listed_date(text: str | None) -> str:
        """'31.01.2023', «Сегодня» or «Вчера» → an ISO date ('' when none)."""
        text = (text or "").strip()
        if text.lower() in _RELATIVE_DAYS:
            return (date.today() - timedelta(days=_RELATIVE_DAYS[text.lower()])).isoformat()
        return parse_date(text)
