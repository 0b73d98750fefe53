"""The web app through FastAPI's TestClient: pages, API, bad input, escaping, the crawl token.

The data is real: both recorded states crawled by the real spider (367 entries, then 23
added). Escaping is also tested against a store holding a hostile name. The browser
tests (test_web_browser.py) drive the real `regwatch serve` process.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipelines.publish.dictionary import CHANGE_COLUMNS, EXPORT_COLUMNS, column_meaning
from pipelines.register.models import ADDED, EXCLUDED, LISTED, Change, Entry
from pipelines.register.stats import (
    PeriodCount,
    designation_day,
    monthly_designations,
    yearly_designations,
)
from pipelines.storage.data_config import DataConfig
from pipelines.storage.store import Store
from regwatch.web import i18n, params
from regwatch.web.app import create_app
from regwatch.web.chart import NARROW, WIDE, ChartText, axis_ticks, render_chart
from regwatch.web.crawling import refusal
from regwatch.web.register import ChangesQuery, RegisterQuery, select, select_changes
from regwatch.web.state import LiveRegister
from scraper.registers.metadata import load_source
from tests.web_support import SECOND_STATE_ENTRIES, SOURCE, shared_history

TOKEN = "test-token-0123456789"
TODAY = date(2026, 9, 1)
HOSTILE = 'Evil <script>alert(1)</script> "Quoted" «Angle» & <img src=x onerror=alert(2)>'


def _config(data_dir: Path) -> DataConfig:
    return DataConfig(data_dir, f"sqlite:///{data_dir / 'regwatch.db'}")


@pytest.fixture(scope="module")
def history(tmp_path_factory, baseline_dir) -> Path:
    return shared_history(tmp_path_factory, baseline_dir)


@pytest.fixture(scope="module")
def client(history):
    app = create_app(_config(history), token=TOKEN, recheck_seconds=0,
                     crawl=[sys.executable, "-c", "import time; time.sleep(3)"])
    with TestClient(app) as test_client:
        yield test_client


def _entry(number: int, name: str, **fields) -> Entry:
    return Entry(entry_id=f"{SOURCE}/{number}", number=number, name=name, **fields)


@pytest.fixture
def hostile(tmp_path) -> TestClient:
    """An app on a store holding one entry with markup, quotes and «» in every text."""
    config = _config(tmp_path)
    store = Store(config.database_url)
    entry = _entry(1, HOSTILE, name_original=(HOSTILE,), country="<b>Страна</b>", listed_on="2024-05-06",
                   listing_order='1"2<3>', first_seen="2026-08-01T00:00:00+00:00",
                   last_changed="2026-08-01T00:00:00+00:00", source_url="javascript:alert(3)",
                   raw=(("name", HOSTILE), ("listing_order", '1"2<3>')))
    store.commit_state(SOURCE, "api", "2026-08-01T00:00:00+00:00", "h", [], None, 1, [entry], [],
                       [Change(ADDED, entry.entry_id, 1, HOSTILE, new=LISTED,
                               detected_at="2026-08-01T00:00:00+00:00")])
    store.close()
    with TestClient(create_app(config, recheck_seconds=0)) as test_client:
        yield test_client


class _Text(HTMLParser):
    """The visible text of a page (what a reader sees, entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def _parsed(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


# --- the register page ----------------------------------------------------------------

def test_register_page_lists_the_latest_state_a_page_at_a_time(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"{SECOND_STATE_ENTRIES} entries: {SECOND_STATE_ENTRIES} listed, 0 excluded" in page.text
    assert page.text.count('<td class="col-number"') == 100
    assert "Showing 1–100 of 390" in page.text
    last = client.get("/?page=4")
    assert "Showing 301–390 of 390" in last.text and 'rel="next"' not in last.text


def test_search_is_a_substring_of_the_folded_name(client):
    for query in ("bellingcat", "BELLINGCAT", "Bellingсat"):  # the last with a Cyrillic «с»
        page = client.get("/", params={"q": query})
        assert "Showing 1–2 of 2" in page.text, query
        assert "Stichting Bellingcat (Нидерланды)" in page.text


def test_filters_and_sort_by_country_year_and_name(client):
    german = client.get("/api/entries", params={"country": "de"}).json()
    assert german["total"] == 61 and {e["country_code"] for e in german["entries"]} == {"DE"}
    year = client.get("/api/entries", params={"year": "2015"}).json()
    assert year["total"] == 4 and all(e["listed_on"].startswith("2015") for e in year["entries"])
    by_name = client.get("/api/entries", params={"sort": "listed_on", "order": "desc"}).json()
    days = [e["listed_on"] for e in by_name["entries"]]
    assert days == sorted(days, reverse=True) and by_name["pages"] == 4
    page = client.get("/", params={"sort": "name"})
    assert 'aria-sort="ascending"' in page.text


# --- "am I listed?" ---------------------------------------------------------------------

def _verdict_heading(html: str) -> str:
    return re.search(r'<h2 id="verdict-heading">(.*?)</h2>', html).group(1)


def test_check_says_listed_only_for_a_confident_match(client):
    listed = client.get("/check", params={"q": "Stichting Bellingcat"})
    assert _verdict_heading(listed.text) == "LISTED"
    assert "№ 57 · Stichting Bellingcat (Нидерланды)" in listed.text
    near = client.get("/check", params={"q": "Open Society Institute"})
    assert _verdict_heading(near.text) == "Possible match — not confirmed"
    assert "LISTED" not in near.text
    assert "Similarity" in near.text and "fuzzy tokens" in near.text
    absent = client.get("/check", params={"q": "Zzyzx Qwerty Trust"})
    assert _verdict_heading(absent.text) == "Not listed"


def test_check_api_gives_the_verdict_record_and_agrees_with_the_page(client):
    for query in ("Stichting Bellingcat", "Open Society Institute", "Zzyzx Qwerty Trust"):
        record = client.get("/api/check", params={"q": query}).json()
        assert set(record) == {"query", "listed", "rule", "explanation", "matches", "register_as_of",
                               "listed_anywhere", "registers"}
        assert record["listed_anywhere"] == record["listed"]  # one register read here
        page = client.get("/check", params={"q": query})
        assert (_verdict_heading(page.text) == "LISTED") == record["listed"]
    near = client.get("/api/check", params={"q": "Open Society Institute"}).json()
    assert near["listed"] is False and near["matches"]
    assert set(near["matches"][0]) >= {"entry_id", "number", "name", "status", "score", "matched_on"}


def test_check_in_russian(client):
    page = client.get("/check", params={"q": "Беллингкэт", "lang": "ru"})
    assert '<html lang="ru">' in page.text and "Есть ли мы в списке?" in page.text


# --- bad input: a clear answer, never a 500 --------------------------------------------

def test_an_empty_query_asks_for_a_name(client):
    page = client.get("/check", params={"q": "   "})
    assert page.status_code == 200 and "Type a name to check." in page.text
    api = client.get("/api/check", params={"q": ""})
    assert api.status_code == 400 and api.json() == {"error": "Type a name to check."}


def test_a_10000_character_query_is_refused_in_words(client):
    for path in ("/check", "/", "/api/check", "/api/entries"):
        reply = client.get(path, params={"q": "a" * 10_000})
        assert reply.status_code == 400, path
        assert "The text is too long: 10000 characters, at most 500." in reply.text


def test_markup_in_a_query_is_shown_as_text_never_run(client):
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for path in ("/check", "/"):
        page = client.get(path, params={"q": attack})
        assert page.status_code == 200
        assert "<script" not in page.text and "<img" not in page.text
        assert "&lt;script&gt;" in page.text or "&#34;&gt;&lt;script&gt;" in page.text


def test_unknown_entry_is_a_404_page_and_a_404_json(client):
    page = client.get("/entry/ru_minjust_undesirable/99999")
    assert page.status_code == 404
    assert "No entry with the id “ru_minjust_undesirable/99999” was ever in the register." in page.text
    api = client.get("/api/entries/nope")
    assert api.status_code == 404 and "nope" in api.json()["error"]
    assert client.get("/no/such/page").status_code == 404


@pytest.mark.parametrize(("path", "message"), [
    ("/changes?since=2999-01-01", "2999-01-01 is in the future"),
    ("/api/changes?since=2999-01-01", "2999-01-01 is in the future"),
    ("/?year=2999", "2999 is in the future"),
    ("/?year=1999", "1999 is not a year of the register"),
    ("/changes?since=14.08.2026", "“14.08.2026” is not a date in the form YYYY-MM-DD"),
    ("/?page=abc", "“abc” is not a valid page"),
    ("/?page=0", "“0” is not a valid page: pages are numbered from 1."),
    ("/api/entries?page=0", "“0” is not a valid page: pages are numbered from 1."),
    ("/api/changes?page=-1", "“-1” is not a valid page: pages are numbered from 1."),
    ("/?page=99", "There is no page 99: the results have 4."),
    ("/?sort=evil", "“evil” is not a valid sort"),
    ("/?status=gone", "“gone” is not a valid status"),
    ("/?country=Germany", "“Germany” is not a valid country"),
    ("/changes?kind=nuked", "“nuked” is not a valid kind"),
    ("/downloads/latest.csv?bom=yes", "“yes” is not a valid bom"),
])
def test_bad_parameters_are_a_400_that_says_what_is_wrong(client, path, message):
    reply = client.get(path)
    assert reply.status_code == 400
    assert message in (reply.json()["error"] if path.startswith("/api/") else reply.text)


# --- escaping -----------------------------------------------------------------------------

def test_published_names_with_quotes_and_angle_quotes_are_escaped(client):
    page = client.get("/entry/ru_minjust_undesirable/250")
    name = 'International House World Organisation («Всемирная организация "Международный дом"»), Великобритания'
    assert "«Всемирная организация &#34;Международный дом&#34;»" in page.text
    assert name in "".join(_parsed(page.text).parts)


def test_hostile_text_in_the_register_is_escaped_on_every_page(hostile):
    for path, query in [("/", {}), ("/", {"q": "evil"}), ("/entry/ru_minjust_undesirable/1", {}),
                        ("/changes", {}), ("/check", {"q": HOSTILE})]:
        page = hostile.get(path, params=query)
        assert page.status_code == 200, path
        parsed = _parsed(page.text)
        assert "script" not in parsed.tags and "img" not in parsed.tags, path
        assert "<b>" not in page.text, path
        assert HOSTILE in "".join(parsed.parts), path  # shown as published, to the letter
    entry = hostile.get("/entry/ru_minjust_undesirable/1").text
    assert 'href="javascript:' not in entry  # a source URL that is not https:// is not a link


def test_no_page_has_a_script_and_every_reply_carries_the_security_headers(client):
    for path in ("/", "/check?q=x", "/entry/ru_minjust_undesirable/1", "/changes", "/downloads",
                 "/chart", "/docs", "/api/stats", "/nope"):
        reply = client.get(path)
        assert "<script" not in reply.text, path
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, path
        assert reply.headers["x-content-type-options"] == "nosniff"


# --- language -----------------------------------------------------------------------------

def test_language_from_the_query_or_accept_language_with_a_switch_link(client):
    english = client.get("/")
    assert '<html lang="en">' in english.text and 'href="/?lang=ru"' in english.text
    russian = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in russian.text and "Реестр «нежелательных» организаций" in russian.text
    assert 'href="/?lang=en"' in russian.text
    kept = client.get("/", params={"lang": "ru", "q": "fund"})
    assert 'href="/?q=fund&amp;lang=en"' in kept.text  # the switch keeps the query
    assert 'href="/entry/ru_minjust_undesirable/' in kept.text and "lang=ru" in kept.text


def test_every_column_is_in_both_languages():
    for column in (*EXPORT_COLUMNS, *CHANGE_COLUMNS):
        english, russian = column_meaning(column, "en"), column_meaning(column, "ru")
        assert english and russian
    assert i18n.pick_language(None, "de, ru;q=0.7, en;q=0.5") == "ru"
    assert i18n.pick_language("xx", "ru;q=0") == "en"


# --- entry, changes, downloads, chart ------------------------------------------------------

def test_entry_page_shows_its_history_and_the_raw_published_text(client):
    page = client.get("/entry/ru_minjust_undesirable/371")
    assert page.status_code == 200
    assert "Child Evangelism Fellowship" in page.text
    assert '<span class="kind kind-added">added</span>' in page.text
    assert "As published from" in page.text and "Inclusion order" in page.text
    assert 'href="https://reestrs.minjust.gov.ru/#/registry/' in page.text
    api = client.get("/api/entries/ru_minjust_undesirable/371").json()
    assert api["in_published_register"] is True
    assert [c["kind"] for c in api["changes"]] == ["added"]
    assert api["versions"][0]["published_cells"]["number"] == "371"


def test_changes_page_and_the_atom_feed(client):
    page = client.get("/changes")
    assert "Showing 1–23 of 23" in page.text and 'href="/changes.atom"' in page.text
    feed = client.get("/changes.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert b"<feed" in feed.content
    api = client.get("/api/changes", params={"kind": "added"}).json()
    assert api["total"] == 23 and api["changes"][0]["kind"] == "added"


def test_downloads_serve_the_real_files_that_parse_back(client, history):
    page = client.get("/downloads")
    for column in EXPORT_COLUMNS:
        assert f"<code>{column}</code>" in page.text
    assert page.text.count('href="/downloads/snapshots/') == 2
    latest = client.get("/downloads/latest.csv")
    assert latest.headers["content-type"] == "text/csv; charset=utf-8"
    assert latest.headers["content-disposition"].startswith("attachment;")
    assert "ru_minjust_undesirable_latest.csv" in latest.headers["content-disposition"]
    assert latest.content == (history / SOURCE / "latest.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(latest.text)))
    assert len(rows) == SECOND_STATE_ENTRIES and tuple(rows[0]) == EXPORT_COLUMNS
    excel = client.get("/downloads/latest.csv", params={"bom": "1"})
    assert excel.content == b"\xef\xbb\xbf" + latest.content
    xlsx = client.get("/downloads/latest.xlsx")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert client.get("/downloads/latest.json").json()["count"] == SECOND_STATE_ENTRIES


def test_the_data_package_is_served_and_every_resource_it_names_downloads(client, history):
    assert "/downloads/datapackage.json" in client.get("/downloads").text  # linked from the page
    package = client.get("/downloads/datapackage.json")
    assert package.status_code == 200 and package.headers["content-type"] == "application/json"
    assert package.content == (history / SOURCE / "datapackage.json").read_bytes()
    named = [r["path"] for r in package.json()["resources"]]
    named += [r["schema"] for r in package.json()["resources"] if isinstance(r.get("schema"), str)]
    assert "register.schema.json" in named and any(n.startswith("snapshots/") for n in named)
    for name in named:  # relative paths: beside the package, each resolves
        assert client.get(f"/downloads/{name}").status_code == 200, name


@pytest.mark.parametrize("name", ["regwatch.db", "../regwatch.db", "snapshots/../../regwatch.db",
                                  "%2e%2e/regwatch.db", "status.json", "snapshots/x.csv"])
def test_only_published_files_can_be_downloaded(client, name):
    assert client.get(f"/downloads/{name}").status_code == 404


def test_chart_is_inline_svg_with_a_table_alternative(client):
    page = client.get("/chart")
    assert page.text.count("<svg") == 2 and 'role="img"' in page.text
    assert "<table" in page.text and "<details>" in page.text
    stats = client.get("/api/stats").json()
    assert stats["by_month"][0]["month"] == "2015-01"
    assert stats["by_month"][-1]["cumulative"] == SECOND_STATE_ENTRIES
    assert sum(y["count"] for y in stats["by_year"]) == SECOND_STATE_ENTRIES


def test_openapi_and_the_self_contained_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/entries", "/api/check", "/api/changes", "/api/stats", "/api/crawl"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/check" in docs.text
    assert not re.search(r'(src|href)="https?://(?!reestrs\.minjust\.gov\.ru)', docs.text)
    assert client.get("/redoc").status_code == 404


def _texts(spec: object, key: str = "") -> list[str]:
    """Every summary and description of an OpenAPI document."""
    if isinstance(spec, dict):
        return [text for k, v in spec.items() for text in _texts(v, k)]
    if isinstance(spec, list):
        return [text for v in spec for text in _texts(v, key)]
    return [spec] if key in ("summary", "description") and isinstance(spec, str) else []


def test_the_docs_show_no_markup_of_their_own(client):
    texts = _texts(client.get("/openapi.json").json())
    assert any("confident match" in text for text in texts)
    # /docs shows them as written (a summary is plain text; a Markdown description would
    # eat <angle brackets>): no backticks, no tags.
    assert [text for text in texts if "`" in text or "<" in text] == []
    docs = client.get("/docs").text
    assert "confident match" in docs and "`" not in docs


# --- the crawl trigger ----------------------------------------------------------------------

def test_crawl_needs_the_token_and_never_runs_twice(client):
    assert client.post("/api/crawl").status_code == 401
    assert client.post("/api/crawl", headers={"Authorization": "Bearer wrong"}).status_code == 403
    started = client.post("/api/crawl", headers={"Authorization": f"Bearer {TOKEN}"})
    assert started.status_code == 202 and started.json()["started"] is True
    again = client.post("/api/crawl", headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 409 and again.json()["pid"] == started.json()["pid"]
    assert client.get("/api/status").json()["crawl_running"] is True
    assert TOKEN not in client.get("/docs").text + client.get("/api/status").text


def test_crawl_is_disabled_without_a_token(hostile):
    reply = hostile.post("/api/crawl", headers={"Authorization": "Bearer anything"})
    assert reply.status_code == 503 and "REGWATCH_API_TOKEN" in reply.json()["error"]


def test_refusal_rules():
    assert refusal(None, None) == 503
    assert refusal("Bearer x", "") == 503
    assert refusal(None, "t") == 401 and refusal("Basic t", "t") == 401
    assert refusal("Bearer u", "t") == 403
    assert refusal("bearer t", "t") is None


# --- nothing crawled yet ---------------------------------------------------------------------

def test_every_page_works_before_the_first_crawl(tmp_path):
    with TestClient(create_app(_config(tmp_path))) as empty:
        for path in ("/", "/check?q=x", "/changes", "/chart"):
            page = empty.get(path)
            assert page.status_code == 200 and "Nothing crawled yet" in page.text, path
        assert "not written yet" in empty.get("/downloads").text
        assert empty.get("/changes.atom").status_code == 404
        api = empty.get("/api/entries")
        assert api.status_code == 503 and "not read the register yet" in api.json()["error"]


# --- pure parts -----------------------------------------------------------------------------

def test_query_parsing_rejects_what_it_cannot_answer():
    assert RegisterQuery.parse({"q": " x ", "country": "de", "year": "2020"}, TODAY) == \
        RegisterQuery(q="x", country="DE", year=2020)
    for given, key in [({"year": "2027"}, "web.error.future_date"), ({"page": "-1"}, "web.error.bad_page_number"),
                       ({"order": "up"}, "web.error.bad_choice"), ({"country": "D"}, "web.error.bad_choice")]:
        with pytest.raises(params.BadRequest) as refused:
            RegisterQuery.parse(given, TODAY)
        assert refused.value.key == key
    with pytest.raises(params.BadRequest):
        ChangesQuery.parse({"since": "2026-W33-1"}, TODAY)
    assert RegisterQuery(q="a", page=3).link(sort="name") == {"q": "a", "sort": "name"}


def test_select_filters_sorts_and_pages():
    entries = [_entry(1, "Бета", country_code="DE", listed_on="2020-01-02"),
               _entry(2, "Alpha", country_code="US", listed_on="2021-05-01", status=EXCLUDED),
               _entry(3, "Gamma", listed_on="2019-03-03")]
    folded = [e.name.casefold() for e in entries]
    names = lambda **q: [e.number for e in select(entries, folded, RegisterQuery(**q)).items]  # noqa: E731
    assert names(sort="name") == [2, 3, 1]
    assert names(sort="listed_on", order="desc") == [2, 1, 3]
    assert names(sort="country") == [1, 2, 3]
    assert names(country="none") == [3] and names(status=EXCLUDED) == [2] and names(year=2020) == [1]
    page = select(entries, folded, RegisterQuery(page=2), page_size=2)
    assert (page.first, page.last, page.pages) == (3, 3, 2)
    with pytest.raises(params.BadRequest):
        select(entries, folded, RegisterQuery(page=3), page_size=2)
    found = [Change(ADDED, "a", 1, "A", detected_at="2026-08-01T00:00:00+00:00"),
             Change(ADDED, "b", 2, "B", detected_at="2026-08-14T00:00:00+00:00")]
    assert [c.entry_id for c in select_changes(found, ChangesQuery()).items] == ["b", "a"]
    assert [c.entry_id for c in select_changes(found, ChangesQuery(since="2026-08-02")).items] == ["b"]


def test_designations_per_month_with_fallback_dates_and_running_total():
    entries = [_entry(1, "a", listed_on="2015-03-10", designated_on="2015-02-01"),
               _entry(2, "b", designated_on="2015-03-20"),
               _entry(3, "c", first_seen="2015-05-01T10:00:00+00:00"),
               _entry(4, "d", listed_on="2016-01-05", status=EXCLUDED)]
    assert [designation_day(e) for e in entries] == ["2015-03-10", "2015-03-20", "2015-05-01", "2016-01-05"]
    months = monthly_designations(entries, date(2016, 2, 1))
    assert months[0] == PeriodCount("2015-01", 0, 0) and months[-1] == PeriodCount("2016-02", 0, 4)
    assert PeriodCount("2015-03", 2, 2) in months and len(months) == 14
    assert yearly_designations(months) == [PeriodCount("2015", 3, 3), PeriodCount("2016", 1, 4)]
    assert monthly_designations([], TODAY) == []


def test_chart_svg_escapes_its_text_and_draws_a_bar_per_busy_month():
    months = [PeriodCount("2015-01", 2, 2), PeriodCount("2015-02", 0, 2), PeriodCount("2015-03", 5, 7)]
    text = ChartText("<b>Title</b>", 'Desc "x" & y', "Bars «per month»", "Line")
    for layout in (WIDE, NARROW):
        svg = render_chart(months, text, layout)
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "&lt;b&gt;Title&lt;/b&gt;" in svg and "<b>" not in svg
        assert svg.count("<rect") == 2 + 1  # two busy months and the legend's key
        assert f'viewBox="0 0 {layout.width} {layout.height}"' in svg
    assert render_chart([], text) == ""
    ticks, bar_step, line_step = axis_ticks(23, 390)
    assert bar_step * ticks >= 23 and line_step * ticks >= 390


def test_the_live_register_rebuilds_only_when_a_newer_snapshot_is_stored(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'regwatch.db'}")
    live = LiveRegister(store, load_source(SOURCE), recheck_seconds=0)
    assert live.current().empty
    first = _entry(1, "Alpha Fund", first_seen="2026-08-01T00:00:00+00:00")
    store.commit_state(SOURCE, "api", "2026-08-01T00:00:00+00:00", "h1", [], None, 1, [first], [], [])
    state = live.current()
    assert live.current() is state and state.check("Alpha Fund").listed
    second = _entry(2, "Beta Fund", first_seen="2026-08-02T00:00:00+00:00")
    store.commit_state(SOURCE, "api", "2026-08-02T00:00:00+00:00", "h2", [], None, 2, [second], [], [])
    assert live.current() is not state and live.current().check("Beta Fund").listed
    store.close()


def test_the_register_page_is_rendered_once_per_snapshot_and_status(hostile, monkeypatch):
    """Twenty visitors of `/` share one rendering; a new status.json or snapshot renders afresh."""
    from pipelines.publish.status import write_status
    from regwatch.web import pages

    filtered = []
    monkeypatch.setattr(pages, "select", lambda *args: filtered.append(args) or select(*args))
    first = hostile.get("/")
    assert hostile.get("/").text == first.text and len(filtered) == 1
    assert hostile.get("/?lang=ru").status_code == 200 and len(filtered) == 2  # another page
    folder = hostile.app.state.web.folder
    write_status(folder.parent, SOURCE, "unchanged", "", "2026-08-03T09:00:00+00:00", None)
    assert "2026-08-03 09:00 UTC" in hostile.get("/").text and len(filtered) == 3
    store = hostile.app.state.web.store
    store.commit_state(SOURCE, "api", "2026-08-04T00:00:00+00:00", "h2", [], None, 2,
                       [_entry(2, "Beta Fund", first_seen="2026-08-04T00:00:00+00:00")], [], [])
    assert "Beta Fund" in hostile.get("/").text and len(filtered) == 4


def test_a_newer_snapshot_has_its_workbooks_made_in_the_background(tmp_path):
    """The web makes a new snapshot's XLSX before anyone asks for it (on_new, in a thread of
    its own): once per snapshot, never per request."""
    import threading

    store = Store(f"sqlite:///{tmp_path / 'regwatch.db'}")
    made: list[int] = []
    done = threading.Event()
    live = LiveRegister(store, load_source(SOURCE), recheck_seconds=0,
                        on_new=lambda: (made.append(1), done.set()))
    assert live.current().empty and made == []  # nothing stored: nothing to make
    store.commit_state(SOURCE, "api", "2026-08-01T00:00:00+00:00", "h1", [], None, 1,
                       [_entry(1, "Alpha Fund", first_seen="2026-08-01T00:00:00+00:00")], [], [])
    live.current()
    live.current()
    assert done.wait(10) and made == [1]
    store.close()


def test_every_explanation_of_a_match_has_a_russian_translation(client):
    from regwatch.web.i18n import how_text

    folded = client.get("/check", params={"q": "stichting bellingcat", "lang": "ru"}).text
    assert "те же буквы (регистр)" in folded and "folded" not in folded
    fuzzy = client.get("/check", params={"q": "Open Society Institute", "lang": "ru"}).text
    assert "похожие слова, балл" in fuzzy and "fuzzy tokens" not in fuzzy
    for how in ("exact", "transliterated (one Latin spelling, spaces ignored)"):
        assert how_text(how, "ru") == how  # plain text, not composed of phrases: as it is
