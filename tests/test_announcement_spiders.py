"""The announcement spiders crawl local fakes of their sites (listing or feed → article
pages, built from real corpus texts) through `scrapy crawl`, as in production: articles
stored with their fields and the hash of the page, designation events extracted (and for
a prosecution for "participation", none), a second crawl fetches no article again, and a
broken listing stores nothing and says so."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from pipelines.announcements.articles import announcement_events, articles
from regwatch.fakes import sites
from regwatch.fakes.harness import Result, run_module
from tests.conftest import make_env

FIXTURES = Path(__file__).parent / "fixtures" / "announcements"

# what an article about a prosecution for "participation" must yield: prosecution events
# (status not_designation) and no designation
PROSECUTION = "<a prosecution, no designation>"

# source → spider, base-URL variable, real site, listing paths, and per article (its path):
# publication date, language, a phrase of its text, and an organisation the extractor must
# find (None: no event at all; PROSECUTION: prosecution events only)
SOURCES = {
    "genproc": ("announcements_genproc", "REGWATCH_GENPROC_URL", "https://epp.genproc.gov.ru",
                ["/web/gprf/mass-media/news"], {
                    "/web/gprf/mass-media/news?item=84993485": (
                        "2023-01-31", "ru", "По результатам изучения поступивших материалов", "Форум свободной России"),
                    "/web/gprf/mass-media/news?item=86340120": (
                        "2023-03-20", "ru", "надзорного ведомства", "Институт государственного управления"),
                    "/web/gprf/mass-media/news?item=55012347": (
                        "2020-07-20", "ru", "семи иностранных неправительственных организаций",
                        "Friends of Falun Gong"),
                }),
    "meduza": ("announcements_meduza", "REGWATCH_MEDUZA_URL", "https://meduza.io",
               ["/rss/all", "/rss/en/all"], {
                   "/news/2025/12/02/fidh-priznana-nezhelatelnoy-organizatsiey": (
                       "2025-12-02", "ru", "Международная федерация прав человека",
                       "Международная федерация прав человека"),
                   "/en/feature/2022/08/04/blacklisted": (
                       "2022-08-04", "en", "declared 12 organizations", "WOT Foundation"),
                   "/en/news/2015/07/08/soros-and-macarthur-foundations-among-12-ngos-in-patriotic-stop-list": (
                       "2015-07-08", "en", "patriotic stop list", None),
               }),
    "hrd_blog": ("announcements_hrd_blog", "REGWATCH_HRD_BLOG_URL", "https://humanrightsdefenders.blog",
                 ["/tag/law-on-undesirable-organisations/feed/"], {
                     "/2025/05/21/russian-federation-designation-of-amnesty-international-as-undesirable-organisation/": (  # noqa: E501 (the article's URL, kept whole)
                         "2025-05-21", "en", "renowned international human rights organisation",
                         "Amnesty International"),
                     "/2019/11/16/russian-federation-inclusion-of-people-in-need-in-the-list-of-undesirable-organisations/": (  # noqa: E501 (the article's URL, kept whole)
                         "2019-11-16", "en", "Observatory for the Protection of Human Rights Defenders",
                         "People in Need"),
                     "/2023/03/07/transparency-international-designated-as-undesirable-by-russian-federation/": (
                         "2023-03-07", "en", "clearly extend beyond declared goals", "Transparency International"),
                 }),
    "tass": ("announcements_tass", "REGWATCH_TASS_URL", "https://tass.ru",
             ["/rss/v2.xml"], {
                 "/obschestvo/12557867": (
                     "2021-10-01", "ru", "Европейскую сеть организаций по наблюдению за выборами",
                     "European Network of Election"),  # «ENEMO», resolved to the name it was introduced with
                 "/obschestvo/17318871": (
                     "2023-03-20", "ru", "агрессивной милитаристской риторикой",
                     "Институт государственного управления"),
                 "/obschestvo/9005985": (
                     "2020-07-20", "ru", "шесть американских и одна британская организации", "Friends of Falun Gong"),
             }),
    "tass_en": ("announcements_tass_en", "REGWATCH_TASS_EN_URL", "https://tass.com",
                ["/rss/v2.xml"], {
                    "/society/1405821": (
                        "2022-02-18", "en", "made a decision to recognize the activity", "Free Idel-Ural"),
                    "/society/1331921": (
                        "2021-08-30", "en", "contains 46 organizations",
                        "New Generation International Christian Movement"),
                    "/society/840274": (  # the corpus holds its AMP copy; the feed links this URL
                        "2015-11-30", "en", "Marina Gridneva said", "Open Society Foundations"),
                    "/russia/806763": (
                        "2015-07-07", "en", "a draft document received by TASS", None),
                }),
    # Mediazona's layout around other publishers' texts: the corpus has no zona.media page
    "mediazona": ("announcements_mediazona", "REGWATCH_MEDIAZONA_URL", "https://zona.media",
                  ["/rss"], {
                      "/news/2022/11/14/open-press": (
                          "2022-11-14", "ru", "известила пресс-служба Генпрокуратуры", "Open Press"),
                      "/news/2025/05/19/amnesty": (
                          "2025-05-19", "ru", "центром подготовки глобальных русофобских проектов",
                          "Amnesty International"),
                      "/news/2024/05/16/sota": (  # its first paragraph is the page's lead block
                          "2024-05-16", "ru", "зарегистрированной в Литве", "SOTA media"),
                  }),
    # OVD-Info's layout around other publishers' Russian texts: the corpus has no ovd.info page
    "ovdinfo": ("announcements_ovdinfo", "REGWATCH_OVDINFO_URL", "https://ovd.info",
                ["/rss.xml"], {
                    "/express-news/2025/12/01/prokuratura-potrebovala-vozbudit-delo-protiv-zhurnalista-meduzy": (
                        "2025-12-01", "ru", "по статье об участии в деятельности", PROSECUTION),
                    "/express-news/2025/10/27/dve-ukrainskie-organizacii-priznany-nezhelatelnymi": (  # OpenGraph only
                        "2025-10-27", "ru", "усиление санкционного давления", "Truth Hounds"),
                    "/express-news/2023/06/28/genprokuratura-priznala-nezhelatelnoy-novuyu-gazetu-evropa": (
                        "2023-06-28", "ru", "опубликованной в Telegram-канале ведомства", "Новая газета — Европа"),
                }),
    # HRW's layout around FIDH's, the Observatory's and OMCT's texts (paths invented: see the fixture README)
    "hrw": ("announcements_hrw", "REGWATCH_HRW_URL", "https://www.hrw.org",
            ["/rss/news"], {
                "/news/2019/11/15/russian-federation-inclusion-people-need-list-undesirable-organisations": (
                    "2019-11-15", "en", "requests your intervention in the following situation", "People in Need"),
                "/news/2025/05/20/russian-federation-designation-amnesty-international-undesirable-organisation": (
                    "2025-05-20", "en", "center for the preparation of global Russophobic projects",
                    "Amnesty International"),  # the page's date, not the feed's (the 21st in UTC)
                "/news/2021/06/10/designations-undesirable-organisations-russia-must-end": (
                    "2021-06-10", "en", "Statement by members of the Civic Solidarity Platform\n\n4 June 2021",
                    None),  # dated by the feed's pubDate; its subtitle heads the text
            }),
}
# page chrome no stored text may hold
CHROME = ("Распечатать", "powered by WordPress", "Поддержите ОВД-Инфо", "Join our movement today")
DESIGNATION_KINDS = ("designated", "included", "excluded")


# listing pages a first crawl reads beyond the source's listings: the Prosecutor General's
# archive page, as the news list shows new articles (its fixture lists only known ones)
FOLLOWED_ON_A_FIRST_CRAWL = {"genproc": ["/web/gprf/mass-media/news/archive"]}


class FakeSite(sites.FakeSite):
    """A source's fake site from its fixtures, its listings as SOURCES names them."""

    def __init__(self, source: str) -> None:
        super().__init__(FIXTURES / source, SOURCES[source][3])


