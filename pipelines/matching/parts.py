"""What the register index works out of each distinct name part, made of what its words give:
the same as `keys.name_keys` (spaces ignored) with `keys.core_keys`, `fuzzy.folded_tokens`,
`keys.initials`, `translation.english_name` and `translation.russian_words` (tests/test_parts.py
compares them). Pure.

A 100 000-entry register holds some 200 000 distinct name parts, made of a few thousand
distinct words: each word (a whitespace-separated part of a text) is folded, transliterated and
read once here, and a name part's keys are joined from its words'. One-letter folded words in a
row are joined as `fold` joins them, inside a word here («e.V.» is «ev»); only where two words
meet by one-letter ends («U. S.»), is the name part read whole, as the functions above read it.
"""

from __future__ import annotations

from itertools import chain
from operator import itemgetter

from pipelines.matching.fuzzy import OPTIONAL_WORDS, folded_tokens
from pipelines.matching.keys import (
    CORE,
    CYRILLIC_LETTER,
    EXACT,
    FOLDED,
    TRANSLITERATED,
    acronyms_of,
    core,
    core_keys,
    fold,
    folded_words,
    initial_letters,
    initials,
    join_initials,
    loose_enough,
    may_have_legal_form,
    name_keys,
    transliterate,
)
from pipelines.matching.translation import GLOSSARY, content_words, english_name, russian_words
from pipelines.register.names import normalise_whitespace

# A word's record, by field: its folded words (one-letter ones in a row joined, as `fold` joins
# them) joined by spaces, their transliterations joined, their fuzzy tokens, how its edges may
# join a neighbour's (see `_edges`), whether its first folded word may begin a legal form and its
# last end one (`may_have_legal_form`), its `initial_letters`, whether it has a Cyrillic letter,
# its words a translation must meet (`content_words`), and whether those are all glossary words
# with no Cyrillic letter in the word (what `english_name` asks of each word).
_FIELDS = 11
(_FOLDED, _JOINED, _TOKENS, _EDGES, _LEADS, _ENDS, _CAPITALS, _INITIALS, _CYRILLIC, _CONTENT,
 _ENGLISH) = map(itemgetter, range(_FIELDS))
_WHOLE = "J"  # in `_edges`: the name part is read whole (a word with letters but no folded word)
# What may stand between a text's last words and the word before them (besides spaces), and
# after them, for those words to be cut off its tokens: characters that fold to nothing and
# join no word («(США)», «…»), Великобритания»).
_BEFORE_CUT, _AFTER_CUT = "(«\"“„", frozenset(")».,;:\"”")
_RECENT = 16  # texts whose records are kept: an entry's name parts are each read up to three times
_UNREAD: list[tuple] = []  # in `_recent`: a text not read lately


def _edges(words: tuple[str, ...]) -> str:
    """«S|S» for folded words that begin and end with a one-letter one («U.S.», «A»), «x|S» for
    words ending in one, …: `fold` joins one-letter words in a row across words too, so a text
    whose words' edges read «SS» is read whole."""
    return ("S" if len(words[0]) == 1 else "x") + "|" + ("S" if len(words[-1]) == 1 else "x")


def _record(word: str) -> tuple:
    """What a name part's keys take of one of its words; () for a word that gives none («—», «(»)."""
    folded = folded_words(word)
    capitals, first = initial_letters(word, OPTIONAL_WORDS)
    cyrillic = bool(CYRILLIC_LETTER.search(word))
    if not folded:
        return (_WHOLE,) * _FIELDS if capitals or first or cyrillic else ()
    words = join_initials(list(folded))
    joined = " ".join(words)
    content = content_words(joined)
    return (joined, "".join(map(transliterate, words)), folded_tokens(joined), _edges(folded),
            may_have_legal_form(words[0], ""), may_have_legal_form("", words[-1]), capitals, first,
            cyrillic, content, not cyrillic and all(w in GLOSSARY for w in content))


def _tokens(records: list[tuple]) -> tuple[str, ...]:
    """A text's fuzzy tokens, its words' in a row: adding a few short tuples beats chaining them."""
    return sum(map(_TOKENS, records), ())


class _Records(dict):
    def __missing__(self, word: str) -> tuple:
        found = self[word] = _record(word)
        return found


