"""Mediazona (zona.media, Russian): its RSS feed, then each new article's page.

The feed https://zona.media/rss is verified working (sources.json: 200 text/xml, 50
items, RSS 2.0 from "RSS for Node"); its <guid> is a numeric short link, its <link> the
article URL, which is the one stored. Selectors are those in
../shared/data/announcements/sources.json (seen in public scrapers): the headline in
`header.mz-publish__title`, the lead in `div.mz-publish__announce`, the date as the first
`div.mz-publish-meta__item` ('14 ноября 2022, 13:29'), the body in
`section.mz-publish__text p` and quoted documents in `div.mz-publish-docscite__text p`.
A live chronicle (/chronicle/<slug>) keeps its URL while it grows: like every article it
is stored once, as first fetched. The corpus holds no Mediazona page: the fixtures put
Russian texts of other publishers into this layout (see their README)."""

from __future__ import annotations

from scraper.spiders.announcement_base import AnnouncementSpider


class MediazonaAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_mediazona"
    source = "mediazona"
    url_setting = "REGWATCH_MEDIAZONA_URL"
    default_url = "https://zona.media"
    listing_paths = ("/rss",)
    language = "ru"
    title_css = ("header.mz-publish__title", "h1")
    date_css = ("div.mz-publish-meta__item",)
    # one selector, so lead, paragraphs and quoted documents keep the page's order
    body_css = ("div.mz-publish__announce, section.mz-publish__text p, div.mz-publish-docscite__text p",)
