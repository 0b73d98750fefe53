"""Split a published organisation name into Russian names, original names, acronyms, country.

The register writes «Russian name» (Original Name, ACRONYM), Country in any order, with
nested «» quotes whose closing marks are often merged («A «B» means «A «B»»), stray or
missing brackets, homoglyphs and Ukrainian names in Cyrillic. Every returned part is a
slice of the whitespace-normalised name: nothing is re-spelt.

Judgement calls:
- Script: the letters before any inner «» decide, else all letters, by majority
  («Центр «Uralic»» is Russian). Cyrillic with і ї є ґ ў ј, a Latin i inside a Cyrillic
  word or a few Ukrainian/Serbian stems (людин, громадськ, друштв) is an original name.
- Acronym: up to 8 letters (7 a word), each word at least 60% capitals (TRS, IWPR UK,
  RFE/RL, MiCT, G.e.V., ГО «IДЕЛЬ»); in «» only one all-capital token of up to 5 letters
  («НРО», «РСЕ/РС»), as longer ones are names («ГРИНПИС»). A short form plus a name
  («МОД «АЛЛАТРА»», ЦГП «Альменда») is a name; «сокращенное наименование X» makes X an acronym.
- Country: only the trailing element, possibly inside the last brackets; a city after it
  («Великобритания, Лондон») is dropped; a «(с 08.11.2017 – NEW NAME)» tail is an original name.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from pipelines.register.countries import country_code


@dataclass(frozen=True)
class NameParts:
    name_ru: tuple[str, ...]  # Russian name(s), without the «» around them
    name_original: tuple[str, ...]  # Latin-script or non-Russian Cyrillic name(s)
    acronyms: tuple[str, ...]  # short forms, see the module docstring
    country: str  # as published (whitespace normalised), "" when the name names none
    country_code: str  # ISO 3166-1 alpha-2, "" when none


def normalise_whitespace(text: str) -> str:
    """Collapse every whitespace run (NBSP, tabs, newlines included) to one space; strip. The
    text itself when clean (an entry and its raw cells share it), seen without splitting it
    when it can be: the only whitespace a printable text has is the space."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # most names: a 100 000-entry index asks this of every name part
    joined = " ".join(text.split())
    return text if joined == text else joined


class _Tok(NamedTuple):
    kind: str  # "text", "group" (span is the inside of the brackets) or a separator
    start: int
    end: int


_TEXT, _GROUP = "text", "group"
# _Tok's own __new__ is a Python function: this builds one in C (three tokens a name, 100 000 names)
_tok = functools.partial(tuple.__new__, _Tok)
_OR = " или "
# Lead-ins that introduce another name; the register's only rename note is «с <date> – X».
_LEAD_IN = re.compile(
    r"^(?:(?P<short>сокращенное наименование)|другое используемое наименование:?"
    r"|использующая также наименование|с \d{1,2}\.\d{1,2}\.\d{4} ?[–—-])\s*",
    re.IGNORECASE,
)
_RENAMED = re.compile(r"^\s*с \d{1,2}\.\d{1,2}\.\d{4}")
_LEGAL_FORM = re.compile(
    r"^(?:inc|ltd|llc|z\. ?s|s\.r\.o|o\.p\.s|g?gmbh|e\. ?v)\.?$", re.IGNORECASE
)
_CONJUNCTION = re.compile(r" (?:and|und) ")
# Brackets that qualify the name before them: «IWPR (USA)», «gUG (haftungsbeschränkt)».
_QUALIFIERS = frozenset(
    {"haftungsbeschränkt", "usa", "us", "uk", "united kingdom", "the united states of america"}
)
_NON_RUSSIAN_LETTER = re.compile("[іїєґўјђљњћџІЇЄҐЎЈЂЉЊЋЏ]")
# Ukrainian and Serbian words that carry none of those letters.
_NON_RUSSIAN_STEMS = ("людин", "громадян", "громадськ", "друштв")


def _closes_all(s: str, i: int, hi: int) -> bool:
    """A » before a separator or a bracket also closes the quotes opened inside it."""
    rest = s[i:hi].lstrip()
    return not rest or rest[0] in ",;()" or s.startswith(_OR, i)


