"""The FSB's page of the Unified federal list of organisations recognised as terrorist
(www.fsb.ru/fsb/npd/terror.htm): bytes in, canonical rows out. Pure: no I/O, no clock.

Each organisation is one numbered item: its number («1.»), its name (other names in
«» or brackets) and the court decision (court, date, number, date it took effect).
Public scrapers of the page read it as tables of three cells (№, name, decision; the
newest rows in a table of their own); the list has also been published as numbered
paragraphs («1. Name – court, от date № N, вступило в силу date»), so both are read.
The quirks handled: «1.» numbering, &nbsp;, nested tags, <br> inside an item, and an
item (or a cell) continued over two <p>.

The page is windows-1251: the charset comes from the HTTP header, else the <meta>, else
UTF-8 or windows-1251, whichever decodes. A page that is not the list (an error or
captcha page, a redesign) raises PageError naming what is missing; nothing is guessed.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # bs4 is imported when a page is parsed: every spider module is loaded by every crawl
    from bs4 import BeautifulSoup, Tag

# Words of the list's official title: a page without them is not the list.
TITLE_MARKERS = ("единый федеральный список", "террористическ")
FIELDS = ("number", "name", "decision", "aliases")

_NUMBER = re.compile(r"^(\d{1,4})\s*[.)]?$")
_NUMBERED = re.compile(r"^(\d{1,4})\s*[.)](?!\d)\s*(.+)$", re.S)  # «1. …», not «14.02.2003 …»
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
# The start of a court's name: «Верховный Суд», «2-й Западный окружной военный суд»,
# «суд Калужской области»; a decision follows within the same sentence («от 14.02.2003»).
_COURT = re.compile(r"(?:\d+-(?:й|ой)\s+)?(?:[А-ЯЁа-яё-]+(?:ый|ий|ой)\s+){0,4}[Сс]уд\b(?=[^«»]{0,160}?\bот\s*\d)")
_LATIN_BRACKETS = re.compile(r"\(([A-Za-z][A-Za-z0-9 .,&/'-]*)\)")


class PageError(ValueError):
    """A page that is not the FSB's list (or cannot be read as text)."""


@dataclass
class FsbPage:
    rows: list[dict[str, str]]  # canonical field → published text, in the page's order
    shape: str  # "table" or "paragraphs": how the items were laid out
    structure: str  # SHA-256 of the items' tag paths: changes when the layout does
    charset: str  # the one the page was read with
    problems: list[str] = field(default_factory=list)  # not fatal: said in the log


def clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def decode(body: bytes, content_type: str = "") -> tuple[str, str, list[str]]:
    """→ (text, charset used, problems). The declared charsets are tried in order (HTTP
    header, then <meta>); one that does not decode the bytes is passed over and said."""
    declared = []
    if header := _HEADER_CHARSET.search(content_type or ""):
        declared.append(("the HTTP header", header.group(1)))
    if meta := _META_CHARSET.search(body[:4096]):
        declared.append(("the page's <meta>", meta.group(1).decode("ascii")))
    problems: list[str] = []
    for where, charset in declared:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            problems.append(f"{where} declares an unknown charset {charset!r}")
            continue
        try:
            return body.decode(codec), codec, problems
        except UnicodeDecodeError as exc:
            problems.append(f"{where} declares {charset}, but byte {exc.start} is not {charset}")
    if declared and len(problems) == len(declared):
        raise PageError("the page cannot be read as text: " + "; ".join(problems))
    for codec in ("utf-8", "cp1251"):  # nothing declared: the page's own two charsets
        try:
            return body.decode(codec), codec, problems
        except UnicodeDecodeError:
            continue
    raise PageError("the page cannot be read as text (neither UTF-8 nor windows-1251)")  # pragma: no cover


def block_text(element: Tag) -> str:
    """An element's text with <br> and each paragraph as a space; inline tags (<span>,
    <strong>) join without one, as a browser shows them."""
    for br in element.find_all("br"):
        br.replace_with(" ")
    for block in element.find_all(["p", "div", "li"]):
        block.insert_after(" ")
    return clean(element.get_text(""))


def aliases(name: str) -> list[str]:
    """The other names a published name gives: every «…» and a bracketed Latin name
    («(AumShinrikyo, AUM, Aleph)»), in order, once. A quote ends at the first » after
    it: the page writes nested quotes with one closing mark («Рок-группа «Antisocial
    Distancing»), so an inner « left open is closed again."""
    found: list[str] = []
    at = 0
    while (start := name.find("«", at)) >= 0:
        end = name.find("»", start)
        if end < 0:
            break
        quoted = name[start + 1:end]
        if "«" in quoted:
            quoted += "»"
            if name[end + 1:end + 2] == "»":  # written out in full: «А «Б»»
                end += 1
        found.append(quoted)
        at = end + 1
    for group in _LATIN_BRACKETS.findall(name):
        found.extend(part for part in (p.strip() for p in group.split(",")) if part)
    seen: list[str] = []
    for alias in (clean(a) for a in found):
        if alias and alias not in seen:
            seen.append(alias)
    return seen