class PartWords:
    """A register's name parts' keys and words, each word read once (see the module docstring)."""

    def __init__(self) -> None:
        self._records = _Records()
        self._keys: dict[str, dict[str, tuple[str, ...]]] = {}
        self._recent: dict[str, list[tuple] | None] = {}  # the last few texts' records: an entry's parts
        self._cuts: dict[str, tuple[str, ...]] = {}  # `tokens_without`: a few dozen countries, cut from many names

    def _records_of(self, text: str) -> list[tuple] | None:
        """The records of the text's words; None when the text is read whole."""
        found: list[tuple] | None = self._recent.get(text, _UNREAD)
        if found is not _UNREAD:
            return found
        found = [*filter(None, map(self._records.__getitem__, text.split()))]
        if found:
            edges = "".join(map(_EDGES, found))
            found = None if "SS" in edges or _WHOLE in edges else found
        if len(self._recent) >= _RECENT:
            self._recent.clear()
        self._recent[text] = found or None
        return found or None

    def name(self, text: str) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
        """The keys of a name part (`name_keys` spaces ignored, and CORE: `core_keys`), and its
        words as the fuzzy level compares them (`folded_tokens`)."""
        records = self._records_of(text)
        if records is None:
            folded = fold(text)
            keys = name_keys(text, folded, spaces_ignored=True)
            keys[CORE] = core_keys(text)
            return keys, folded_tokens(folded)
        return self._all_keys(text, records), _tokens(records)

    def read(self, text: str) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[tuple[str, bool], ...], bool]:
        """`name`, `initials` and `english` of a Russian or original name part, its words read once."""
        records = self._records_of(text)
        if records is None:
            keys, words = self.name(text)
            return keys, words, initials(text, OPTIONAL_WORDS), english_name(text)
        return (self._all_keys(text, records), _tokens(records),
                acronyms_of("".join(map(_CAPITALS, records)), "".join(map(_INITIALS, records))),
                all(map(_ENGLISH, records)) and any(map(_CONTENT, records)))

    def _all_keys(self, text: str, records: list[tuple]) -> dict[str, tuple[str, ...]]:
        keys = self._name_keys(text, records)
        proper = core(text)  # "" for most names
        keys[CORE] = self._core_keys(proper) if proper else ()
        return keys

    def _name_keys(self, text: str, records: list[tuple]) -> dict[str, tuple[str, ...]]:
        folded = " ".join(map(_FOLDED, records))
        if _LEADS(records[0]) or _ENDS(records[-1]):
            return name_keys(text, folded, spaces_ignored=True, joined="".join(map(_JOINED, records)))
        spaced = normalise_whitespace(text)
        if not loose_enough(folded):
            return {EXACT: (spaced,), FOLDED: (), TRANSLITERATED: ()}
        return {EXACT: (spaced,), FOLDED: (folded,),
                TRANSLITERATED: ("".join(map(_JOINED, records)),)}

    def _core_keys(self, proper: str) -> tuple[str, ...]:
        """`core_keys` of a name part, given its (non-empty) `core`."""
        keys = self._keys.get(proper)
        if keys is None:
            records = self._records_of(proper)
            keys = self._keys[proper] = (name_keys(proper, spaces_ignored=True) if records is None
                                         else self._name_keys(proper, records))
        return tuple(dict.fromkeys(keys[FOLDED] + keys[TRANSLITERATED]))

    def tokens(self, text: str) -> tuple[str, ...]:
        """`fuzzy.fuzzy_tokens` of a text."""
        records = self._records_of(text)
        return folded_tokens(fold(text)) if records is None else _tokens(records)

    def tokens_without(self, text: str, cut: str, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """`tokens` of the text with the last `cut` in it taken out (`f"{head} {tail}"`), given the
        text's own `tokens`: when the cut is its last words, between spaces, brackets, quotes or
        stops, those but the cut's (a published name without its country), not the text read again."""
        head, found, tail = text.rpartition(cut)
        if not found:
            return tokens
        start = len(head.rstrip(_BEFORE_CUT))
        if (self._records_of(text) is None or not _AFTER_CUT.issuperset("".join(tail.split()))
                or (start and not head[start - 1].isspace())):
            return self.tokens(f"{head} {tail}")
        cut_tokens = self._cuts.get(cut)
        if cut_tokens is None:
            cut_tokens = self._cuts[cut] = self.tokens(cut)
        kept = len(tokens) - len(cut_tokens)
        if kept <= 0 or tokens[kept:] != cut_tokens:
            return self.tokens(f"{head} {tail}")
        return tokens[:kept]

    def russian(self, text: str) -> tuple[str, ...]:
        """`translation.russian_words`."""
        records = self._records_of(text)
        if records is None:
            return russian_words(text)
        return tuple(chain.from_iterable(map(_CONTENT, records))) if any(map(_CYRILLIC, records)) else ()
