"""The site serves every register: the default at /…, each at /r/<register>/…, with a
switcher, links that stay inside the register shown, and a clear 404 for an unknown one.

A second register is added the way an operator tries one without a code change: a metadata
file in REGWATCH_REGISTER_DIRS (here a copy of the first register's, with its own id)."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from pipelines.register.models import ADDED, LISTED, Change, Entry
from pipelines.storage.data_config import DataConfig
from pipelines.storage.schema import crawl_log
from pipelines.storage.store import Store
from regwatch.web.app import create_app
from scraper.registers import metadata
from scraper.registers.metadata import SHIPPED
from tests.web_support import shared_two_registers

SECOND = "xx_test_second"


@pytest.fixture
def two_registers(tmp_path, monkeypatch) -> TestClient:
    folder = tmp_path / "registers"
    folder.mkdir()
    text = (SHIPPED / "ru_minjust_undesirable.toml").read_text(encoding="utf-8")
    text = (text.replace('id = "ru_minjust_undesirable"', f'id = "{SECOND}"')
            .replace('spider = "minjust_undesirable"', 'spider = "xx_second"')
            .replace('short_en = "Undesirable organisations"', 'short_en = "Second test list"'))
    (folder / f"{SECOND}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("REGWATCH_REGISTER_DIRS", str(folder))
    data_dir = tmp_path / "out"
    data_dir.mkdir()
    config = DataConfig(data_dir, f"sqlite:///{data_dir / 'regwatch.db'}")
    store = Store(config.database_url)
    for source, number, name in (("ru_minjust_undesirable", 5, "First Register Foundation"),
                                 (SECOND, 9, "Second Register Society")):
        entry = Entry(entry_id=f"{source}/{number}", number=number, name=name, listed_on="2024-05-06",
                      first_seen="2026-08-01T00:00:00+00:00", last_changed="2026-08-01T00:00:00+00:00")
        store.commit_state(source, "api", "2026-08-01T00:00:00+00:00", f"h-{source}", [], None, 1,
                           [entry], [], [Change(ADDED, entry.entry_id, number, name, new=LISTED,
                                                detected_at="2026-08-01T00:00:00+00:00")])
    store.close()
    with TestClient(create_app(config, recheck_seconds=0)) as client:
        yield client


def _hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', html)


def test_each_register_has_its_pages_and_api(two_registers):
    first = two_registers.get("/?lang=en").text
    second = two_registers.get(f"/r/{SECOND}/?lang=en").text
    assert "First Register Foundation" in first and "Second Register Society" not in first
    assert "Second Register Society" in second and "First Register Foundation" not in second
    assert two_registers.get("/r/ru_minjust_undesirable/?lang=en").text.count("First Register Foundation") >= 1
    api = two_registers.get(f"/r/{SECOND}/api/entries").json()
    assert api["source"] == SECOND and [e["number"] for e in api["entries"]] == [9]
    assert two_registers.get("/api/entries").json()["source"] == "ru_minjust_undesirable"
    changes = two_registers.get(f"/r/{SECOND}/api/changes").json()["changes"]
    assert [c["entry_id"] for c in changes] == [f"{SECOND}/9"]


def test_the_switcher_names_every_register_and_marks_the_one_shown(two_registers):
    html = two_registers.get(f"/r/{SECOND}/changes?lang=en").text
    switcher = html[html.index('class="wrap registers"'):]
    switcher = switcher[:switcher.index("</nav>")]
    assert "Undesirable organisations" in switcher and "Second test list" in switcher
    assert re.search(rf'href="/r/{SECOND}/\?lang=en" aria-current="true"', switcher)
    assert 'href="/r/ru_minjust_undesirable/?lang=en">' in switcher


def test_links_stay_inside_the_register_shown(two_registers):
    """Every link of a register's page (filters, pages, entries, files, feed) keeps its prefix,
    except the site's own pages (announcements, API docs, static files, the official source)."""
    for page in ("/", "/changes", "/downloads", "/check?q=Second", "/chart"):
        html = two_registers.get(f"/r/{SECOND}{page}{'&' if '?' in page else '?'}lang=en").text
        inside = [h for h in _hrefs(html) if h.startswith("/")
                  and not h.startswith(("/static/", "/announcements", "/docs", "/?lang", "/r/", "/api/", "/data/"))]
        assert inside == [], (page, inside)
    entry = two_registers.get(f"/r/{SECOND}/?lang=en").text
    assert f'href="/r/{SECOND}/entry/{SECOND}/9?lang=en"' in entry


