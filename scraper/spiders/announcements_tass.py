"""TASS (Russian, tass.ru): its RSS feed, then each new article's page.

../shared/data/announcements/sources.json lists TASS under `wire_media` with example
article URLs only (no feed, no selectors): the feed /rss/v2.xml is the one public code
reads; the selectors follow tass.ru's article markup (CSS-module class names, matched by
prefix, with the older `text-content` body as a fallback). TASS in English lives on
another host (tass.com), so it is not read here."""

from __future__ import annotations

from scraper.spiders.announcement_base import AnnouncementSpider


class TassAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_tass"
    source = "tass"
    url_setting = "REGWATCH_TASS_URL"
    default_url = "https://tass.ru"
    listing_paths = ("/rss/v2.xml",)
    language = "ru"
    title_css = ('h1[class*="NewsHeader_titles"]', "h1")
    date_css = ('[class*="PublishedMark_date"]', "time[datetime]")
    body_css = ('article p[class*="Paragraph_paragraph"], div.text-content p, div.b-material-text__l p',)