_SPECIAL = re.compile(f"[«»(),;]|{_OR}")
_SEPARATORS = frozenset((",", ";", _OR))


def _tokens(s: str, lo: int, hi: int) -> list[_Tok]:
    """The top-level tokens of s[lo:hi]: text runs, bracket groups and separators."""
    toks: list[_Tok] = []
    stack: list[str] = []
    start = group_start = lo
    # hot (every name, every group): no closure, and a text run is kept when not blank
    for match in _SPECIAL.finditer(s, lo, hi):  # only these characters change the state
        i, c = match.start(), match.group()
        if c == "«":
            stack.append(c)
        elif c == "»":
            if stack and stack[-1] == "«":
                stack.pop()
                if stack and _closes_all(s, i + 1, hi):
                    while stack and stack[-1] == "«":
                        stack.pop()
        elif c == "(":
            if not stack:
                if start < i and not s[start:i].isspace():
                    toks.append(_tok((_TEXT, start, i)))
                group_start = i + 1
            stack.append(c)
        elif c == ")":
            if "(" in stack:
                while stack.pop() != "(":  # a bracket also closes quotes left open inside it
                    pass
                if not stack:
                    toks.append(_tok((_GROUP, group_start, i)))
                    start = i + 1
        elif c == ";" and stack and stack[-1] == "«":
            while stack and stack[-1] == "«":  # «A; «B» : the first quote was never closed
                stack.pop()
        if not stack and c in _SEPARATORS:
            if start < i and not s[start:i].isspace():
                toks.append(_tok((_TEXT, start, i)))
            toks.append(_tok((c.strip(), i, i + len(c))))
            start = i + len(c)
    if stack and stack[0] == "(":  # an unclosed bracket runs to the end (row 48)
        toks.append(_tok((_GROUP, group_start, hi)))
    elif start < hi and not s[start:hi].isspace():
        toks.append(_tok((_TEXT, start, hi)))
    return toks


@functools.cache
def _script(ch: str) -> str:
    """'LATIN', 'CYRILLIC', … for a letter (the first word of its Unicode name); '' otherwise."""
    return unicodedata.name(ch, "").split(" ")[0] if ch.isalpha() else ""


class _ScriptLetters(dict[int, str | None]):
    """str.translate's table: a Latin letter → "L", a Cyrillic one → "C", anything else
    dropped; each character looked up in Unicode once, on first sight."""

    def __missing__(self, code: int) -> str | None:
        script = _script(chr(code))
        self[code] = mark = "L" if script == "LATIN" else "C" if script == "CYRILLIC" else None
        return mark


_SCRIPT_LETTERS = _ScriptLetters()


def _letters(text: str) -> tuple[int, int]:
    """(Latin, Cyrillic) letter counts."""
    marks = text.translate(_SCRIPT_LETTERS)  # counted in C: this runs for every name part
    return marks.count("L"), marks.count("C")


def _is_latin(text: str) -> bool:
    latin, cyrillic = _letters(text)
    return latin > cyrillic


def _find_country(s: str, toks: list[_Tok]) -> tuple[int, int, int] | None:
    """(start, end, blank_to) of a trailing country in toks, searching into a last group."""
    while toks and toks[-1].kind in (",", ";"):
        toks = toks[:-1]
    while toks and toks[-1].kind == _GROUP and _RENAMED.match(s[toks[-1].start : toks[-1].end]):
        toks = toks[:-1]  # the rename note follows the country (row 9)
    if not toks:
        return None
    last = toks[-1]
    if last.kind == _GROUP:
        return _find_country(s, _tokens(s, last.start, last.end))
    if last.kind != _TEXT:
        return None
    if country_code(s[last.start : last.end]):
        return last.start, last.end, last.end
    # «…, Великобритания, Лондон»: a city after the country.
    if len(toks) >= 3 and toks[-2].kind == "," and toks[-3].kind == _TEXT:
        before = toks[-3]
        if country_code(s[before.start : before.end]) and not _is_latin(s[last.start : last.end]):
            return before.start, before.end, last.end
    return None