def crawl(source: str, site: FakeSite, data_dir: Path, **settings: str) -> Result:
    """`scrapy crawl SPIDER` from the repository's root, in a process of its own."""
    spider, variable = SOURCES[source][:2]
    env = make_env("http://127.0.0.1:9", data_dir, **{variable: site.url}, **settings)
    return run_module("scrapy.cmdline", ["crawl", spider], env, timeout=60)


def stored(data_dir: Path) -> tuple[list[dict], list[dict]]:
    engine = create_engine(f"sqlite:///{data_dir / 'regwatch.db'}")
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(articles).order_by(articles.c.id))]
        found = [dict(r._mapping) for r in conn.execute(select(announcement_events))]
    engine.dispose()
    return rows, found


@pytest.mark.parametrize("source", SOURCES)
def test_a_crawl_stores_every_new_article_with_its_events_and_the_next_fetches_none(source, tmp_path):
    _, _, real_site, listings, expected = SOURCES[source]
    data_dir = tmp_path / "out"
    with FakeSite(source) as site:
        first = crawl(source, site, data_dir)
        assert first.code == 0, first.stderr
        assert "ERROR" not in first.stderr, first.stderr
        assert sorted(site.requests) == sorted([*listings, *FOLLOWED_ON_A_FIRST_CRAWL.get(source, []), *expected])
        rows, found = stored(data_dir)
        assert {row["url"]: row["sha256"] for row in rows} == {
            real_site + path: hashlib.sha256(site.page(path)).hexdigest() for path in expected}
        for row in rows:
            published_on, language, phrase, organisation = expected[row["url"].removeprefix(real_site)]
            assert (row["source"], row["published_on"], row["language"]) == (source, published_on, language)
            assert row["title"] and row["fetched_at"]
            assert phrase in row["text"]
            assert not [chrome for chrome in CHROME if chrome in row["text"]], row["text"]
            events = [e for e in found if e["article_id"] == row["id"]]
            if organisation is PROSECUTION:  # stored, but never a designation
                assert events, row["url"]
                assert [e for e in events if e["kind"] in DESIGNATION_KINDS] == [], events
                assert all(e["kind"] == "prosecution" and e["status"] == "not_designation" for e in events), events
            elif organisation:
                assert any(organisation in e["organisation"] and e["status"] == "pending"
                           for e in events), (row["url"], events)
            else:  # a stop list proposed by parliament, designations named by no name: no event
                assert events == [], events
        assert f"'regwatch/articles_stored': {len(expected)}" in first.stderr

        site.requests.clear()
        second = crawl(source, site, data_dir)
        assert second.code == 0, second.stderr
        assert sorted(site.requests) == sorted(listings)  # no article page again
        assert stored(data_dir) == (rows, found)
        assert "'regwatch/articles_new': 0" in second.stderr