def split_item(text: str) -> tuple[str, str]:
    """One paragraph item's text (number removed) → (name, decision): the decision starts
    at the court's name; '' when the item names no court."""
    found = _COURT.search(text)
    if not found or found.start() == 0:
        return text, ""
    return text[:found.start()].rstrip(" –—-,;:"), text[found.start():]


def _row(number: str, name: str, decision: str) -> dict[str, str]:
    return {"number": number, "name": name, "decision": decision, "aliases": " | ".join(aliases(name))}


def _tag_path(element: Tag) -> str:
    return "/".join(reversed([p.name for p in element.parents if p.name and p.name != "[document]"]))


def _table_items(soup: BeautifulSoup) -> tuple[list[dict[str, str]], list[str], list[str]]:
    rows: list[dict[str, str]] = []
    paths: list[str] = []
    problems: list[str] = []
    for tr in soup.find_all("tr"):
        cells = tr.find_all(["td", "th"], recursive=False)
        if not cells:
            continue
        first = clean(cells[0].get_text(""))
        number = _NUMBER.match(first)
        if number is None:
            if rows and len(cells) >= 3 and not first and any(clean(c.get_text("")) for c in cells[1:]):
                problems.append(f"a table row without a number after row {rows[-1]['number']} was left out")
            continue
        if len(cells) < 3:
            problems.append(f"row {number.group(1)} has {len(cells)} cells, not 3 (№, name, decision)")
        texts = [block_text(c) for c in cells[1:3]] + ["", ""]
        rows.append(_row(number.group(1), texts[0], texts[1]))
        paths.append(f"{_tag_path(tr)}/tr*{len(cells)}")
    return rows, paths, problems


def _paragraphs(soup: BeautifulSoup) -> tuple[list[dict[str, str]], list[str]]:
    """Numbered <p> items, each with the <p> siblings right after it that carry no
    number (the rest of the same item)."""
    items: list[tuple[str, str]] = []
    paths: list[str] = []
    for p in soup.find_all("p"):
        numbered = _NUMBERED.match(block_text(p))
        if not numbered:
            continue
        text = numbered.group(2)
        for sibling in p.find_next_siblings():
            if sibling.name != "p":
                break
            more = block_text(sibling)
            if _NUMBERED.match(more):
                break
            text = f"{text} {more}".strip()
        items.append((numbered.group(1), clean(text)))
        paths.append(_tag_path(p))
    return [_row(number, *split_item(text)) for number, text in items], paths


def parse_page(body: bytes, content_type: str = "") -> FsbPage:
    """The page's bytes (and the reply's Content-Type) → its rows; PageError when it is
    not the list."""
    from bs4 import BeautifulSoup

    text, charset, problems = decode(body, content_type)
    if "</html>" not in text[-1024:].lower():  # a reply cut short still parses, into fewer rows
        raise PageError(f"the page is cut short: it does not end with </html> ({len(body)} bytes)")
    soup = BeautifulSoup(text, "lxml")
    page_text = clean(soup.get_text(" ")).lower().replace("ё", "е")
    missing = [marker for marker in TITLE_MARKERS if marker not in page_text]
    if missing:
        title = clean(soup.title.get_text("")) if soup.title else ""
        raise PageError(f"not the list: the words «{missing[0]}» of its title are missing "
                        f"(page title: {title or 'none'!r}, {len(body)} bytes)")
    rows, paths, table_problems = _table_items(soup)
    shape = "table"
    if rows:
        problems += table_problems
    else:
        rows, paths = _paragraphs(BeautifulSoup(text, "lxml"))
        shape = "paragraphs"
    if not rows:
        raise PageError("the page has the list's title but no numbered items, neither table rows "
                        "nor paragraphs (a redesign?)")
    problems += _numbering_problems(rows)
    problems += [f"row {r['number']}: no court decision found" for r in rows if not r["decision"]]
    structure = hashlib.sha256("\n".join(sorted(set(paths))).encode()).hexdigest()
    return FsbPage(rows=rows, shape=shape, structure=structure, charset=charset, problems=problems)


def _numbering_problems(rows: list[dict[str, str]]) -> list[str]:
    numbers = [int(r["number"]) for r in rows]
    expected = list(range(1, len(rows) + 1))
    if numbers == expected:
        return []
    gaps = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
    if gaps:
        return [f"numbers {', '.join(map(str, gaps[:10]))} are missing from 1-{max(numbers)}"]
    return ["the items are not numbered 1, 2, 3… in order"]
