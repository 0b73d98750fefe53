"""humanrightsdefenders.blog (English; re-posts NGO press releases such as FIDH's): its
WordPress tag feed 'law on undesirable organisations', then each new post's page.
sources.json describes the page but gives no selectors: these are WordPress's own."""

from __future__ import annotations

from scraper.spiders.announcement_base import AnnouncementSpider


class HrdBlogAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_hrd_blog"
    source = "hrd_blog"
    url_setting = "REGWATCH_HRD_BLOG_URL"
    default_url = "https://humanrightsdefenders.blog"
    listing_paths = ("/tag/law-on-undesirable-organisations/feed/",)
    language = "en"
    title_css = ("h1.entry-title",)
    date_css = ("time.entry-date",)
    body_css = ("div.entry-content p",)

