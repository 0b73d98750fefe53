"""Human Rights Watch (www.hrw.org, English): its news feed, then each new news page.

HRW reports designations of organisations as "undesirable" and names them as they call
themselves. Its own designation of late 2025 was a silent one: the register came first,
NGO reports 0-2 days after it (../shared/data/announcements/README.md); HRW's own release
on it is not in the corpus.

What is verified and what is a best guess:
- the feed /rss/news is the one most used in public code (sources.json: a public
  project's tests assert it); /rss/news_and_commentary is also used. Neither was fetched
  from here (no network in this project's tests): if the feed fails, each crawl logs
  "… answered HTTP …" or "… lists no articles …" and stores nothing. Its items are read
  as plain RSS 2.0 (<link>, dated by <pubDate>); the feed's exact markup was not seen;
- the page selectors are the ones public HRW scrapers read (sources.json, 2019-era and
  later code, not checked against today's site): the headline `h1.title--huge` (else the
  first <h1>, else og:title), the subtitle `p.subtitle` (the first one before the
  body, kept as the text's first paragraph), the date `time.date[datetime]` (else
  article:published_time, else the feed's <pubDate>) and the body `div.article-body`,
  read by its paragraphs and list items (the list items are a guess: HRW's lists of
  names were not seen);
- article URLs (/news/YYYY/MM/DD/<slug>) follow sources.json. Only this English feed is
  read: HRW's Russian pages (/ru/news/…) would need a feed of their own, not looked for.
No HRW page is in the corpus: the fixtures put texts of other publishers into this
layout (see their README)."""

from __future__ import annotations

from scrapy.http import Response

from scraper.spiders.announcement_base import AnnouncementSpider, clean


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# a <p class="subtitle"> that some div.article-body follows
_SUBTITLE = f"//p[{_has_class('subtitle')}][following::div[{_has_class('article-body')}]]"


class HrwAnnouncementsSpider(AnnouncementSpider):
    name = "announcements_hrw"
    source = "hrw"
    url_setting = "REGWATCH_HRW_URL"
    default_url = "https://www.hrw.org"
    listing_paths = ("/rss/news",)
    language = "en"
    title_css = ("h1.title--huge", "h1")
    date_css = ("time.date[datetime]",)
    # one selector, so paragraphs and list items keep the page's order
    body_css = ("div.article-body p, div.article-body li",)

    def _parse_text(self, response: Response) -> str:
        """The subtitle under the headline, then the body: the first p.subtitle, as public
        scrapers read it, but only one before the article body (never a related item's)."""
        text = super()._parse_text(response)
        subtitle = clean(" ".join(response.xpath(_SUBTITLE)[:1].css("::text").getall()))
        if not subtitle or subtitle in text.split("\n\n"):
            return text
        return "\n\n".join(filter(None, (subtitle, text)))
