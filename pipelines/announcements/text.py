"""An article's plain text and its language: a saved page stripped to its text with blocks
kept as lines, and a guess at English, Russian or neither (the extractor knows two)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

# Every element a browser lays out as a block or a cell: text on either side of one is
# another paragraph («…the committee» + «Berit Lindeman said» must not become one name).
_BLOCKS = ["p", "div", "li", "br", "tr", "title", "section", "article", "blockquote",
           "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "dl", "ul", "ol", "table",
           "caption", "figure", "figcaption", "main", "aside", "pre", "address", "details", "summary",
           "hr"]


def html_text(html: str) -> str:
    """A saved page's text: scripts, styles and navigation dropped, blocks kept as lines so a
    headline stays its own sentence."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    for tag in soup(_BLOCKS):  # inline tags (<b>, <a>) must not cut a sentence
        tag.insert_after("\n")
    return soup.get_text()


def guess_language(text: str) -> str:
    """"en", "ru" or "other": the letters a text is written in, then the words."""
    cyrillic = len(re.findall(r"[а-яё]", text, re.IGNORECASE))
    latin = len(re.findall(r"[a-z]", text, re.IGNORECASE))
    if cyrillic > latin / 2:
        lowered = text.lower()
        if "ы" in lowered or "э" in lowered:
            return "ru"
        # Ukrainian writes і ї є ґ, Bulgarian «ъ» inside words («България», «със»); a short
        # Russian text may have no «ы» at all («…признании нежелательной деятельности…»)
        if re.search("[іїєґ]|[а-яё]ъ[а-яё]", lowered):
            return "other"
        return "ru"
    return "en" if re.search(r"\b(?:the|and|of)\b", text) else "other"