def _clean(s: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces and stray punctuation at both ends of a span."""
    while start < end and (s[start].isspace() or s[start] in ",;:–—-"):
        start += 1
    while end > start and (s[end - 1].isspace() or s[end - 1] in ",;:–—"):
        end -= 1
    return start, end


def _continues(prev: str, cur: str, top: bool) -> bool:
    """Whether a comma-separated piece is part of the name before it, not a new name."""
    if _LEGAL_FORM.match(cur):  # «…, Inc.», «…, z. s.»
        return True
    if not (top and _is_latin(prev) and _is_latin(cur) and len(prev.split()) >= 2):
        return False
    # «Lesbian, Gay, Bisexual, Trans and Intersex», «California, Berkeley», «lʼUkraine, pour»
    return cur[0].islower() or bool(_CONJUNCTION.search(cur)) or (" " not in cur and cur.istitle())


_ASCII_QUOTED = re.compile(r'(\s*"[^"]+")(\s+\S.*)')


def _split_ascii_quoted(s: str, start: int, end: int) -> list[tuple[int, int]]:
    """The old HTML page once wrote «"Русское имя" Original Name»: two names, no separator."""
    if '"' not in s[start:end]:  # the common case, without running the pattern
        return [(start, end)]
    m = _ASCII_QUOTED.fullmatch(s[start:end])
    if m and _is_latin(m.group(1)) != _is_latin(m.group(2)):
        return [(start, start + m.end(1)), (start + m.end(1), end)]
    return [(start, end)]


def _is_tail(s: str, head: tuple[int, int], nxt: _Tok | None) -> bool:
    """Whether the text right after a bracket group ends the name before the group."""
    if nxt is None or nxt.kind != _TEXT:
        return False
    tail = s[nxt.start : nxt.end].strip()
    same_script = _is_latin(tail) == _is_latin(s[head[0] : head[1]])
    return same_script and (tail.startswith("«") or bool(_LEGAL_FORM.match(tail)))


def _items(s: str, lo: int, hi: int, top: bool, toks: list[_Tok] | None = None) -> list[tuple[int, int]]:
    """Spans of the name parts in s[lo:hi], bracket groups flattened in reading order;
    `toks`: its top-level tokens, when the caller has them."""
    toks = _tokens(s, lo, hi) if toks is None else toks
    items: list[tuple[int, int]] = []
    joinable = False  # may the next token extend items[-1]?
    after_comma = False
    i = 0
    while i < len(toks):
        tok = toks[i]
        text = s[tok.start : tok.end].strip()
        if tok.kind == _GROUP:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if joinable and not after_comma and text.lower() in _QUALIFIERS:
                items[-1] = (items[-1][0], min(tok.end + 1, hi))
            elif joinable and not after_comma and nxt is not None and _is_tail(s, items[-1], nxt):
                # «Limited liability company (SIA) «Medusa Project»», «… Studien (ZOiS) gGmbH»:
                # one name around the bracket, whose contents still count (SIA, ZOiS).
                inner = _items(s, tok.start, tok.end, top=False)
                items[-1] = (items[-1][0], nxt.end)
                items.extend(inner)
                joinable = False
                i += 1
            else:
                items.extend(_items(s, tok.start, tok.end, top=False))
                joinable = False
            after_comma = False
        elif tok.kind == _TEXT:
            if joinable and after_comma and _continues(s[slice(*items[-1])], text, top):
                items[-1] = (items[-1][0], tok.end)
            else:
                items.extend(_split_ascii_quoted(s, tok.start, tok.end))
            joinable, after_comma = True, False
        else:
            # Only a single comma may join; «,,» or «;» or «или» always starts a new name.
            after_comma = tok.kind == "," and not after_comma
            joinable = joinable and after_comma
        i += 1
    return items


def _unquote(part: str) -> str:
    """Drop the «» around a part, keeping a merged closing mark that an inner quote needs."""
    if len(part) > 2 and part[0] == part[-1] == '"' and part.count('"') == 2:
        return part[1:-1].strip()
    if part.startswith("«"):
        inner = part[1:]
        if inner.endswith("»") and inner.count("»") > inner.count("«"):
            inner = inner[:-1]
        # «КОРРЕКТИВ» – расследования для общества»: the first « opened two quotes at once.
        part = inner if inner.count("»") <= inner.count("«") else "«" + inner
    return part.strip()


_QUALIFIER = re.compile(r"\([^()]*\)")
_WORD_BREAK = re.compile(r"[\s«»/-]+")


def _is_acronym(part: str) -> bool:
    """The acronym rule of the module docstring."""
    quoted = part.startswith("«") and part.endswith("»")
    if quoted and " " in part:
        return False
    unqualified = _QUALIFIER.sub(" ", part) if "(" in part else part  # «IWPR (USA)»: the qualifier is not a word
    if not quoted and sum(map(str.isalpha, unqualified)) > 8:  # most parts: a name, decided at once
        return False
    words = _WORD_BREAK.split(unqualified.strip(" «»"))
    caps = [sum(map(str.isupper, w)) for w in words]
    sizes = [sum(map(str.isalpha, w)) for w in words]
    if quoted:
        return " " not in part and 2 <= sum(sizes) <= 5 and sum(caps) == sum(sizes)
    if not 2 <= sum(sizes) <= 8 or max(sizes) > 7:  # «IMKANDER» is a name
        return False
    return all(n and u >= 0.6 * n for u, n in zip(caps, sizes))


_LATIN_I = re.compile(r"[iIïÏ]")
_WORD = re.compile(r"\w+")


def _is_original_cyrillic(part: str) -> bool:
    """Ukrainian, Belarusian or Serbian written in Cyrillic, not Russian."""
    if _NON_RUSSIAN_LETTER.search(part):
        return True
    lowered = part.lower()
    if any(stem in lowered for stem in _NON_RUSSIAN_STEMS):
        return True
    # A Latin i in a Cyrillic word stands for the Ukrainian і («БЛАГОДIЙНИЙ», «Украïни»).
    if not _LATIN_I.search(part):
        return False
    for word in _WORD.findall(part):
        latin, cyrillic = _letters(word)
        if cyrillic > latin and _LATIN_I.search(word):
            return True
    return False


def _is_original(part: str) -> bool:
    """Latin script or non-Russian Cyrillic, judged on the words before any inner «»
    when there are some («Центр «Uralic»» is Russian, «Stowarzyszenie «Za Wolna Rosje»» not)."""
    head = part.split("«", 1)[0]
    deciding = head if any(c.isalpha() for c in head) else part
    return _is_latin(deciding) or _is_original_cyrillic(deciding)


@functools.lru_cache(maxsize=8192)
def split_name(published: str) -> NameParts:
    """Split a published name into its parts; never raises, returns what it can read.
    Remembered by the published text (NameParts is frozen): a reparse, an import of many
    copies and the alerts split the same names again and again."""
    s = normalise_whitespace(published)
    country = code = ""
    toks = _tokens(s, 0, len(s))
    found = _find_country(s, toks)
    if found:
        start, end, blank_to = found
        country = sys.intern(s[start:end].strip(" .,"))  # a few dozen countries, 100 000 names: one string each
        code = country_code(country)
        s = s[:start] + " " * (blank_to - start) + s[blank_to:]  # keeps every offset
        # its text and comma tokens go, the others stand (a country holds no bracket or quote;
        # a group around it stays, now blank, as it did when read afresh)
        toks = [t for t in toks if t.kind == _GROUP or not (start <= t.start and t.end <= blank_to)]

    ru: list[str] = []
    original: list[str] = []
    acronyms: list[str] = []
    for start, end in _items(s, 0, len(s), top=True, toks=toks):
        part = s[slice(*_clean(s, start, end))]
        lead_in = _LEAD_IN.match(part)
        if lead_in:
            part = part[lead_in.end() :]
        if not part.strip(" «»()"):
            continue
        text = _unquote(part)
        if (lead_in and lead_in.group("short")) or _is_acronym(part):
            acronyms.append(text)
        else:
            (original if _is_original(text) else ru).append(text)
    if not ru and not original:  # every part looked short: they are the names
        for part in acronyms:
            (original if _is_original(part) else ru).append(part)
        acronyms = []
    return NameParts(
        name_ru=tuple(dict.fromkeys(ru)),
        name_original=tuple(dict.fromkeys(original)),
        acronyms=tuple(dict.fromkeys(acronyms)),
        country=country,
        country_code=code,
    )