def test_an_entry_page_shows_its_own_register(two_registers):
    """Reached at the site's root, another register's entry still shows that register's frame."""
    html = two_registers.get(f"/entry/{SECOND}/9?lang=en").text
    assert "Second Register Society" in html
    assert re.search(rf'href="/r/{SECOND}/\?lang=en" aria-current="true"', html)


def test_an_unknown_register_is_a_clear_404(two_registers):
    page = two_registers.get("/r/no_such_list/?lang=en")
    assert page.status_code == 404 and "There is no register “no_such_list” on this site." in page.text
    api = two_registers.get("/r/no_such_list/api/entries")
    assert api.status_code == 404 and api.json() == {"error": "There is no register “no_such_list” on this site."}


def test_one_register_alone_shows_no_switcher(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("REGWATCH_REGISTER_DIRS", raising=False)
    alone = tmp_path / "registers"  # an installation that ships the first register only
    alone.mkdir()
    (alone / "ru_minjust_undesirable.toml").write_bytes((SHIPPED / "ru_minjust_undesirable.toml").read_bytes())
    monkeypatch.setattr(metadata, "SHIPPED", alone)
    config = DataConfig(tmp_path, f"sqlite:///{tmp_path / 'regwatch.db'}")
    with TestClient(create_app(config, recheck_seconds=0)) as client:
        html = client.get("/?lang=en").text
    assert 'class="wrap registers"' not in html


# --- "am I listed anywhere?": the check across registers ------------------------------------
# On the real undesirable organisations (2026-07-29) and foreign agents (2026-07-31), crawled
# from the fakes by the real spider; the FSB's and the extremist lists never read here.

@pytest.fixture(scope="module")
def crawled_two(tmp_path_factory, baseline_dir) -> Path:
    return shared_two_registers(tmp_path_factory, baseline_dir)


@pytest.fixture(scope="module")
def everywhere(crawled_two) -> TestClient:
    config = DataConfig(crawled_two, f"sqlite:///{crawled_two / 'regwatch.db'}")
    with TestClient(create_app(config, recheck_seconds=0)) as client:
        yield client


def _answers(html: str) -> dict[str, tuple[str, str]]:
    """register id → (its answer word, the rest of its block as text)."""
    blocks = re.findall(r'<li class="answer answer-\w+" data-register="(\w+)">(.*?)</li>', html, re.S)
    found = {}
    for source, block in blocks:
        word = re.search(r'<span class="answer-word">(.*?)</span>', block).group(1)
        found[source] = (word, re.sub(r"<[^>]+>", " ", block))
    return found


def test_the_check_page_answers_for_every_register(everywhere):
    html = everywhere.get("/check", params={"q": "Ekaterina Schulmann", "lang": "en"}).text
    assert re.search(r'<h2 id="verdict-heading">LISTED</h2>', html)
    assert "This name is in the register: Foreign agents." in html
    answers = _answers(html)
    assert list(answers)[0] == "ru_minjust_undesirable"  # the register shown first
    assert set(answers) == {"ru_minjust_undesirable", "ru_minjust_foreign_agents", "ru_minjust_extremist",
                            "ru_fsb_terrorist"}
    word, agents = answers["ru_minjust_foreign_agents"]
    assert word == "Listed" and "№ 812 · Шульман Екатерина Михайловна" in agents
    assert "Since 2022-04-15 · Ministry of Justice of the Russian Federation" in agents
    assert answers["ru_minjust_undesirable"][0] == "Not listed"
    assert "Data as read on 20" in answers["ru_minjust_undesirable"][1]
    word, terrorist = answers["ru_fsb_terrorist"]  # never read: not checked, never "not listed"
    assert word == "Not checked" and "Never read here" in terrorist
    # From another register's address the same answers, that register first.
    other = _answers(everywhere.get("/r/ru_minjust_foreign_agents/check",
                                    params={"q": "Ekaterina Schulmann", "lang": "en"}).text)
    assert list(other)[0] == "ru_minjust_foreign_agents" and other["ru_minjust_foreign_agents"][0] == "Listed"


def test_an_inn_and_an_organisation_per_register_in_russian(everywhere):
    html = everywhere.get("/check", params={"q": "ИНН 3905 0507 7931", "lang": "ru"}).text
    answers = _answers(html)
    assert answers["ru_minjust_foreign_agents"][0] == "В списке"
    assert "Пахалюк Константин Александрович" in answers["ru_minjust_foreign_agents"][1]
    assert "найдено по ИНН, точно" in html
    assert answers["ru_minjust_undesirable"][0] == "Нет в списке"
    assert answers["ru_minjust_extremist"][0] == "Не проверен"
    organisation = _answers(everywhere.get("/check", params={"q": "Free Russia Foundation", "lang": "ru"}).text)
    assert organisation["ru_minjust_undesirable"][0] == "В списке"
    assert organisation["ru_minjust_foreign_agents"][0] != "В списке"


def test_the_check_api_gains_the_answer_of_every_register(everywhere):
    record = everywhere.get("/api/check", params={"q": "Ekaterina Schulmann"}).json()
    # The keys it always had are the register's own name check (the default register's here).
    assert record["listed"] is False and record["matches"] == [] and record["register_as_of"]
    assert record["listed_anywhere"] is True
    answers = {r["register"]: r for r in record["registers"]}
    agents = answers["ru_minjust_foreign_agents"]
    assert agents["verdict"] == "listed" and agents["rule"] == "person"
    assert agents["matches"][0]["name"] == "Шульман Екатерина Михайловна"
    assert agents["data"]["stale"] is False and agents["data"]["stale_after_days"] == 10
    terrorist = answers["ru_fsb_terrorist"]
    assert terrorist["verdict"] == "not checked" and terrorist["data"]["last_good_crawl"] is None
    assert "never crawled" in terrorist["data"]["warning"]
    nobody = everywhere.get("/api/check", params={"q": "Zzyzx Qwerty Trust"}).json()
    assert nobody["listed_anywhere"] is False
    assert {r["verdict"] for r in nobody["registers"]} == {"not listed", "not checked"}
    # The same answers as the command line gives (one implementation: check_registers).
    inn = everywhere.get("/r/ru_minjust_foreign_agents/api/check", params={"q": "390505077931"}).json()
    assert inn["registers"][0]["register"] == "ru_minjust_foreign_agents"
    assert inn["registers"][0]["matches"][0]["how"] == "inn"


def test_a_register_read_too_long_ago_is_warned_of(crawled_two, tmp_path):
    """Foreign agents' data may age 10 days: read 40 days ago, its "not listed" is not enough."""
    data_dir = tmp_path / "old"
    shutil.copytree(crawled_two, data_dir, ignore=shutil.ignore_patterns("serve.log"))
    store = Store(f"sqlite:///{data_dir / 'regwatch.db'}")
    long_ago = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="seconds")
    with store.engine.begin() as conn:
        conn.execute(update(crawl_log).where(crawl_log.c.source == "ru_minjust_foreign_agents")
                     .values(last_at=long_ago))
    store.close()
    config = DataConfig(data_dir, f"sqlite:///{data_dir / 'regwatch.db'}")
    with TestClient(create_app(config, recheck_seconds=0)) as client:
        answers = _answers(client.get("/check", params={"q": "Zzyzx Qwerty Trust", "lang": "en"}).text)
        record = client.get("/api/check", params={"q": "Zzyzx Qwerty Trust"}).json()
    word, agents = answers["ru_minjust_foreign_agents"]
    assert word == "Not listed" and f"Warning: last read on {long_ago[:10]}" in agents
    assert "(10 days)" in agents and "Warning" not in answers["ru_minjust_undesirable"][1]
    data = next(r["data"] for r in record["registers"] if r["register"] == "ru_minjust_foreign_agents")
    assert data["stale"] is True and data["last_good_crawl"] == long_ago


