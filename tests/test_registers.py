"""A register described by data: the shipped metadata file, every kind of mistake in one
named by file and key, and a made-up register on the same JSON service crawled from the
local fake with no code change (its metadata in a temporary folder)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from regwatch.fakes.minjust import FakeMinjust, State
from scraper.parsers.columns import field_for_title, map_columns
from scraper.registers.metadata import (
    EXTRA_DIRS_VARIABLE,
    SHIPPED,
    MetadataError,
    load_source,
    read_metadata,
    source_names,
)
from tests.conftest import FIRST_DAY, ROOT, load_state, make_env, run_regwatch

SHIPPED_FILE = SHIPPED / "ru_minjust_undesirable.toml"
SHIPPED_TEXT = SHIPPED_FILE.read_text(encoding="utf-8")


# --- the shipped register ------------------------------------------------------------------

def test_the_shipped_register_is_described_fully():
    meta = load_source("ru_minjust_undesirable")
    assert load_source("minjust_undesirable") == meta  # by spider name too
    assert (meta.source, meta.spider, meta.service) == ("ru_minjust_undesirable", "minjust_undesirable",
                                                        "minjust_json")
    assert meta.title.startswith("Перечень иностранных") and meta.title_en.startswith("List of foreign")
    assert meta.entity_kinds == ("organisation",)
    assert meta.view_url() == "https://reestrs.minjust.gov.ru/#/registry/c2d1692e-a9f6-5a79-13ee-5da5b42980df"
    assert meta.api_url("http://127.0.0.1:9/") == (
        "http://127.0.0.1:9/rest/registry/c2d1692e-a9f6-5a79-13ee-5da5b42980df")
    assert (meta.thresholds.min_rows, meta.thresholds.max_rows, meta.thresholds.mass_change_floor) == (
        300, 5000, 10)
    assert (meta.changes_every_days, meta.stale_after_days) == (7, 3)
    assert meta.columns.required == ("number", "listed_on", "name")
    assert "ru_minjust_undesirable" in source_names()
    # Its rows cite no court decision; the court lists say in which form theirs are written.
    assert (meta.decisions, load_source("ru_fsb_terrorist").decisions,
            load_source("ru_minjust_extremist").decisions) == ("", "terrorist", "extremist")


def test_the_shipped_columns_map_the_real_titles_as_the_service_numbers_them():
    rules = load_source("ru_minjust_undesirable").columns
    info = load_state(FIRST_DAY).info
    mapping, warnings = map_columns([(c["name"], c["title"]) for c in info["columns"]], rules)
    assert warnings == []
    assert mapping == {c.key: c.field for c in rules.columns}  # titles agree with the field numbers
    assert field_for_title("№", rules) == "number"
    # The most specific rule wins: this title also names the prosecutor and «нежелательной».
    assert field_for_title("Дата принятия решения Генеральной прокуратурой об отмене решения о "
                           "признании деятельности нежелательной", rules) == "cancelled_on"


# --- mistakes, each named by file and key -------------------------------------------------------

def broken(tmp_path: Path, old: str, new: str, name: str = "ru_minjust_undesirable") -> Path:
    assert old in SHIPPED_TEXT
    path = tmp_path / f"{name}.toml"
    path.write_text(SHIPPED_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ('id = "ru_minjust_undesirable"', 'id = "ru_minjust_undesirable', "cannot read it as TOML"),
    ('publisher = "Ministry of Justice of the Russian Federation"\n', "", "publisher: missing"),
    ("stale_after_days = 3", 'stale_after_days = "3"', "stale_after_days: must be a whole number above 0"),
    ("stale_after_days = 3", "stale_after_days = 0", "stale_after_days: must be a whole number above 0"),
    ('service = "minjust_json"', 'service = "minjust_xml"', "service: must be one of minjust_json"),
    ('entity_kinds = ["organisation"]', 'entity_kinds = ["ship"]', "entity_kinds: must be a list of"),
    ('entity_kinds = ["organisation"]', 'entity_kinds = ["organisation"]\ndecisions = "civil"',
     "decisions: must be one of terrorist, extremist"),
    ('base_url = "https://reestrs.minjust.gov.ru"', 'base_url = "reestrs.minjust.gov.ru"',
     "base_url: must be an http(s):// URL"),
    ('id = "ru_minjust_undesirable"', 'id = "ru_other"', "id: 'ru_other' must be the file's name"),
    ("every_days = 7", "every_day = 7", "changes.every_days: missing"),
    ('pattern = "weekday', 'patern = "x"\npattern = "weekday', "changes.patern: unknown key"),
    ("max_rows = 5000", "max_rows = 200", "assertions.min_rows: 300 is more than max_rows (200)"),
    ("max_drop = 0.05", "max_drop = 5", "guardrails.max_drop: must be a share between 0 and 1"),
    ('field = "status"', 'field = "colour"', "columns.column[9].field: must be one of number"),
    ('field = "status"', 'field = "name"', "columns.column[9].field: 'name' is mapped twice"),
    ('title_words = ["статус"]', "title_words = []", "columns.column[9].title_words: must be a list of texts"),
    ("required = true", 'required = "yes"', "columns.column[0].required: must be true or false"),
    ('"listing_order", "listed_on"]', '"listing_order"]', "columns.match_order: must name each column"),
])
def test_a_mistake_names_the_file_and_the_key(tmp_path, old, new, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(MetadataError) as caught:
        read_metadata(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_register_with_no_required_column_is_refused(tmp_path):
    path = tmp_path / "ru_minjust_undesirable.toml"
    path.write_text(SHIPPED_TEXT.replace("required = true\n", ""), encoding="utf-8")
    with pytest.raises(MetadataError, match=r"columns\.column: no column is required"):
        read_metadata(path)


def test_two_files_may_not_share_a_spider_name(tmp_path, monkeypatch):
    path = broken(tmp_path, 'id = "ru_minjust_undesirable"', 'id = "ru_twin"', name="ru_twin")
    monkeypatch.setenv(EXTRA_DIRS_VARIABLE, str(tmp_path))
    with pytest.raises(MetadataError, match=f"{path}: spider: 'minjust_undesirable' is taken by {SHIPPED_FILE}"):
        load_source("ru_twin")


def test_an_unknown_register_names_the_known_ones():
    with pytest.raises(KeyError, match="unknown source 'nowhere'; known: .*ru_minjust_undesirable"):
        load_source("nowhere")


# --- a made-up register on the same service, from metadata alone ---------------------------------

MADE_UP_ID = "11111111-2222-3333-4444-555555555555"
MADE_UP = f'''# A made-up register on the ministry's JSON service: metadata only, no code.
id = "ru_minjust_made_up"
spider = "minjust_made_up"
service = "minjust_json"
publisher = "Ministry of Justice of the Russian Federation"
authority = "Ministry of Justice of the Russian Federation"
law = "a made-up law"
entity_kinds = ["organisation", "person"]
base_url = "https://reestrs.minjust.gov.ru"
registry_id = "{MADE_UP_ID}"
view_path = "/#/registry/{{registry_id}}"
stale_after_days = 2

[title]
ru = "Выдуманный реестр"
en = "A made-up register"
short_ru = "Выдуманный"
short_en = "Made up"

[changes]
pattern = "on Fridays"
every_days = 7

[assertions]
min_rows = 3
max_rows = 100

[guardrails]
max_drop = 0.5
mass_change = 0.5
mass_change_floor = 10

[columns]
match_order = ["number", "name", "listed_on"]

[[columns.column]]
field = "number"
key = "field_1_i"
title_words = ["номер", "записи"]
required = true

[[columns.column]]
field = "name"
key = "field_2_s"
title_words = ["полное", "наименование"]
required = true

[[columns.column]]
field = "listed_on"
key = "field_3_s"
title_words = ["внесен"]
required = true
'''


def made_up_state() -> State:
    """Five real rows, in this register's own column layout (other titles, other numbers)."""
    real = sorted(load_state(FIRST_DAY).rows, key=lambda r: r["field_1_i"])[:5]
    info = {"title": "Выдуманный реестр", "lastModified": 1785335280000, "columns": [
        {"name": "field_1_i", "title": "Номер записи", "hidden": False},
        {"name": "field_2_s", "title": "Полное наименование", "hidden": False},
        {"name": "field_3_s", "title": "Дата внесения в реестр", "hidden": False}]}
    rows = [{"id": str(i), "field_1_i": r["field_1_i"], "field_2_s": r["field_5_s"], "field_3_s": r["field_2_s"]}
            for i, r in enumerate(real)]
    return State(info, rows)


