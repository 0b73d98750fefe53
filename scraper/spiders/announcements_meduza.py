"""Meduza (Russian and English): its RSS feeds, then each new article's page.
Selectors from ../shared/data/announcements/sources.json."""

from __future__ import annotations

from scraper.spiders.announcement_base import AnnouncementSpider


class MeduzaAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_meduza"
    source = "meduza"
    url_setting = "REGWATCH_MEDUZA_URL"
    default_url = "https://meduza.io"
    listing_paths = ("/rss/all", "/rss/en/all")
    language = "ru"
    title_css = ("h1.RichTitle-root", "h1.SimpleTitle-root")
    date_css = ("div.GeneralMaterial-materialHeader time",)
    body_css = ("div.GeneralMaterial-article p, p.SimpleBlock-lead, p.SimpleBlock-p",)

