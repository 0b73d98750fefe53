"""The old official page (minjust.gov.ru/ru/documents/7756/, gone since about February
2026, kept by web archives): one table, six cells a row — №, the Ministry's inclusion
order («№ 1076-р от 29.07.2015»), the Prosecutor General's decision («№1 от 28.07.2015»,
«от 26.04.2017» or a bare «14.08.2024»), the full name, the exclusion order and the
cancellation decision; empty cells hold &nbsp;.

`parse_page` turns it into the same canonical rows as the JSON service gives, so the one
normaliser serves both. Pure: text in, rows out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

CELLS = ("number", "inclusion", "decision", "name", "exclusion", "cancellation")
LISTED, EXCLUDED = "Включена", "Исключена"  # the service's own status words

# «№ 1076-р от 29.07.2015», «№1 от 28.07.2015», «от 26.04.2017», «14.08.2024»
_ORDER = re.compile(r"^(?:№\s*(?P<number>\S+)\s+)?(?:от\s+)?(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*г?\.?$")
_UPDATED = re.compile(r"Обновлено\s+(\d{2})\.(\d{2})\.(\d{4})")


class PageError(ValueError):
    """A page that is not the register's table."""


@dataclass
class HtmlPage:
    rows: list[dict[str, str]]  # canonical field → published text
    updated_on: str = ""  # «Обновлено 02.05.2024» as ISO, when the page says it
    warnings: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def split_order(text: str) -> tuple[str, str]:
    """An order or decision cell → (its number, its date as published); the text itself as
    the number when it has no recognisable date (never guessed)."""
    text = clean(text)
    found = _ORDER.match(text)
    if not found:
        return text, ""
    return found.group("number") or "", found.group("date")


def row_fields(cells: list[str]) -> dict[str, str]:
    number, inclusion, decision, name, exclusion, cancellation = (clean(c) for c in cells)
    listing_order, listed_on = split_order(inclusion)
    _, designated_on = split_order(decision)
    exclusion_order, excluded_on = split_order(exclusion)
    _, cancelled_on = split_order(cancellation)
    return {"number": number, "listed_on": listed_on, "listing_order": listing_order,
            "designated_on": designated_on or decision, "name": name,
            "excluded_on": excluded_on, "exclusion_order": exclusion_order,
            "cancelled_on": cancelled_on or cancellation,
            "status": EXCLUDED if exclusion else LISTED}


def parse_page(html: str | bytes) -> HtmlPage:
    # lxml's own tree, not BeautifulSoup's (most of an import's or a reparse's time went
    # into building that); bytes are decoded as BeautifulSoup decodes them (UnicodeDammit,
    # imported here: every crawl loads every spider module, and few parse an HTML page).
    from bs4 import UnicodeDammit

    text = ((UnicodeDammit(html, is_html=True).unicode_markup or html.decode("utf-8", "replace"))
            if isinstance(html, bytes) else html)
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except etree.ParserError:  # nothing to parse (an empty document)
        raise PageError("no table of the register on the page (six cells a row, numbered)") from None
    table = _register_table(root)
    if table is None:
        raise PageError("no table of the register on the page (six cells a row, numbered)")
    page = HtmlPage([], _updated_on(_text(root, " ")))
    for tr in table.iter("tr"):
        cells = [_text(c, " ") for c in _cells(tr)]
        if not cells or not clean(cells[0]).isdigit():
            continue  # a header row, in <thead> or (some copies) in <tbody>
        if len(cells) != len(CELLS):
            page.warnings.append(f"row {clean(cells[0])}: {len(cells)} cells instead of {len(CELLS)}; skipped")
            continue
        page.rows.append(row_fields(cells))
    if not page.rows:
        raise PageError("the register's table has no numbered rows")
    return page


_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in ("td", "th")]


def _text(element: etree._Element, separator: str = "") -> str:
    """Every text inside `element`, joined by `separator` (BeautifulSoup's get_text)."""
    return separator.join(element.itertext())


def _register_table(root: etree._Element) -> etree._Element | None:
    """The table whose rows have six cells and start with a number: the register."""
    for table in root.iter("table"):
        for tr in table.iter("tr"):
            cells = _cells(tr)
            if len(cells) == len(CELLS) and clean(_text(cells[0])).isdigit():
                return table
    return None


def _updated_on(text: str) -> str:
    found = _UPDATED.search(text)
    return f"{found.group(3)}-{found.group(2)}-{found.group(1)}" if found else ""
