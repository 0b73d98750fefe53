"""The real `regwatch serve` process driven by a real headless Chromium (Debian's, through
its own chromedriver: nothing is downloaded). A reader's path: search, check a name,
open an entry, download the CSV and parse it back, look at the chart, in English and
Russian, on a desktop and on a phone. Screenshots go to output/screenshots/.

Without chromium and chromedriver the tests are skipped, unless CI is set: then they fail.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from pipelines.publish.dictionary import EXPORT_COLUMNS
from tests.conftest import ROOT
from tests.web_support import SECOND_STATE_ENTRIES, serving, shared_history, shared_two_registers

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = ROOT / "output" / "screenshots"
DESKTOP, PHONE = (1280, 900), (390, 844)
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run")


def _browser_missing() -> str:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    return ", ".join(missing)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, baseline_dir):
    missing = _browser_missing()
    if missing:
        message = f"browser tests need {missing} (make install-test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with serving(shared_history(tmp_path_factory, baseline_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.downloads = downloads
    driver.set_page_load_timeout(20)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver, name: str, size: tuple[int, int]) -> Path:
    """The whole page at that window width (the window grows to the page's height)."""
    driver.set_window_size(*size)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size[0], min(max(height, size[1]), 4000))
    target = SCREENSHOTS / f"{name}-{'phone' if size == PHONE else 'desktop'}.png"
    driver.save_screenshot(str(target))
    driver.set_window_size(*size)
    return target


def _both(driver, name: str) -> None:
    for size in (DESKTOP, PHONE):
        _screenshot(driver, name, size)
    driver.set_window_size(*DESKTOP)


def _then_wait(driver, act) -> None:
    """Submit or click (`act`), then wait for the next page: reading elements at once may
    still see the old page, or none, on a busy machine."""
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.current_url
    act()
    WebDriverWait(driver, 20).until(
        lambda d: d.current_url != before and d.execute_script("return document.readyState") == "complete")


def _css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def test_search_then_sort_the_register(browser, base_url):
    browser.set_window_size(*DESKTOP)
    browser.get(base_url + "/")
    assert "Showing 1–100 of 390" in browser.page_source
    _both(browser, "register")
    box = _css(browser, "#f-q")[0]
    box.send_keys("bellingcat")
    _then_wait(browser, box.submit)
    names = [a.text for a in _css(browser, "td.col-name a")]
    assert names == ["Stichting Bellingcat (Нидерланды)", "Bellingcat Ltd. (Великобритания)"]
    _then_wait(browser, _css(browser, "th.col-name a")[0].click)  # sort by name, the search kept
    names = [a.text for a in _css(browser, "td.col-name a")]
    assert names == ["Bellingcat Ltd. (Великобритания)", "Stichting Bellingcat (Нидерланды)"]
    _both(browser, "register-search")


def test_check_a_name_listed_possible_and_not_listed(browser, base_url):
    browser.set_window_size(*DESKTOP)
    expected = [("Stichting Bellingcat", "LISTED", "check-listed"),
                ("Open Society Institute", "Possible match — not confirmed", "check-possible"),
                ("Zzyzx Qwerty Trust", "Not listed", "check-not-listed")]
    for query, heading, shot in expected:
        browser.get(base_url + "/check")
        box = _css(browser, "#f-q")[0]
        box.send_keys(query)
        _then_wait(browser, box.submit)
        assert _css(browser, "#verdict-heading")[0].text == heading
        _both(browser, shot)


def test_open_an_entry_with_its_history_and_source(browser, base_url):
    browser.set_window_size(*DESKTOP)
    browser.get(base_url + "/?q=Child+Evangelism")
    _then_wait(browser, _css(browser, "td.col-name a")[0].click)
    assert browser.current_url.startswith(base_url + "/entry/ru_minjust_undesirable/371")
    assert "Child Evangelism Fellowship" in _css(browser, "h1")[0].text
    assert [k.text for k in _css(browser, "ol.timeline .kind")] == ["added"]
    official = _css(browser, "a.button")[0].get_attribute("href")
    assert official.startswith("https://reestrs.minjust.gov.ru/#/registry/")
    _both(browser, "entry")


def test_download_the_csv_and_parse_it_back(browser, base_url):
    browser.set_window_size(*DESKTOP)
    browser.get(base_url + "/downloads")
    _both(browser, "downloads")
    link = next(a for a in _css(browser, "ul.files a") if a.get_attribute("href").endswith("/latest.csv"))
    link.click()
    target = browser.downloads / "ru_minjust_undesirable_latest.csv"
    deadline = time.monotonic() + 15
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert target.exists(), list(browser.downloads.iterdir())
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == SECOND_STATE_ENTRIES and tuple(rows[0]) == EXPORT_COLUMNS
    assert rows[56]["name"] == "Stichting Bellingcat (Нидерланды)"


