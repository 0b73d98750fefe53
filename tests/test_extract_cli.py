"""`regwatch extract FILE [--date] [--json]` on saved real articles, as text and as HTML."""

from __future__ import annotations

import html
import json

from tests.conftest import SHARED, run_regwatch

ARTICLES = SHARED / "data" / "announcements" / "articles.jsonl"
RIAFAN = "https://riafan.ru/1530044-minyust-rf-priznal-nezhelatelnymi-eshche-tri-inostrannye-organizacii"


def article(url: str) -> dict:
    return next(a for line in ARTICLES.read_text(encoding="utf-8").splitlines()
                if (a := json.loads(line))["url"] == url)


def extract(path, *args: str):
    return run_regwatch(["extract", str(path), *args], env=None)


def test_a_saved_article_as_text_and_as_html(tmp_path):
    item = article(RIAFAN)
    text_file = tmp_path / "article.txt"
    text_file.write_text(item["text"], encoding="utf-8")
    as_text = extract(text_file, "--date", item["published"], "--json")
    assert as_text.code == 0, as_text.output
    events = json.loads(as_text.stdout)
    assert events, "the ministry's inclusion of three organisations"
    assert {e["kind"] for e in events} == {"included"}
    assert all(e["authority"] == "Ministry of Justice" for e in events)
    assert all({"organisation", "decision_date", "register_date", "sentence"} <= e.keys() for e in events)
    assert any("Церковь Духовной Технологии" in e["organisation"] for e in events)

    page = tmp_path / "article.html"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in item["text"].split("\n") if p)
    page.write_text(f"<html><body><nav>Меню</nav><article>{paragraphs}</article></body></html>",
                    encoding="utf-8")
    as_html = extract(page, "--date", item["published"], "--json")
    assert [e["organisation"] for e in json.loads(as_html.stdout)] == [e["organisation"] for e in events]

    shown = extract(text_file, "--date", item["published"])
    assert "included" in shown.stdout and "Церковь Духовной Технологии" in shown.stdout


def test_an_article_without_a_designation_and_a_bad_file(tmp_path):
    plain = tmp_path / "counts.txt"
    plain.write_text("В этом году нежелательными признаны 62 организации, сообщил источник.",
                     encoding="utf-8")
    result = extract(plain, "--date", "2025-12-01", "--json")
    assert result.code == 0 and json.loads(result.stdout) == []
    binary = tmp_path / "page.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    bad = extract(binary)
    assert bad.code == 2 and "not UTF-8" in bad.stderr


def test_a_short_russian_text_without_the_letter_y_and_an_undated_act(tmp_path):
    """«ы» is no test of Russian: one sentence of the Prosecutor General's boilerplate may
    lack it. An act the text does not date takes the article's day, said to be an upper bound."""
    from tests.test_announcements import VOC

    assert "ы" not in VOC
    saved = tmp_path / "voc.txt"
    saved.write_text(VOC, encoding="utf-8")
    found = json.loads(extract(saved, "--date", "2026-08-05", "--json").stdout)
    assert [(e["organisation"], e["kind"], e["decision_date"], e["date_basis"]) for e in found] == [
        ("Фонд памяти жертв коммунизма", "designated", "2026-08-05", "article")]
    # the brackets give the name in the other script beside the country
    assert (found[0]["other_name"], found[0]["country"]) == ("Victims of Communism Memorial Foundation", "США")
    shown = extract(saved, "--date", "2026-08-05").stdout
    assert "decision_date 2026-08-05 (on or before: the article's own date; the text states none)" in shown
    ukrainian = tmp_path / "uk.txt"
    ukrainian.write_text("Генпрокуратура РФ визнала небажаною організацію «Фонд Альфа».", encoding="utf-8")
    assert json.loads(extract(ukrainian, "--json").stdout) == []  # the rules know English and Russian only