def test_the_combined_export_is_served_with_the_package_that_describes_it(everywhere):
    """Every register's downloads page links the combined files, served under /data/ as laid
    out in the data directory, so the package's relative paths resolve beside it."""
    html = everywhere.get("/r/ru_minjust_foreign_agents/downloads", params={"lang": "en"}).text
    card = html[html.index('id="combined"'):]
    card = card[:card.index("</section>")]
    assert "Every register in one file" in card
    links = _hrefs(card)
    assert {"/data/all/latest.csv", "/data/all/latest.xlsx", "/data/all/latest.json",
            "/data/datapackage.json"} <= set(links)
    package = everywhere.get("/data/datapackage.json")
    assert package.headers["content-disposition"] == 'attachment; filename="regwatch_datapackage.json"'
    for resource in package.json()["resources"]:  # each path it names is served beside it
        assert everywhere.get("/data/" + resource["path"]).status_code == 200, resource["path"]
    table = everywhere.get("/data/all/latest.csv").text
    assert table.startswith("register,entry_id,") and "\nru_minjust_undesirable,ru_minjust_undesirable/" in table
    assert everywhere.get("/data/all/latest.csv", params={"bom": "1"}).content.startswith(b"\xef\xbb\xbf")
    for path in ("/data/regwatch.db", "/data/all/published.json", "/data/ru_fsb_terrorist/latest.csv",
                 "/data/raw", "/r/ru_minjust_undesirable/data/all/latest.csv"):
        assert everywhere.get(path).status_code == 404, path
