"""`regwatch import-html`: the real archived copies of the old page become historical
snapshots, oldest first, and join the history the JSON service continues."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines.publish.feeds import replay
from regwatch.cli.crawling import ImportError_, capture_time, pages_to_import
from tests.conftest import FIXTURES, ROOT, SHARED

HTML = FIXTURES / "html"


def rows(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("name, expected", [
    ("https://web.archive.org/web/20240502123456/https://minjust.gov.ru/ru/documents/7756/",
     "2024-05-02T12:34:56+00:00"),
    ("copies/2023-09-29.html", "2023-09-29T00:00:00+00:00"),
    ("copies/minjust_20240905081500.html", "2024-09-05T08:15:00+00:00"),
])
def test_the_capture_time_comes_from_the_url_or_the_name(name, expected):
    assert capture_time(name, None) == expected
    assert capture_time(name, "2020-01-02") == "2020-01-02T00:00:00+00:00"  # --as-of wins


def test_an_undated_copy_needs_as_of(tmp_path):
    (tmp_path / "page.html").write_text("<html></html>")
    with pytest.raises(ImportError_, match="give --as-of"):
        pages_to_import([str(tmp_path / "page.html")], None)
    assert pages_to_import([str(tmp_path / "page.html")], "2024-01-01")[0][1].startswith("2024-01-01")


def test_three_pages_then_a_crawl_make_one_history(workspace):  # noqa: PLR0915 (one story)
    result = workspace.regwatch("import-html", str(HTML))
    assert result.code == 0, result.output
    assert "[2023-09-29] baseline" in result.stdout and "[2024-05-02] changed: 47 added" in result.stdout

    seen = workspace.regwatch("export", "--as-seen", "2024-05-02")
    assert seen.code == 0 and len(rows(seen)) == 159
    at = workspace.regwatch("export", "--at", "2024-05-02")
    assert len(rows(at)) == 160  # one order dated by then was not yet on the page
    assert len(rows(workspace.regwatch("export", "--as-seen", "2023-12-31"))) == 112

    before = workspace.fingerprint()
    again = workspace.regwatch("import-html", str(HTML / "2024-05-02.html"))
    assert again.code == 0 and "imported before" in again.stdout
    assert workspace.fingerprint() == before

    # The service: 367 rows, 179 more than the 2024 page. Additions gathered over the two
    # years and more since that copy are expected: stored at once, and the output says why.
    crawled = workspace.crawl()
    assert crawled.code == 0, crawled.output
    said = re.search(r"^  179 added across (\d+) days since the last snapshot: expected after such a gap, "
                     r"so stored at once, not held as a mass change$", crawled.stdout, re.M)
    assert said and int(said[1]) >= 692, crawled.stdout  # 2024-09-05 to 2026-07-29 at least
    latest = {r["number"]: r for r in workspace.latest_rows()}
    assert latest[1]["first_seen"].startswith("2023-09-29")  # from the oldest page showing it
    assert latest[150]["first_seen"].startswith("2024-05-02")
    assert latest[170]["first_seen"].startswith("2024-09-05")
    # Rows the API now cites instead of the old page are restated in the change feed.
    assert replay(workspace.exports / "changes") == workspace.latest_rows()
    changes = workspace.changes()
    renamed = {c["number"] for c in changes if c["kind"] == "modified" and c["field"] == "name"}
    assert renamed == {12, 13, 151}  # names the ministry really changed since 2024
    assert sum(c["kind"] == "added" for c in changes) == 47 + 29 + (367 - 188)

    shown = json.loads(workspace.regwatch("show", "ru_minjust_undesirable/57", "--json").stdout)
    channels = [v["source"]["channel"] for v in shown["versions"]]
    assert channels[0] == "html" and shown["versions"][0]["source"]["raw_replies"][0]["url"].endswith(
        "2023-09-29.html")

    another = workspace.data_dir.parent / "2023-10-01.html"  # another capture: other bytes
    another.write_text((HTML / "2023-09-29.html").read_text(encoding="utf-8") + "<!-- x -->",
                       encoding="utf-8")
    older = workspace.regwatch("import-html", str(another))
    assert older.code == 1
    assert "older than the last stored snapshot" in older.stderr


def test_a_copy_without_the_table_is_refused_by_name(workspace, tmp_path):
    bad = tmp_path / "2024-01-01.html"
    bad.write_text("<html><body><h1>404</h1></body></html>", encoding="utf-8")
    result = workspace.regwatch("import-html", str(bad))
    assert result.code == 1
    assert "2024-01-01.html: no table of the register" in result.stderr
    assert not (workspace.exports / "latest.csv").exists()


def test_a_web_archive_capture_url(workspace, tmp_path):
    capture = tmp_path / "web" / "20240502093000" / "https:" / "minjust.gov.ru" / "ru" / "documents" / "7756"
    capture.mkdir(parents=True)
    page = (HTML / "2024-05-02.html").read_text(encoding="utf-8")
    (capture / "index.html").write_text(
        '<div id="wm-ipp-base"><table><tr><td>Wayback Machine</td></tr></table></div>' + page,
        encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = (f"http://127.0.0.1:{server.server_address[1]}/web/20240502093000/"
               "https:/minjust.gov.ru/ru/documents/7756/")
        result = workspace.regwatch("import-html", url)
        server.shutdown()
    assert result.code == 0, result.output
    assert "[2024-05-02] baseline" in result.stdout
    status = json.loads((workspace.exports / "status.json").read_text())
    assert status["exports_show"]["snapshot_taken_at"] == "2024-05-02T09:30:00+00:00"
    assert status["exports_show"]["channel"] == "html"


def test_variants_of_the_markup_through_the_real_spider(workspace, tmp_path):
    real = (HTML / "2024-05-02.html").read_text(encoding="utf-8")
    folder = tmp_path / "variants"
    folder.mkdir()
    (folder / "2024-05-02.html").write_text(  # the header row inside <tbody>, no <thead>
        real.replace("<thead>", "<tbody>").replace("</thead>\n<tbody>", ""), encoding="utf-8")
    (folder / "2024-05-03.html").write_text(  # empty cells as &nbsp; everywhere, another capture
        real.replace("<td></td>", "<td>&nbsp;</td>") + "<!-- capture 2 -->", encoding="utf-8")
    result = workspace.regwatch("import-html", str(folder))
    assert result.code == 0, result.output
    assert "[2024-05-02] baseline: first crawl: 159 entries" in result.stdout
    assert "[2024-05-03] unchanged: no change" in result.stdout  # the same cells, once cleaned
    assert "2/2 copy of 2024-05-03" in result.stdout  # the progress line


def test_the_readme_example_works_as_pasted(tmp_path):
    """The README's line, run by a shell in a copy of the layout it assumes (the checkout
    with its .venv, ../shared beside it), after `export REGWATCH_DATA_DIR=output/demo`."""
    line = next(line.strip() for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if "regwatch import-html ../shared/" in line)
    checkout = tmp_path / "regwatch"
    checkout.mkdir()
    (checkout / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (tmp_path / "shared").symlink_to(SHARED)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    env.update(REGWATCH_DATA_DIR="output/demo", LANG="C.UTF-8")
    done = subprocess.run(["bash", "-c", line], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[2023-09-29] baseline" in done.stdout and "[2024-09-05] changed" in done.stdout
    assert (checkout / "output" / "imported" / "regwatch.db").exists()
    assert not (checkout / "output" / "demo").exists()