def test_recent_changes_with_the_feed_link(browser, base_url):
    browser.set_window_size(*DESKTOP)
    browser.get(base_url + "/changes")
    assert "Showing 1–23 of 23" in browser.page_source
    assert {k.text for k in _css(browser, "table.changes .kind")} == {"added"}
    feed = _css(browser, "a.feed")[0].get_attribute("href")
    assert feed == base_url + "/changes.atom"
    _both(browser, "changes")


def test_the_chart_fits_a_desktop_and_a_phone(browser, base_url):
    browser.get(base_url + "/chart")
    browser.set_window_size(*DESKTOP)
    wide, narrow = _css(browser, "svg.chart-wide")[0], _css(browser, "svg.chart-narrow")[0]
    assert wide.is_displayed() and not narrow.is_displayed()
    assert wide.size["width"] > 900 and len(_css(browser, "svg.chart-wide rect")) > 50
    _screenshot(browser, "chart", DESKTOP)
    browser.set_window_size(*PHONE)
    assert narrow.is_displayed() and not wide.is_displayed()
    assert narrow.size["width"] <= PHONE[0]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    _screenshot(browser, "chart", PHONE)


def test_russian_pages_and_the_language_switch(browser, base_url):
    browser.set_window_size(*DESKTOP)
    browser.get(base_url + "/?lang=ru")
    assert _css(browser, "h1")[0].text == "Реестр «нежелательных» организаций"
    _then_wait(browser, _css(browser, "nav a[href^='/check']")[0].click)
    assert _css(browser, "h1")[0].text == "Есть ли мы в списке?"  # the language is kept
    box = _css(browser, "#f-q")[0]
    box.send_keys("Открытое общество")
    _then_wait(browser, box.submit)
    assert _css(browser, "#verdict-heading")[0].text == "Возможное совпадение — не подтверждено"
    _both(browser, "check-ru")
    _then_wait(browser, _css(browser, "a.lang")[0].click)
    assert _css(browser, "h1")[0].text == "Am I listed?"


def test_no_page_overflows_a_phone(browser, base_url):
    browser.set_window_size(*PHONE)
    for path in ("/", "/check?q=Open+Society", "/entry/ru_minjust_undesirable/250", "/changes",
                 "/downloads?lang=ru", "/docs"):
        browser.get(base_url + path)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= PHONE[0], f"{path} is {width}px wide on a {PHONE[0]}px phone"
    _screenshot(browser, "docs", PHONE)


def test_announcements_pending_and_linked_on_a_desktop_and_a_phone(browser, tmp_path_factory, baseline_dir,
                                                                   tmp_path):
    """A copy of the history with two stored announcements: one the register shows (FIDH,
    linked to its entry), one it does not (pending). Filter, follow the link, fit a phone."""
    from datetime import date

    from pipelines.announcements import articles
    from pipelines.announcements.confirm import link_pending
    from pipelines.announcements.events import event_record, extract_events
    from pipelines.storage.store import Store
    from tests.test_announcements import GAZETA, VOC, corpus

    # An organisation no register lists, in the Prosecutor General's wording.
    alpha = VOC.replace("Фонд памяти жертв коммунизма", "Фонд Альфа").replace(
        "Victims of Communism Memorial Foundation", "Alpha Foundation")
    data_dir = tmp_path / "history"
    shutil.copytree(shared_history(tmp_path_factory, baseline_dir), data_dir,
                    ignore=shutil.ignore_patterns("serve.log"))
    store = Store(f"sqlite:///{data_dir / 'regwatch.db'}")
    gazeta = corpus(GAZETA)
    for url, text, published in ((GAZETA, gazeta["text"], gazeta["published"]),
                                 ("https://example.org/genproc/alpha", alpha, date.today().isoformat())):
        article_id = articles.add_article(store.engine, articles.Article(
            url, "test", f"Article {len(url)}", published, "ru", text, "0" * 64, "2026-11-26T00:00:00+00:00"))
        articles.add_events(store.engine, article_id, [event_record(e) for e in extract_events(text, published, "ru")])
    link_pending(store, "ru_minjust_undesirable", "2026-11-26T00:00:00+00:00")
    store.close()

    with serving(data_dir) as url:
        browser.set_window_size(*DESKTOP)
        browser.get(url + "/announcements")
        assert _css(browser, "h1")[0].text == "Announced designations"
        statuses = [s.text for s in _css(browser, "table.announcements .status")]
        assert "announced, not yet in the register" in statuses and "in the register" in statuses
        _both(browser, "announcements")
        from selenium.webdriver.support.ui import Select

        Select(_css(browser, "#f-status")[0]).select_by_value("pending")
        _then_wait(browser, _css(browser, "form.filters button")[0].click)
        rows = _css(browser, "table.announcements tbody tr")
        names = [r.find_element("css selector", ".col-name").text for r in rows]
        assert names == ["Фонд Альфа (Alpha Foundation), США"]
        browser.get(url + "/announcements?status=confirmed")
        fidh = next(a for a in _css(browser, "table.announcements a") if a.text == "№ 281")
        _then_wait(browser, fidh.click)
        assert "Fédération internationale pour les droits humains" in _css(browser, "h1")[0].text
        browser.set_window_size(*PHONE)
        browser.get(url + "/announcements?lang=ru")
        assert _css(browser, "h1")[0].text == "Объявленные решения"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]