@pytest.fixture
def made_up(tmp_path):
    folder = tmp_path / "registers"
    folder.mkdir()
    (folder / "ru_minjust_made_up.toml").write_text(MADE_UP, encoding="utf-8")
    with FakeMinjust(made_up_state(), registry_id=MADE_UP_ID) as fake:
        yield fake, folder


def test_a_register_added_as_metadata_alone_is_crawled_end_to_end(made_up, tmp_path):
    fake, folder = made_up
    env = make_env(fake.url, tmp_path / "out", **{EXTRA_DIRS_VARIABLE: str(folder)})
    listed = subprocess.run([sys.executable, "-m", "scrapy.cmdline", "list"], cwd=ROOT, env=env, check=False,
                            capture_output=True, text=True)
    assert "minjust_made_up" in listed.stdout.split(), listed.stderr

    result = run_regwatch(["crawl", "ru_minjust_made_up"], env)
    assert result.code == 0, result.output
    assert "baseline" in result.stdout
    assert [r.path.rsplit("/", 1)[-1] for r in fake.requests] == ["info", "values"]
    assert all(r.path.startswith(f"/rest/registry/{MADE_UP_ID}/") for r in fake.requests)
    assert json.loads(fake.requests[1].body)["sort"] == [{"property": "field_1_i", "direction": "asc"}]
    exported = json.loads((tmp_path / "out" / "ru_minjust_made_up" / "latest.json").read_text(encoding="utf-8"))
    entries = exported["entries"]
    assert [e["entry_id"] for e in entries] == [f"ru_minjust_made_up/{n}" for n in range(1, 6)]
    assert entries[0]["name_original"] == ["The National Endowment for Democracy"]
    assert entries[0]["listed_on"] == "2015-07-29"
    assert entries[0]["source_url"] == f"https://reestrs.minjust.gov.ru/#/registry/{MADE_UP_ID}"

    checked = run_regwatch(["check", "--all-registers", "National Endowment for Democracy"], env)
    assert checked.code == 0, checked.output  # the register of "undesirable" organisations: never crawled
    assert "ru_minjust_made_up/1" in checked.stdout and "warning" not in checked.stdout
    unknown = run_regwatch(["check", "--all-registers", "Wikimedia Foundation"], env)
    assert unknown.code == 1
    assert ("  warning: ru_minjust_undesirable was never crawled successfully: this answer does not cover "
            "it; run `regwatch crawl ru_minjust_undesirable`") in unknown.stdout.splitlines()  # one per register


def test_the_probe_reads_the_registers_url_from_its_metadata(made_up, monkeypatch):
    from scraper import settings
    from scraper.probe import probe

    fake, folder = made_up
    monkeypatch.setenv(EXTRA_DIRS_VARIABLE, str(folder))
    monkeypatch.setattr(settings, "REGWATCH_MINJUST_URL", fake.url)
    result = probe(load_source("ru_minjust_made_up"))
    assert result.ok and result.last_modified == 1785335280000, result.error
    assert [r.path for r in fake.requests] == [f"/rest/registry/{MADE_UP_ID}/info"]
