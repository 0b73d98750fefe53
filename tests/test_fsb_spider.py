"""The FSB's terrorist list end to end: the real spider crawls the local fake of the page
over HTTP (as `regwatch crawl ru_fsb_terrorist` does in production), the pull is stored,
the second recorded state gives the real additions, and every fault of the site is a
refused pull: exit 1, one line naming the source and the problem, nothing stored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from regwatch.fakes.fsb import EARLIER, LATER, PAGE_PATH, FakeFsb, load_page
from scraper.parsers.fsb_page import parse_page
from scraper.registers.metadata import MetadataError, load_source, read_metadata
from tests.conftest import ROOT, make_env, run_regwatch

SOURCE = "ru_fsb_terrorist"

# Runs the spider alone, with the pipeline that keeps its item, and prints the item.
SPIDER_ONLY = """
import json, sys
from scrapy.crawler import CrawlerProcess
from scraper.project import scrapy_settings
process = CrawlerProcess(scrapy_settings({"ITEM_PIPELINES": {"pipelines.item_pipelines.KeepPullPipeline": 1},
                                          "LOG_LEVEL": "ERROR"}))
crawler = process.create_crawler("fsb_terrorist")
process.crawl(crawler)
process.start()
item = crawler.spider.pulled
json.dump({"rows": item.pull.rows, "size": item.pull.size, "problem": item.problem,
           "source_url": item.pull.source_url, "channel": item.pull.channel,
           "replies": [[r.url, r.status, r.content_type, r.sha256] for r in item.pull.replies]}, sys.stdout)
"""


def test_the_metadata_describes_the_list():
    meta = load_source("fsb_terrorist")
    assert (meta.source, meta.service, meta.registry_id) == (SOURCE, "fsb_html", "")
    assert meta.title.startswith("Единый федеральный список организаций")
    assert meta.publisher == "Federal Security Service of the Russian Federation"
    assert "35-FZ" in meta.law and meta.entity_kinds == ("organisation",)
    assert meta.view_url() == "https://www.fsb.ru/fsb/npd/terror.htm"
    assert meta.view_url("http://127.0.0.1:9") == "http://127.0.0.1:9/fsb/npd/terror.htm"
    assert (meta.thresholds.min_rows, meta.thresholds.max_rows, meta.stale_after_days) == (50, 300, 30)
    assert meta.columns.columns == ()


@pytest.mark.parametrize(("extra", "key"), [('registry_id = "x"\n', "registry_id"),
                                            ("[columns]\nmatch_order = []\n", "columns")])
def test_a_page_source_has_no_registry_id_or_columns(tmp_path, extra, key):
    path = tmp_path / f"{SOURCE}.toml"
    text = load_source(SOURCE).path.read_text(encoding="utf-8")
    path.write_text(text.replace("[title]", extra + "[title]", 1), encoding="utf-8")
    with pytest.raises(MetadataError, match=f"{SOURCE}.toml: {key}: unknown key"):
        read_metadata(path)


@pytest.fixture
def fake():
    with FakeFsb(load_page(EARLIER)) as server:
        yield server


def env(fake: FakeFsb, data_dir: Path, **extra: str) -> dict[str, str]:
    return make_env("http://127.0.0.1:9", data_dir, REGWATCH_FSB_URL=fake.url, **extra)


def test_the_spider_yields_every_row_of_the_page_with_its_reply(fake, tmp_path):
    fake.serve(load_page(LATER))
    done = subprocess.run([sys.executable, "-c", SPIDER_ONLY], env=env(fake, tmp_path), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    expected = parse_page(load_page(LATER), "text/html; charset=windows-1251").rows
    assert (item["problem"], item["size"], len(item["rows"])) == ("", 77, 77)
    assert item["rows"] == expected
    assert item["rows"][10]["decision"].endswith("№ АКПИ25-174с, вступило в силу 20.05.2025")
    assert item["source_url"] == "https://www.fsb.ru/fsb/npd/terror.htm"  # the official page, not the fake
    assert item["channel"] == "fsb_page"
    [(url, status, content_type, sha256)] = item["replies"]
    assert (url, status, content_type) == (fake.url + PAGE_PATH, 200, "text/html; charset=windows-1251")
    import hashlib
    assert sha256 == hashlib.sha256(load_page(LATER)).hexdigest()  # the bytes as served, kept whole
    assert [r.path for r in fake.requests] == [PAGE_PATH]


def test_regwatch_crawl_stores_the_list_then_the_real_additions(fake, tmp_path):
    first = run_regwatch(["crawl", SOURCE], env(fake, tmp_path))
    assert first.code == 0, first.output
    assert "baseline: 60 entries" in first.stdout
    fake.serve(load_page(LATER))
    second = run_regwatch(["crawl", SOURCE], env(fake, tmp_path))
    assert second.code == 0, second.output
    assert "77 entries, 1 modified, 17 added" in second.stdout
    changes = json.loads(run_regwatch(["changes", "--source", SOURCE, "--format", "json"],
                                      env(fake, tmp_path)).stdout)
    # the real edit between the two states: the suspension of the ban on the Taliban (№11)
    assert sorted((c["kind"], c["number"], c["field"]) for c in changes) == [
        ("added", n, "") for n in range(61, 78)] + [("modified", 11, "decision")]
    assert next(c for c in changes if c["kind"] == "modified")["new"].endswith(
        "Запрет деятельности приостановлен. Верховный Суд Российской Федерации, от 17.04.2025 № АКПИ25-174с, "
        "вступило в силу 20.05.2025")
    latest = json.loads((tmp_path / SOURCE / "latest.json").read_text(encoding="utf-8"))
    assert latest["count"] == 77
    status = json.loads((tmp_path / SOURCE / "status.json").read_text(encoding="utf-8"))
    assert status["outcome"] == "changed"
    # the archived pages parse again, with their charset from the stored header
    reparsed = run_regwatch(["reparse", "--source", SOURCE], env(fake, tmp_path))
    assert reparsed.code == 0, reparsed.output
    assert json.loads((tmp_path / SOURCE / "latest.json").read_text(encoding="utf-8"))["count"] == 77


# Every fault at once: one process, one fake per fault, the spiders crawling side by side
# (a crawl per process would cost a Scrapy start-up each); prints {fault: [problem, rows]}.
FAULT_MATRIX = """
import json, sys
from scrapy.crawler import CrawlerProcess
from regwatch.fakes.fsb import LATER, FakeFsb, load_page
from scraper.project import scrapy_settings
from scraper.spiders.fsb_terrorist import FsbTerroristSpider
overrides = {"ITEM_PIPELINES": {"pipelines.item_pipelines.KeepPullPipeline": 1}, "LOG_LEVEL": "CRITICAL"}
process = CrawlerProcess(scrapy_settings(overrides))
crawlers = {}
for fault, times, delay in json.loads(sys.argv[1]):
    fake = FakeFsb(load_page(LATER)).start()
    fake.fail(fault, times=times, delay=delay)
    crawlers[fault] = crawler = process.create_crawler(FsbTerroristSpider)
    crawler.settings.set("REGWATCH_FSB_URL", fake.url, priority="cmdline")  # each its own fake
    process.crawl(crawler)