def test_check_every_register_at_once_on_a_desktop_and_a_phone(browser, tmp_path_factory, baseline_dir):
    """Two registers crawled from the fakes (undesirable organisations, foreign agents): a person
    typed in Latin letters, given name first, then an INN in Russian; one block per register."""
    from selenium.webdriver.common.by import By

    def ask(page: str, query: str) -> str:
        """The headline, after typing `query` into the check box of `page`."""
        browser.set_window_size(*DESKTOP)
        browser.get(page)
        box = _css(browser, "#f-q")[0]
        box.send_keys(query)
        _then_wait(browser, box.submit)
        return _css(browser, "#verdict-heading")[0].text

    def answers() -> dict[str, str]:
        return {b.get_attribute("data-register"): b.find_element(By.CSS_SELECTOR, ".answer-word").text
                for b in _css(browser, "ul.everywhere li.answer")}

    with serving(shared_two_registers(tmp_path_factory, baseline_dir)) as url:
        assert ask(url + "/check?lang=en", "Ekaterina Schulmann") == "LISTED"
        assert answers() == {"ru_minjust_undesirable": "Not listed", "ru_minjust_foreign_agents": "Listed",
                             "ru_minjust_extremist": "Not checked", "ru_fsb_terrorist": "Not checked"}
        stale = [p.text for p in _css(browser, "li.answer-unchecked .answer-data.stale")]
        assert len(stale) == 2 and all(text.startswith("Never read here") for text in stale)
        _both(browser, "check-every-register")
        browser.set_window_size(*PHONE)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
        assert ask(url + "/r/ru_minjust_foreign_agents/check?lang=ru", "ИНН 390505077931") == "В РЕЕСТРЕ"
        assert answers()["ru_minjust_foreign_agents"] == "В списке"
        assert answers()["ru_minjust_undesirable"] == "Нет в списке"
        _both(browser, "check-every-register-ru")
        entry = _css(browser, "li[data-register=ru_minjust_foreign_agents] .answer-entry a")[0]
        _then_wait(browser, entry.click)
        assert "Пахалюк Константин Александрович" in _css(browser, "h1")[0].text
        browser.set_window_size(*PHONE)  # the combined downloads, on a phone
        browser.get(url + "/downloads?lang=ru")
        links = [a.get_attribute("href") for a in _css(browser, "#combined ul.files a")]
        assert url + "/data/all/latest.csv" in links and url + "/data/datapackage.json" in links
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
        _screenshot(browser, "downloads-combined", PHONE)


def test_bad_input_gets_a_clear_page(browser, base_url):
    from selenium.common.exceptions import NoAlertPresentException

    browser.set_window_size(*DESKTOP)
    browser.get(base_url + "/check?q=" + quote("Фонд" * 2500))  # 10 000 Cyrillic letters
    assert "The text is too long: 10000 characters, at most 500." in _css(browser, ".error-message")[0].text
    _screenshot(browser, "error-too-long", DESKTOP)
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    browser.get(base_url + "/check?q=" + quote(attack))
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - nothing ran
    assert _css(browser, "#f-q")[0].get_attribute("value") == attack
    browser.get(base_url + "/changes?since=2999-01-01")
    assert "2999-01-01 is in the future" in _css(browser, ".error-message")[0].text
    browser.get(base_url + "/entry/ru_minjust_undesirable/99999")
    assert "was ever in the register" in _css(browser, ".error-message")[0].text
    _screenshot(browser, "error-unknown-entry", PHONE)


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots():
    """Screenshots of this run only."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
