"""The site serves every register: the default at /…, each at /r/<register>/…, with a
switcher, links that stay inside the register shown, and a clear 404 for an unknown one.

A second register is added the way an operator tries one without a code change: a metadata
file in REGWATCH_REGISTER_DIRS (here a copy of the first register's, with its own id)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipelines.register.models import ADDED, LISTED, Change, Entry
from pipelines.storage.data_config import DataConfig
from pipelines.storage.store import Store
from regwatch.web.app import create_app
from scraper.registers import metadata
from scraper.registers.metadata import SHIPPED

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
                  and not h.startswith(("/static/", "/announcements", "/docs", "/?lang", "/r/", "/api/"))]
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