process.start()
json.dump({fault: [c.spider.pulled.problem, len(c.spider.pulled.pull.rows)] for fault, c in crawlers.items()},
          sys.stdout)
"""

FAULTS = {  # fault: (times, delay, the problem's words; "" when the page is read after all)
    "truncated": (None, 4, "the page is cut short: it does not end with </html>"),
    "error_page": (None, 4, "not the list: the words «единый федеральный список» of its title are missing "
                            "(page title: '503 Service Temporarily Unavailable'"),
    "captcha": (None, 4, "not the list: the words «единый федеральный список» of its title are missing "
                         "(page title: 'Проверка браузера'"),
    "wrong_charset": (None, 4, "the page cannot be read as text: the HTTP header declares utf-8, but byte"),
    "status_500": (None, 4, f"{PAGE_PATH} answered HTTP 500"),
    "reset": (None, 4, "cannot reach http://127.0.0.1:"),
    "timeout": (None, 4, "cannot reach http://127.0.0.1:"),
    "trickle": (None, 0.5, "took longer than 2 seconds in all"),
    "slow": (None, 1, ""),  # slower than usual, within the timeout: read
}


def test_every_fault_is_a_refused_pull_naming_the_source(tmp_path):
    faults = json.dumps([[fault, times, delay] for fault, (times, delay, _) in FAULTS.items()])
    done = subprocess.run([sys.executable, "-c", FAULT_MATRIX, faults], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=make_env("http://127.0.0.1:9", tmp_path))
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    for fault, (_, _, fragment) in FAULTS.items():
        problem, rows = outcomes[fault]
        if fragment:
            assert problem.startswith(f"{SOURCE}: ") and fragment in problem, (fault, problem)
        else:
            assert (problem, rows) == ("", 77), fault


def test_a_refused_crawl_says_why_in_one_line_and_keeps_the_last_good_list(fake, tmp_path):
    assert run_regwatch(["crawl", SOURCE], env(fake, tmp_path)).code == 0
    before = (tmp_path / SOURCE / "latest.json").read_bytes()
    fake.fail("captcha")
    result = run_regwatch(["crawl", SOURCE], env(fake, tmp_path))
    assert result.code == 1, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"{SOURCE}: {fake.url}{PAGE_PATH}: not the list"), line
    assert (tmp_path / SOURCE / "latest.json").read_bytes() == before
    status = json.loads((tmp_path / SOURCE / "status.json").read_text(encoding="utf-8"))
    assert (status["outcome"], status["message"]) == ("refused", line)
    assert line in (tmp_path / "regwatch.log").read_text(encoding="utf-8")


def test_the_xlsx_channel_does_not_apply(fake, tmp_path):
    result = run_regwatch(["crawl", "--via", "xlsx", SOURCE], env(fake, tmp_path))
    assert result.code == 1
    assert result.stderr.strip() == f"{SOURCE}: the FSB's list has one channel, its page: --via xlsx does not apply"
    assert fake.requests == []


def test_a_transient_reset_is_retried(fake, tmp_path):
    fake.fail("reset", times=1)
    result = run_regwatch(["crawl", SOURCE], env(fake, tmp_path))
    assert result.code == 0, result.output
    assert len(fake.requests) == 2
