"""Does a subscriber's watch name name this entry? Pure: no I/O.

A watch name hits an entry when it names the same thing as the entry's published name or
one of its parts (name_ru, name_original, acronyms), compared at three levels, strongest
first: `exact` (the text itself), `folded` (case, accents, punctuation, quote and dash
styles, homoglyphs and legal forms set aside) and `transliterated` (both sides written in
one Latin spelling), with the keys of `pipelines.matching.keys`. A hit is always equality
of whole names, never a shared word: "Human Rights" does not hit "Human Rights House Tbilisi".
A person (the registers of foreign agents) is also hit as people write them, by
`matching.persons`: surname and given name in either order, with or without the
patronymic, in Latin letters too ("Konstantin Pakhalyuk" hits «Пахалюк Константин Александрович»).

A later fuzzy level adds a fourth entry to `_LEVELS` (and its keys to `NameIndex`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.matching.keys import (
    ACRONYM,
    ACRONYM_ANY_CASE,
    ACRONYM_EXACT,
    EXACT,
    FOLDED,
    NAME,
    TRANSLITERATED,
    acronym_keys,
    name_keys,
    name_parts,
)
from pipelines.matching.persons import PersonName, match_person, parse_person
from pipelines.register.models import PERSON, Entry


@dataclass(frozen=True)
class WatchHit:
    query: str  # the watch name as the subscriber wrote it
    matched: str  # the entry's text that it matched, as published
    part: str  # which text that is: "name", "name_ru", "name_original", "acronym" or "alias"
    how: str  # "exact", "folded" or "transliterated"


_LEVELS = (EXACT, FOLDED, TRANSLITERATED)  # strongest first; a hit reports the first


def _part_keys(part: str, text: str) -> dict[str, tuple[str, ...]]:
    """A name part's keys; an acronym's as written at the exact level, ignoring case at the
    folded one."""
    if part != ACRONYM:
        return name_keys(text)
    as_acronym = acronym_keys(text)
    return {EXACT: as_acronym[ACRONYM_EXACT], FOLDED: as_acronym[ACRONYM_ANY_CASE], TRANSLITERATED: ()}


@functools.lru_cache(maxsize=65536)
def _watch_keys(query: str) -> dict[str, tuple[str, ...]]:
    """A watch name's keys: as a name, and as an acronym (case-insensitively)."""
    as_name, as_acronym = _part_keys(NAME, query), _part_keys(ACRONYM, query)
    return {level: tuple(dict.fromkeys(as_name[level] + as_acronym[level])) for level in _LEVELS}


@dataclass(frozen=True)
class NameIndex:
    """An entry's names under their keys: level → key → (part, published text)."""

    keys: dict[str, dict[str, tuple[str, str]]]

    def find(self, query: str) -> WatchHit | None:
        """The strongest hit of one watch name, or None."""
        wanted = _watch_keys(query)
        for level in _LEVELS:
            for key in wanted[level]:
                if key and key in self.keys[level]:
                    part, text = self.keys[level][key]
                    return WatchHit(query, text, part, level)
        return None


@functools.lru_cache(maxsize=16384)
def _index(parts: tuple[tuple[str, str], ...]) -> NameIndex:
    keys: dict[str, dict[str, tuple[str, str]]] = {level: {} for level in _LEVELS}
    for part, text in parts:
        found = _part_keys(part, text)
        for level in _LEVELS:
            for key in found[level]:
                keys[level].setdefault(key, (part, text))  # the earlier part is reported
    return NameIndex(keys)


ALIAS = "alias"  # one of the other names a register gives (in «», a pseudonym), whole


def name_index(entry: Entry) -> NameIndex:
    """The entry's names and other names, keyed once and cached by the names alone (not
    the whole entry)."""
    return _index((*name_parts(entry), *((ALIAS, alias) for alias in entry.aliases)))


@functools.lru_cache(maxsize=16384)
def _person(published: str) -> PersonName | None:
    return parse_person(published)


_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def _person_hit(query: str, entry: Entry) -> WatchHit | None:
    """A person named the way people write them: folded when typed in the register's
    letters, transliterated when in Latin ones."""
    person = _person(entry.name) if entry.entity_type == PERSON else None
    if person is None or match_person(query, person) is None:
        return None
    how = FOLDED if _CYRILLIC & set(query.lower()) else TRANSLITERATED
    return WatchHit(query, entry.name, NAME, how)


def watchlist_hits(watchlist: Sequence[str], entry: Entry) -> list[WatchHit]:
    """One hit per watch name that names the entry (the strongest), in watchlist order."""
    index = name_index(entry)
    return [hit for query in dict.fromkeys(watchlist) if (hit := index.find(query) or _person_hit(query, entry))]
