"""The parser of the FSB's terrorist list (scraper/parsers/fsb_page.py): the recorded
page parsed once, its count, first and last rows field by field; then each quirk and
each page that is not the list."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from scraper.parsers.fsb_page import PageError, aliases, parse_page, split_item

STATES = Path(__file__).parents[1] / "regwatch" / "demo_data" / "fsb_terrorist"
LATER, EARLIER = STATES / "2026-09-16" / "terror.htm", STATES / "2024-12-31" / "terror.htm"
MIRROR = Path(__file__).parents[2] / "shared" / "data" / "ru_registries_mirror" / "fsb_terrorist_orgs.json"


@pytest.fixture(scope="module")
def page():
    return parse_page(LATER.read_bytes(), "text/html")


def test_count_and_shape(page):
    assert len(page.rows) == 77
    assert [r["number"] for r in page.rows] == [str(n) for n in range(1, 78)]
    assert page.shape == "table"
    assert page.charset == "cp1251"
    assert page.problems == []


def test_first_row(page):
    assert page.rows[0] == {
        "number": "1",
        "name": "«Высший военный Маджлисуль Шура Объединенных сил моджахедов Кавказа»",
        "decision": "Верховный Суд Российской Федерации, от 14.02.2003 № ГКПИ 03-116, вступило в силу 04.03.2003",
        "aliases": "Высший военный Маджлисуль Шура Объединенных сил моджахедов Кавказа",
    }


def test_last_row_from_the_second_table(page):
    assert page.rows[-1] == {
        "number": "77",
        "name": "Террористическое сообщество «ULTIMA»",
        "decision": "1-й Восточный окружной военный суд г. Южно-Сахалинск от 26.06.2025 № 1-61/2025, "
                    "вступил в силу 11.11.2025",
        "aliases": "ULTIMA",
    }


def test_a_cell_over_several_paragraphs_reads_as_one(page):
    taliban = page.rows[10]
    assert taliban["decision"] == (
        "Верховный Суд Российской Федерации, от 14.02.2003 № ГКПИ 03-116, вступило в силу 04.03.2003 "
        "Запрет деятельности приостановлен. Верховный Суд Российской Федерации, от 17.04.2025 "
        "№ АКПИ25-174с, вступило в силу 20.05.2025")
    long_name = page.rows[63]["name"]  # written over two <p> in the page
    assert long_name.startswith("Террористическое сообщество, созданное для подготовки")
    assert "Службе безопасности Украины и Украине диверсионно-террористических" in long_name


def test_the_earlier_state_is_the_first_sixty_rows(page):
    earlier = parse_page(EARLIER.read_bytes())
    assert len(earlier.rows) == 60
    assert earlier.rows[:10] == page.rows[:10]
    assert earlier.rows[10]["decision"] == ("Верховный Суд Российской Федерации, от 14.02.2003 № ГКПИ 03-116, "
                                            "вступило в силу 04.03.2003")
    assert earlier.rows[11:] == page.rows[11:60]


def test_rows_match_the_mirror_they_were_built_from(page):
    if not MIRROR.exists():
        pytest.skip("the shared mirror is not beside this checkout")
    import json
    entries = json.loads(MIRROR.read_text(encoding="utf-8"))["entries"]
    assert [r["name"] for r in page.rows] == [e["name"] for e in entries]
    assert [r["decision"] for r in page.rows] == [e["decision"] for e in entries]


def test_the_builder_reproduces_the_states(tmp_path):
    if not MIRROR.exists():
        pytest.skip("the shared mirror is not beside this checkout")
    spec = importlib.util.spec_from_file_location("build_fsb", STATES / "build.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for path in build.build(MIRROR, tmp_path):
        assert path.read_bytes() == (STATES / path.parent.name / "terror.htm").read_bytes()


# --- charsets ------------------------------------------------------------------------------

def _page(items: str, meta: str = "") -> str:
    return (f"<html><head>{meta}<title>ФСБ России</title></head><body>"
            "<h1>Единый федеральный список организаций, признанных террористическими</h1>"
            f"{items}</body></html>")


TABLE = ("<table><tr><td>№ п/п</td><td>Наименование организации</td><td>Реквизиты</td></tr>"
         "<tr><td>1.</td><td>«Ёлка» (Yolka)</td><td>Московский городской суд, от 17.12.2014 (б/н), "
         "вступил в силу 30.12.2014</td></tr></table>")


def test_utf8_without_any_declaration():
    page = parse_page(_page(TABLE).encode("utf-8"))
    assert page.charset == "utf-8"
    assert page.rows[0]["name"] == "«Ёлка» (Yolka)"
    assert page.rows[0]["aliases"] == "Ёлка | Yolka"


def test_the_header_charset_wins_over_the_meta():
    body = _page(TABLE, '<meta charset="windows-1251">').encode("utf-8")
    assert parse_page(body, "text/html; charset=UTF-8").rows[0]["name"] == "«Ёлка» (Yolka)"


def test_a_header_charset_that_does_not_decode_falls_back_to_the_meta():
    body = _page(TABLE, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    page = parse_page(body.encode("cp1251"), "text/html; charset=utf-8")
    assert page.rows[0]["name"] == "«Ёлка» (Yolka)"
    assert page.problems[0].startswith("the HTTP header declares utf-8, but byte")


def test_a_page_no_declared_charset_decodes_is_refused():
    body = _page(TABLE, '<meta charset="utf-8">').encode("cp1251")
    with pytest.raises(PageError, match="cannot be read as text: the HTTP header declares utf-8"):
        parse_page(body, "text/html; charset=utf-8")


def test_a_wrong_single_byte_charset_is_refused_by_the_missing_title():
    with pytest.raises(PageError, match="not the list"):
        parse_page(_page(TABLE).encode("cp1251"), "text/html; charset=koi8-r")


# --- numbered paragraphs ---------------------------------------------------------------

PARAGRAPHS = """<div class="content">
<p><strong>1.</strong>&nbsp;«База» («Аль-Каида») – Верховный Суд Российской Федерации, от&nbsp;14.02.2003<br>
№ ГКПИ 03-116, вступило в силу 04.03.2003</p>
<p>2. Террористическое сообщество, созданное сотрудниками Главного управления разведки
Министерства обороны Украины и осуществлявшее свою деятельность</p>
<p>в г. Энергодаре Запорожской области – Южный окружной военный суд, от 08.08.2024 б/н, вступил в силу 05.09.2024</p>
<p>3. <span>Террористическое сообщество «<b>ULTIMA</b>»</span> 1-й Восточный окружной военный суд
г. Южно-Сахалинск от 26.06.2025 № 1-61/2025, вступил в силу 11.11.2025</p>
</div>
<div id="footer"><p>Адрес: Москва, ул. Большая Лубянка</p></div>"""
# a paragraph that starts with a date continues the item before it; it is no item «14»
DATED = PARAGRAPHS.replace("<p>2. Террористическое", "<p>14.02.2003 решение</p>\n<p>2. Террористическое")


def test_numbered_paragraphs_with_their_quirks():
    page = parse_page(_page(PARAGRAPHS).encode("utf-8"))
    assert page.shape == "paragraphs"
    assert page.rows == [
        {"number": "1", "name": "«База» («Аль-Каида»)", "aliases": "База | Аль-Каида",
         "decision": "Верховный Суд Российской Федерации, от 14.02.2003 № ГКПИ 03-116, вступило в силу 04.03.2003"},
        {"number": "2", "aliases": "",
         "name": "Террористическое сообщество, созданное сотрудниками Главного управления разведки "
                 "Министерства обороны Украины и осуществлявшее свою деятельность в г. Энергодаре "
                 "Запорожской области",
         "decision": "Южный окружной военный суд, от 08.08.2024 б/н, вступил в силу 05.09.2024"},
        {"number": "3", "name": "Террористическое сообщество «ULTIMA»", "aliases": "ULTIMA",
         "decision": "1-й Восточный окружной военный суд г. Южно-Сахалинск от 26.06.2025 № 1-61/2025, "
                     "вступил в силу 11.11.2025"},
    ]
    assert page.problems == []


def test_a_paragraph_starting_with_a_date_is_not_an_item():
    rows = parse_page(_page(DATED).encode("utf-8")).rows
    assert [r["number"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["decision"].endswith("вступило в силу 04.03.2003 14.02.2003 решение")


def test_gaps_in_the_numbering_are_said():
    items = TABLE.replace("<td>1.</td>", "<td>2.</td>")
    assert parse_page(_page(items).encode()).problems == ["numbers 1 are missing from 1-2"]


def test_split_item_without_a_court_keeps_the_text_as_the_name():
    assert split_item("«Сеть»") == ("«Сеть»", "")


def test_aliases_with_nested_quotes():
    assert aliases("Объединение «Рок-группа «Antisocial Distancing» («Антисоциальное Дистанцирование»)") == [
        "Рок-группа «Antisocial Distancing»", "Антисоциальное Дистанцирование"]
    assert aliases("«Синдикат «АБТО»» и «АБТО»") == ["Синдикат «АБТО»", "АБТО"]
    assert aliases("Хатлонский джамаат") == []


# --- pages that are not the list -------------------------------------------------------

def test_an_error_page_is_refused_naming_its_title():
    body = "<html><head><title>Проверка браузера</title></head><body>Подождите…</body></html>"
    with pytest.raises(PageError, match="not the list: the words «единый федеральный список» of its "
                                        "title are missing \\(page title: 'Проверка браузера'"):
        parse_page(body.encode("utf-8"))


def test_a_page_cut_short_is_refused():
    body = LATER.read_bytes()
    with pytest.raises(PageError, match=f"cut short: it does not end with </html> \\({len(body) // 2} bytes"):
        parse_page(body[:len(body) // 2])


def test_a_redesign_without_numbered_items_is_refused():
    body = _page("<ul><li>«База»</li><li>«Сеть»</li></ul>").encode("utf-8")
    with pytest.raises(PageError, match="no numbered items.*redesign"):
        parse_page(body)


def test_the_structure_hash_notices_a_new_layout(page):
    again = parse_page(EARLIER.read_bytes())
    assert again.structure == page.structure  # the same layout, another state
    moved = LATER.read_bytes().replace(b'<div class="content">', b'<div class="content"><div>')
    assert parse_page(moved).structure != page.structure
