"""People's names as others type them: «Шульман Екатерина Михайловна» in the register,
"Ekaterina Schulmann", "Екатерина Шульман" or "Shulman Ekaterina" in the query.

The register prints a person as «Surname Given Patronymic» in Russian, sometimes with a
pseudonym in quotes («Чхартишвили Григорий Шалвович "Борис Акунин"»). People type the
given name first or last, leave out the patronymic, and write Latin letters in one of a
dozen transliterations (passport, library, German, French, the press's own). Each word
is reduced to a *skeleton* that those spellings share: Cyrillic is transliterated, then
the letters the systems disagree on are merged (ю/yu/iu/ju → u, я/ya/ia → a, х/kh/h → h,
ш/sh/sch → s, ц/ts/tz/c → c, x → ks, й/y/j → i, doubled letters once). A person matches
when the surname and the given name are both among the query's words (in any order),
and every other query word is the patronymic or part of the pseudonym.

Pure functions: no I/O; the same input gives the same answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from rapidfuzz.distance import Indel

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
_CYRILLIC.update({"і": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u"})  # Ukrainian and Belarusian names

# Longest first: the consonants the transliteration systems write differently, to one
# letter each; then (doubled letters once) the iotated vowels.
_CONSONANTS = [("shch", "s"), ("sch", "s"), ("tch", "c"), ("ck", "k"), ("sh", "s"), ("ch", "c"),
               ("zh", "z"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("cz", "c"), ("ph", "f"),
               ("x", "ks"), ("w", "v"), ("y", "i"), ("j", "i")]
_VOWELS = [("iu", "u"), ("ia", "a"), ("io", "o"), ("ie", "e")]
_DOUBLE = re.compile(r"(.)\1+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_QUOTED = re.compile(r"[\"«“„](.+?)[\"»”“]")

# Given names whose usual English (or German, French) form is not a transliteration.
_GIVEN_FORMS = {
    "alexander": "aleksandr", "alexandre": "aleksandr", "michael": "mikhail", "peter": "pyotr",
    "petr": "pyotr", "paul": "pavel", "gregory": "grigory", "eugene": "evgeny", "george": "georgy",
    "nicholas": "nikolai", "nicolas": "nikolai", "catherine": "ekaterina", "katherine": "ekaterina",
    "helen": "elena", "joseph": "iosif", "jacob": "yakov", "leo": "lev", "daniel": "daniil",
    "eliza": "elizaveta", "elizabeth": "elizaveta",
    "anatole": "anatoly", "basil": "vasily", "sophia": "sofia", "sophie": "sofia", "julia": "yulia",
    "natalie": "natalia", "mary": "maria", "marie": "maria", "anne": "anna", "andrew": "andrei",
}


def _plain(word: str) -> str:
    """Lower case, accents off (é → e, ü → u), Cyrillic into Latin letters."""
    word = word.lower()
    word = "".join(_CYRILLIC.get(ch, ch) for ch in word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha())


def skeleton(word: str) -> str:
    """The letters every usual spelling of a Russian name word shares ('' for no letters)."""
    text = _plain(word)
    text = _GIVEN_FORMS.get(text, text)
    for old, new in _CONSONANTS:
        text = text.replace(old, new)
    text = _DOUBLE.sub(r"\1", text)
    if len(text) > 2 and text[0] == "i" and text[1] in "aeou":  # Yulia, Iurii, Yevgeny: ю/е at the start
        text = text[1:]
    for old, new in _VOWELS:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", text)


def words(text: str) -> list[str]:
    """The words of a name (letters, inner hyphens and apostrophes kept)."""
    return _WORD.findall(text)


@dataclass(frozen=True)
class PersonName:
    """A person as the register prints them, in skeletons (see `skeleton`)."""

    surname: tuple[str, ...]  # "Кара-Мурза" is one surname of two parts
    given: str
    patronymic: str
    pseudonyms: tuple[tuple[str, ...], ...] = ()  # each a sequence of word skeletons


def parse_person(published: str) -> PersonName | None:
    """«Surname Given Patronymic "Pseudonym"» → PersonName; None when fewer than two words."""
    pseudonyms = []
    for quoted in _QUOTED.findall(published):
        for part in re.split(r"[()]", quoted):
            if found := tuple(s for w in words(part) if (s := skeleton(w))):
                pseudonyms.append(found)
    plain = _QUOTED.sub(" ", published)
    found_words = words(plain)
    if len(found_words) < 2:
        return None
    surname = tuple(s for part in found_words[0].split("-") if (s := skeleton(part)))
    return PersonName(surname, skeleton(found_words[1]),
                      " ".join(skeleton(w) for w in found_words[2:]), tuple(pseudonyms))


def _same(a: str, b: str) -> bool:
    """Two skeletons of the same word: equal, or one letter apart in a long word
    (Aleksander/Aleksandr, Ponomaryov/Ponomarev)."""
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and Indel.normalized_similarity(a, b) >= 0.88


@dataclass(frozen=True)
class PersonMatch:
    how: str  # "full_name" | "name" (no patronymic typed) | "pseudonym"
    exact: bool  # every word's skeleton equal, no near spelling needed


def typed_words(query: str) -> list[str]:
    """The query's word skeletons, hyphenated words in their parts."""
    return list(_typed(query))