@pytest.mark.parametrize("source", SOURCES)
def test_a_broken_listing_is_logged_and_stores_nothing(source, tmp_path):
    data_dir = tmp_path / "out"
    with FakeSite(source) as site:
        site.broken = True
        result = crawl(source, site, data_dir)
    assert result.code == 0, result.stderr
    listing = f"{site.url}{SOURCES[source][3][0]}"
    assert (f"ERROR: {source}: {listing} lists no articles (HTTP 200, text/html): "
            "an error page or a redesign; nothing stored from it") in result.stderr
    assert sorted(site.requests) == sorted(SOURCES[source][3])
    assert stored(data_dir) == ([], [])


@pytest.mark.parametrize("source", ["meduza", "genproc"])
def test_robots_txt_is_obeyed_and_a_disallowed_page_is_named(source, tmp_path):
    data_dir = tmp_path / "out"
    listings = SOURCES[source][3]
    with FakeSite(source) as site:
        site.robots = "User-agent: *\nDisallow: " + listings[0] + "\n"
        result = crawl(source, site, data_dir)
    assert site.robots_asked == 1
    assert f"ERROR: {source}: {site.url}{listings[0]} is disallowed by the site's robots.txt: not fetched" \
        in result.stderr
    assert listings[0] not in site.requests  # never asked for
    if len(listings) == 1:
        assert site.requests == [] and stored(data_dir) == ([], [])
    with FakeSite(source) as site:  # the operator's decision: fetched all the same
        site.robots = "User-agent: *\nDisallow: /\n"
        result = crawl(source, site, data_dir, REGWATCH_ROBOTSTXT_OBEY="0")
    assert site.robots_asked == 0 and listings[0] in site.requests
    assert "robots.txt" not in result.stderr and stored(data_dir)[0]


# --- the Prosecutor General's archive walk ------------------------------------------------

GENPROC = "https://epp.genproc.gov.ru"
ARCHIVE = "/web/gprf/mass-media/news/archive"
# the portlet instance id the fixture archive pages carry
ARCHIVE_PORTLET = "ru_voskhod_gpparf_portal_feeds_main_page_portlet_FeedsListViewPortlet_INSTANCE_kXq2Rt9mZp4L"
# articles only the archive shows (fixture routes_archive_walk.json): the archive page
# listing it, and an organisation the extractor must find
ARCHIVED = {
    "/web/gprf/mass-media/news?item=84725518": (1, "Medusa Project"),
    "/web/gprf/mass-media/news?item=63512808": (2, "Project Media"),
    "/web/gprf/mass-media/news?item=12204417": (3, "Открытая Россия"),
}


def archive_page(page: int) -> str:
    """What the spider must request for archive page `page` > 1 (written out, not computed
    by the spider's own helper, so a change to the URL fails here)."""
    return (f"{ARCHIVE}?p_p_id={ARCHIVE_PORTLET}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
            f"&_{ARCHIVE_PORTLET}_delta=40&_{ARCHIVE_PORTLET}_resetCur=false&_{ARCHIVE_PORTLET}_cur={page}")


def serve(site: FakeSite, routes_file: str) -> None:
    """Change the fake site's pages as routes_file says (the site published more)."""
    site.routes.update(json.loads((site.folder / routes_file).read_text(encoding="utf-8")))


def archive_requests(site: FakeSite) -> list[str]:
    return [path for path in site.requests if path.startswith(ARCHIVE)]


def test_genproc_walks_the_archive_while_pages_show_new_articles_and_stops_at_the_bound(tmp_path):
    data_dir = tmp_path / "out"
    with FakeSite("genproc") as site:
        serve(site, "routes_archive_walk.json")  # archive pages 1-4, each with an article not stored
        first = crawl("genproc", site, data_dir)
        assert first.code == 0, first.stderr
        assert "ERROR" not in first.stderr, first.stderr
        # page 4 exists and shows a new article, but the default bound is 3 pages
        assert archive_requests(site) == [ARCHIVE, archive_page(2), archive_page(3)]
        assert "'regwatch/archive_pages': 3" in first.stderr
        rows, found = stored(data_dir)
        news_list = SOURCES["genproc"][4]
        assert {row["url"]: row["sha256"] for row in rows} == {
            GENPROC + path: hashlib.sha256(site.page(path)).hexdigest() for path in [*news_list, *ARCHIVED]}
        for path, (_, organisation) in ARCHIVED.items():
            row = next(r for r in rows if r["url"] == GENPROC + path)
            assert row["source"] == "genproc" and row["language"] == "ru" and "Распечатать" not in row["text"]
            assert any(organisation in e["organisation"] for e in found if e["article_id"] == row["id"]), path

        # later: one new item on the news list; the archive's first page shows nothing else new
        serve(site, "routes_later.json")
        site.requests.clear()
        second = crawl("genproc", site, data_dir)
        assert second.code == 0, second.stderr
        assert sorted(site.requests) == sorted(
            ["/web/gprf/mass-media/news", "/web/gprf/mass-media/news?item=95588014", ARCHIVE])
        assert "'regwatch/articles_stored': 1" in second.stderr
        rows_after, found_after = stored(data_dir)
        assert rows_after[:len(rows)] == rows and len(rows_after) == len(rows) + 1
        newest = rows_after[-1]
        assert (newest["url"], newest["published_on"]) == (GENPROC + "/web/gprf/mass-media/news?item=95588014",
                                                           "2025-09-14")
        assert any("Royal United Services Institute" in e["organisation"]
                   for e in found_after if e["article_id"] == newest["id"])

        # nothing new anywhere: no archive page at all
        site.requests.clear()
        third = crawl("genproc", site, data_dir)
        assert third.code == 0, third.stderr
        assert site.requests == ["/web/gprf/mass-media/news"]


@pytest.mark.parametrize("pages", [0, 1, 2])
def test_genproc_archive_pages_bounds_the_walk(pages, tmp_path):
    with FakeSite("genproc") as site:
        serve(site, "routes_archive_walk.json")
        result = crawl("genproc", site, tmp_path / "out", REGWATCH_GENPROC_ARCHIVE_PAGES=str(pages))
    assert result.code == 0, result.stderr
    assert archive_requests(site) == [ARCHIVE, archive_page(2)][:pages]
    archived = {GENPROC + path for path, (page, _) in ARCHIVED.items() if page <= pages}
    rows, _ = stored(tmp_path / "out")
    assert {row["url"] for row in rows} == {GENPROC + path for path in SOURCES["genproc"][4]} | archived


def test_a_bad_archive_pages_setting_is_refused_with_its_name(tmp_path):
    with FakeSite("genproc") as site:
        result = crawl("genproc", site, tmp_path / "out", REGWATCH_GENPROC_ARCHIVE_PAGES="all")
    assert result.code != 0
    assert "REGWATCH_GENPROC_ARCHIVE_PAGES must be a whole number of pages" in result.stderr
    assert site.requests == []