def _typed(query: str) -> Iterator[str]:
    return (s for w in words(query) for part in w.split("-") if (s := skeleton(part)))


def match_person(query: str, person: PersonName) -> PersonMatch | None:
    """Does the query name this person? Surname and given name, in any order, and nothing
    else but the patronymic; or every word of one of their pseudonyms."""
    return _match_typed(typed_words(query), person)


def _match_typed(typed: list[str], person: PersonName) -> PersonMatch | None:
    if not typed:
        return None
    for pseudonym in person.pseudonyms:
        if len(typed) == len(pseudonym) and all(_same(a, b) for a, b in zip(typed, pseudonym, strict=True)):
            return PersonMatch("pseudonym", typed == list(pseudonym))
    wanted = [*person.surname, person.given]
    if not person.given or len(typed) not in (len(wanted), len(wanted) + 1):
        return None
    left = list(typed)
    exact = True
    for part in wanted:
        hit = next((t for t in left if t == part), None) or next((t for t in left if _same(t, part)), None)
        if hit is None:
            return None
        exact &= hit == part
        left.remove(hit)
    if not left:
        return PersonMatch("name", exact)
    if person.patronymic and _same(left[0], person.patronymic):
        return PersonMatch("full_name", exact and left[0] == person.patronymic)
    return None


class PersonIndex:
    """The persons of a register, found by the words of a query: each person filed under
    their surname's and given name's skeletons (and their pseudonyms' words), so a query
    is compared with the few people who share one of its words, not with all of them."""

    def __init__(self, entries: Iterable[Any]) -> None:
        self._people: list[tuple[Any, PersonName]] = []
        self._by_word: dict[str, list[int]] = {}
        self._most_words: int | None = None  # the most words a query naming someone has, once asked
        for entry in entries:
            if getattr(entry, "entity_type", "") != "person" or (person := parse_person(entry.name)) is None:
                continue
            position = len(self._people)
            self._people.append((entry, person))
            keys = {*person.surname, person.given, *(w for p in person.pseudonyms for w in p)}
            for key in keys:
                self._by_word.setdefault(key, []).append(position)

    def __len__(self) -> int:
        return len(self._people)

    def state(self, position_of: dict[int, int]) -> dict[str, object]:
        """As plain data: each person by their entry's position (`position_of`: id(entry) →
        position in the list stored beside it)."""
        return {"people": [(position_of[id(entry)], person.surname, person.given, person.patronymic,
                            person.pseudonyms) for entry, person in self._people], "by_word": self._by_word}

    @classmethod
    def restore(cls, entries: list[Any], state: dict) -> PersonIndex:
        index = cls(())
        index._people = [(entries[position], PersonName(*name)) for position, *name in state["people"]]
        index._by_word = state["by_word"]
        return index

    def find(self, query: str) -> list[tuple[Any, PersonMatch]]:
        """Every person the query names, exact spellings first."""
        if not self._people:  # a register of organisations: no word of the query is spelled
            return []
        if self._most_words is None:
            self._most_words = max(max([len(p.surname) + 2, *map(len, p.pseudonyms)]) for _, p in self._people)
        # a name of more words than any person's (a long organisation's) names no one: not spelled out
        typed = list(islice(_typed(query), self._most_words + 1))
        if len(typed) > self._most_words:
            return []
        near = {position for key in set(typed) for position in self._by_word.get(key, ())}
        found = []
        for position in sorted(near):
            entry, person = self._people[position]
            if (match := _match_typed(typed, person)) is not None:
                found.append((entry, match))
        return sorted(found, key=lambda pair: not pair[1].exact)