def test_tass_en_reads_the_pages_dateformat_stamp_in_moscow_time():
    from scrapy.http import HtmlResponse

    from scraper.spiders.announcements_tass_en import TassEnAnnouncementsSpider

    def page(stamp: str) -> HtmlResponse:
        body = (f'<html><body><div class="news-header__date"><dateformat time="{stamp}" mode="abs">'
                f'</dateformat></div></body></html>')
        return HtmlResponse("https://tass.com/society/1", body=body.encode(), encoding="utf-8")

    spider = TassEnAnnouncementsSpider()
    assert spider._parse_date(page("1645173120")) == "2022-02-18"  # 08:32 UTC = 11:32 MSK
    assert spider._parse_date(page("1645134300")) == "2022-02-18"  # 21:45 UTC on the 17th: 00:45 MSK
    assert spider._parse_date(page("1645134300000")) == "2022-02-18"  # the same stamp in milliseconds
    assert spider._parse_date(page("soon")) == ""


def test_ovdinfo_reads_json_ld_then_opengraph_then_the_page():
    from scrapy.http import HtmlResponse

    from scraper.spiders.announcements_ovdinfo import OvdInfoAnnouncementsSpider

    def page(head: str, body: str) -> HtmlResponse:
        html = (f"<html><head>{head}</head><body><header><p>Меню</p></header>{body}"
                "<footer><p>Подвал</p></footer></body></html>")
        return HtmlResponse("https://ovd.info/express-news/2025/01/01/x", body=html.encode(), encoding="utf-8")

    spider = OvdInfoAnnouncementsSpider()
    og = ('<meta property="og:title" content="Из OpenGraph">'
          '<meta property="article:published_time" content="2025-03-02T23:30:00+03:00">')
    ld = ('<script type="application/ld+json">{"broken": </script>'  # skipped, as browsers do
          '<script type="application/ld+json">[{"@type": "Organization", "name": "ОВД-Инфо"},'
          ' {"@type": ["NewsArticle"], "headline": "Из JSON-LD",'
          ' "datePublished": "2025-03-01T10:00:00+03:00"}]</script>')
    both = page(ld + og, "<main><h1>Из h1</h1><article><p>Абзац статьи.</p></article><p>Вне статьи.</p></main>")
    assert (spider._parse_title(both), spider._parse_date(both)) == ("Из JSON-LD", "2025-03-01")
    assert spider._parse_text(both) == "Абзац статьи."
    meta_only = page(og, "<main><h1>Из h1</h1><p>Первый.</p><p>Второй.</p></main>")
    assert (spider._parse_title(meta_only), spider._parse_date(meta_only)) == ("Из OpenGraph", "2025-03-02")
    assert spider._parse_text(meta_only) == "Первый.\n\nВторой."
    bare = page("", '<h1>Из <em>h1</em></h1><time datetime="2025-03-03">3 марта</time><p>Без main.</p>')
    assert (spider._parse_title(bare), spider._parse_date(bare)) == ("Из h1", "2025-03-03")
    assert spider._parse_text(bare) == ""  # no <article> or <main>: no text, never the chrome


def test_hrw_reads_its_headline_dated_time_subtitle_and_article_body():
    from scrapy.http import HtmlResponse

    from scraper.spiders.announcements_hrw import HrwAnnouncementsSpider

    def page(body: str) -> HtmlResponse:
        html = (f"<html lang='en'><head><meta property='og:title' content='From og:title'></head><body>"
                f"<header><p>Donate Now</p></header>{body}"
                "<aside><p class='subtitle'>A related subtitle</p><time datetime='2025-01-01'>1 Jan</time></aside>"
                "<footer><p>Join our movement today.</p></footer></body></html>")
        return HtmlResponse("https://www.hrw.org/news/2025/12/02/x", body=html.encode(), encoding="utf-8")

    spider = HrwAnnouncementsSpider()
    full = page("<h1 class='site-name'>Human Rights Watch</h1><h1 class='title--huge'>The <em>headline</em></h1>"
                "<p class='subtitle'>The subtitle</p><time datetime='2025-11-30'>related</time>"
                "<time class='date' datetime='2025-12-02T20:00:00-05:00'>December 2, 2025</time>"
                "<div class='article-body'><p>First.</p><ul><li>A list item</li></ul><p>Last.</p></div>")
    assert (spider._parse_title(full), spider._parse_date(full)) == ("The headline", "2025-12-02")
    assert spider._parse_text(full) == "The subtitle\n\nFirst.\n\nA list item\n\nLast."
    bare = page("<h1>A plain headline</h1><div class='article-body'><p>Only the body.</p></div>")
    assert (spider._parse_title(bare), spider._parse_date(bare)) == ("A plain headline", "")  # the feed's date then
    assert spider._parse_text(bare) == "Only the body."  # never the related item's subtitle
