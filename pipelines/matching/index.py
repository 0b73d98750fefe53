"""Is this organisation on the register, whatever spelling it was typed in? Pure: no I/O.

`RegisterIndex(entries).check(query)` compares a query with each entry's name parts (the
whole published name, its Russian names, original names and acronyms, as split by
`pipelines.register.names`) at falling levels of strictness, each with its score (0–100):

- exact (100): the text as published;
- folded (99): case, accents, ё, quotes, punctuation, look-alike letters (a Latin «е» in
  a Cyrillic word, a 3 for a З) and legal forms (Inc., e.V., gGmbH, Stichting…) set aside
  (`pipelines.matching.keys.fold`, `without_legal_forms`);
- transliterated (98): both sides in one Latin spelling, spaces ignored («Fond
  Svobodnaya Rossiya», «Crimea SOS»);
- proper name (96): the quoted end of a name without the words describing it («Фонд
  «Свободная Россия»» → «Свободная Россия»), or the Latin words that end a Russian name
  («медиакорпорация Deutsche Welle»);
- acronym (100 as written; 95 ignoring case and Cyrillic letters that look Latin, for
  3 letters or more: «OMCT» is the published «ОМСТ»);
- fuzzy tokens (at most 97, see `pipelines.matching.fuzzy`): word by word, words weighted by their
  rarity in the register, a name with a word that meets nothing on the other side at most
  89 — a near miss;
- short forms (91, when no other entry has the query's words): the leading or distinctive
  words of a name, one half of «A/B», a name without its honorific's given name; an
  acronym the register does not print, made of one entry's name (`keys.initials`); an
  English name that translates one entry's Russian name word for word
  (`pipelines.matching.translation`).

`listed` is True only when the best candidate scores LISTED_SCORE (90) or more and its
entry is listed (not excluded); candidates from POSSIBLE_SCORE (60) come back as possible
matches. A query is at most MAX_QUERY_LENGTH (500) characters; markup and control
characters in it are dropped; an empty one is a QueryError (a ValueError).
"""

from __future__ import annotations

import functools
import html
import logging
import re
import unicodedata
from array import array
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import chain

from pipelines import collector, forked
from pipelines.i18n.phrase import Explained, Phrase
from pipelines.matching.fuzzy import (
    NEAR_MISS_MAX,
    OPTIONAL_WORDS,
    TokenScorer,
    explain,
    fuzzy_tokens,
    unpack_ids,
)
from pipelines.matching.keys import (
    ACRONYM,
    ACRONYM_ANY_CASE,
    ACRONYM_EXACT,
    CORE,
    CYRILLIC_LETTER,
    EXACT,
    FOLDED,
    LATIN_LETTER,
    LEGAL_FORM_WORDS,
    NAME,
    NAME_ORIGINAL,
    NAME_RU,
    TRANSLITERATED,
    acronym_keys,
    fold,
    name_keys,
    name_parts,
    nominative_guess,
    short_forms,
    transliterate,
    typed_acronym,
)
from pipelines.matching.parts import PartWords
from pipelines.matching.translation import english_words, translates, word_keys
from pipelines.matching.translation import keys as translation_keys
from pipelines.register.countries import country_code
from pipelines.register.models import LISTED, Entry
from pipelines.register.names import normalise_whitespace

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500  # the longest published name has 336 characters
LISTED_SCORE = 90.0  # tuned on tests/data/check_labels.csv (see tests/test_check.py)
POSSIBLE_SCORE = 60.0  # weaker candidates are not shown at all
EXACT_SCORE, FOLDED_SCORE, TRANSLITERATED_SCORE, CORE_SCORE = 100.0, 99.0, 98.0, 96.0
ACRONYM_SCORE, ACRONYM_ANY_CASE_SCORE = 100.0, 95.0
MAX_FUZZY_SCORE = 97.0
# A short form (all the query's words, the head or every distinctive word of a name, no
# other entry with them all) is listed, just above the line: any key level outranks it.
SHORT_FORM_SCORE = 91.0
# Russian names a translation is compared with, at most: a query whose every word is in more
# names is made of words too common to name one entry (and would cost a 100 000-entry register)
_MAX_TRANSLATED = 2000
# Entries from which the index reads its whole published names in a forked child (a fork and the
# names' keys sent back cost more than a small register's names)
FORK_ENTRIES = 20_000

# The rule that decided a verdict, stable for the JSON and tests (`Verdict.rule`); each has
# its explanation in the phrase catalog as check.rule.<id>.
RULE_EXACT, RULE_FOLDED, RULE_TRANSLITERATED, RULE_CORE = EXACT, FOLDED, TRANSLITERATED, CORE
RULE_ACRONYM, RULE_ACRONYM_ANY_CASE, RULE_FUZZY = ACRONYM_EXACT, ACRONYM_ANY_CASE, "fuzzy"
RULE_KNOWN_NAME = "known_name"  # a name the register does not print, with its source
RULE_LEADING, RULE_DISTINCTIVE, RULE_SHORT_FORM = "leading_words", "distinctive_words", "short_form"
RULE_INITIALS, RULE_TRANSLATION = "initials", "translation"  # an acronym made of a name; an English name
RULE_EXCLUDED, RULE_RIVALLED, RULE_NEAR_MISS, RULE_NOTHING = "excluded", "rivalled", "near_miss", "nothing_close"
RULES = (RULE_EXACT, RULE_FOLDED, RULE_TRANSLITERATED, RULE_CORE, RULE_ACRONYM, RULE_ACRONYM_ANY_CASE,
         RULE_FUZZY, RULE_KNOWN_NAME, RULE_LEADING, RULE_DISTINCTIVE, RULE_SHORT_FORM, RULE_INITIALS,
         RULE_TRANSLATION, RULE_EXCLUDED,
         RULE_RIVALLED, RULE_NEAR_MISS, RULE_NOTHING)


class QueryError(ValueError):
    """A query that cannot be checked; the message says why."""


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float  # 0–100
    matched_on: str  # the entry's name part that matched, as published
    part: str  # "name" | "name_ru" | "name_original" | "acronym"
    how: str  # e.g. "exact", "folded (case, diacritics)", "transliterated", "fuzzy tokens 91"
    alias_source: str = ""  # the announcement that gave the entry this name, when it is one
    rule: str = ""  # the rule that scored it (RULE_*)


@dataclass(frozen=True)
class Verdict:
    query: str  # as checked: whitespace normalised, markup dropped
    listed: bool  # True only for a confident match of a listed entry (then matches[0] is it)
    matches: list[Candidate]  # best first; possible matches when not listed
    ruled_out: tuple[Candidate, ...] = ()  # dropped by a person's false-positive rule
    rule: str = RULE_NOTHING  # which rule decided the verdict (RULE_*)
    explanation: str = ""  # that rule in words (an Explained: catalog phrases check.rule.*)


# --- the query --------------------------------------------------------------------------

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")  # markup pasted with a name: «<b>Bellingcat</b>»


def _printable(char: str) -> str:
    """Control characters are spaces, invisible ones (zero-width space, soft hyphen) nothing;
    a private-use character stays: the register has one («Associa\uf50dão de russos livres»)."""
    kind = unicodedata.category(char)
    return " " if kind == "Cc" else "" if kind == "Cf" else char


def clean_query(query: str) -> str:
    """The query as checked; QueryError when nothing is left of it or it is too long."""
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    printable = query if query.isprintable() else "".join(map(_printable, query))  # no Cc or Cf in most
    text = normalise_whitespace(html.unescape(_TAG.sub(" ", printable)))
    if not text:
        raise QueryError("the query is empty: give an organisation's name")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query has {len(text):,} characters; a name has at most "
                         f"{MAX_QUERY_LENGTH} (the longest published one has 336)")
    return text


# --- keys ----------------------------------------------------------------------------------

_LEVELS = (EXACT, FOLDED, TRANSLITERATED, CORE, ACRONYM_EXACT, ACRONYM_ANY_CASE)
_LEVEL_SCORES = {EXACT: EXACT_SCORE, FOLDED: FOLDED_SCORE, TRANSLITERATED: TRANSLITERATED_SCORE,
                 CORE: CORE_SCORE, ACRONYM_EXACT: ACRONYM_SCORE, ACRONYM_ANY_CASE: ACRONYM_ANY_CASE_SCORE}


# The last few queries' keys and words: a check across registers asks each register the same query.
@functools.lru_cache(maxsize=16)
def _query_keys(text: str) -> dict[str, tuple[str, ...]]:
    """A query is looked up as a name, as a proper name and as an acronym."""
    as_name = name_keys(text, spaces_ignored=True)
    return {**as_name, **acronym_keys(text, lookalikes=True),
            CORE: as_name[FOLDED] + as_name[TRANSLITERATED]}


@functools.lru_cache(maxsize=16)
def _query_tokens(text: str) -> tuple[str, ...]:
    return fuzzy_tokens(text)


# --- the index -----------------------------------------------------------------------------

_PARTS = (NAME, NAME_RU, NAME_ORIGINAL, ACRONYM)
_PART_NUMBER = {part: number for number, part in enumerate(_PARTS)}


def _compact(table: dict[str, list[int]]) -> dict[str, int | list[int]]:
    """Most keys name one item: an int, not a list, saves memory on a large register."""
    return {key: items[0] if type(items) is list and len(items) == 1 else items for key, items in table.items()}


# What `_Memo.read_parts` works out of a Russian or original name part: its keys' item lists,
# its words, its short forms and the item lists of the acronyms made of it (each with whether it is weak).
_Read = tuple[tuple[list[int], ...], tuple[str, ...], tuple[tuple[str, str], ...], tuple[tuple[list[int], bool], ...]]


class _Memo:
    """What `RegisterIndex` works out of a name part's text, once per distinct text (each of its
    words once: `PartWords`): its keys as the lists of items they name (in `keys`, `initials`,
    `russian_keys`), its words."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, list[int]]] = {level: {} for level in _LEVELS}
        self.initials: dict[str, list[int]] = {}  # an acronym made of a name part → items (-item-1: weak)
        self.russian_keys: dict[str, list[int]] = {}  # a Russian name's word keys → items
        self.parts = PartWords()
        self.read: dict[str, _Read] = {}  # by Russian or original name part (`read_parts`)
        self.english: dict[str, bool] = {}  # …whether it is an English name (`translation.english_name`)
        self._acronyms: dict[str, tuple[list[int], ...]] = {}
        self._russian: dict[str, tuple[str, tuple[list[int], ...]]] = {}

    def _lists(self, keys: Iterable[tuple[str, Iterable[str]]]) -> tuple[list[int], ...]:
        lists = []
        for level, found in keys:
            table = self.keys[level]
            for key in found:
                items = table.get(key)
                if items is None:
                    items = table[key] = []
                lists.append(items)
        return tuple(lists)

    def add_whole(self, keys: _Stored, item: int) -> None:
        """A whole published name's keys (`_whole_name`) name `item`. Most name it alone: a new
        key holds the item itself, not a list (after `read_parts`, whose keys all have lists)."""
        for level, found in keys:
            table = self.keys[level]
            for key in found:
                items = table.get(key)
                if items is None:
                    table[key] = item  # type: ignore[assignment]
                elif isinstance(items, int):
                    table[key] = [items, item]
                else:
                    items.append(item)

    def read_parts(self, entries: list[Entry]) -> None:
        """Every Russian and original name part's keys, words, short forms and language (in
        `read`, `english`), each text once, before the entries' items are added (as a forked
        child reads the whole names)."""
        parts, read, english, initials = self.parts, self.read, self.english, self.initials
        for text in dict.fromkeys(chain.from_iterable(chain(e.name_ru, e.name_original) for e in entries)):
            keys, words, made, english[text] = parts.read(text)
            read[text] = (self._lists(_stored(keys)), words, short_forms(text, _is_country),
                          tuple((_items(initials, form), weak) for form, weak in made))

    def acronym(self, text: str) -> tuple[list[int], ...]:
        found = self._acronyms.get(text)
        if found is None:
            found = self._acronyms[text] = self._lists(acronym_keys(text, lookalikes=True).items())
        return found

    def russian(self, text: str) -> tuple[str, tuple[list[int], ...]]:
        """A Russian name's words a translation must meet, joined by spaces, and their keys' item lists."""
        found = self._russian.get(text)
        if found is None:
            words = self.parts.russian(text)
            keys = {key for word in words for key in word_keys(word)}
            found = self._russian[text] = (" ".join(words), tuple(_items(self.russian_keys, key) for key in keys))
        return found


_Stored = tuple[tuple[str, tuple[str, ...]], ...]  # a name part's stored keys, by level


def _whole_name(parts: PartWords, text: str, country: str) -> tuple[_Stored, tuple[str, ...]]:
    """A whole published name's stored keys (`_stored`), and the words the fuzzy level compares
    of it: without its country, which no one types with a name («…(Фонд «Свободная Россия»)
    (США)»), when it prints one."""
    keys, words = parts.name(text)
    if country:
        words = parts.tokens_without(text, country, words)
    return tuple(_stored(keys)), words


def _whole_names(entries: list[Entry]) -> list[tuple[_Stored, tuple[str, ...]]]:
    """`_whole_name` of each entry's name, in order (what a forked child works out)."""
    parts = PartWords()
    return [_whole_name(parts, entry.name, entry.country) for entry in entries]


def _stored(keys: dict[str, tuple[str, ...]]) -> Iterable[tuple[str, tuple[str, ...]]]:
    """The keys of a name part the index stores (of `keys`, a dict made for it, which loses its
    exact key so: each of 200 000 name parts once): its exact key only when it has no folded one
    (a name of fewer than three letters); any other is found printed as the query is under its
    fold (`RegisterIndex._exact`), not under its whole text too."""
    if keys[FOLDED]:
        del keys[EXACT]
    return keys.items()


def _items(table: dict[str, list[int]], key: str) -> list[int]:
    found = table.get(key)
    if found is None:
        found = table[key] = []
    return found


def _items_of(found: int | list[int] | None) -> list[int]:
    return [] if found is None else [found] if isinstance(found, int) else found


def _is_country(text: str) -> bool:
    """«Нидерланды», «The Netherlands»: a country, not a name (a half of «IWPR/ The Netherlands»)."""
    plain = re.sub(r"^(?:the|The)\s+", "", text.strip())
    return bool(country_code(plain)) or plain in _LATIN_COUNTRIES


# The countries the register's Latin names end with after a slash or a comma.
_LATIN_COUNTRIES = frozenset(["Netherlands", "United States", "USA", "Germany", "France", "United Kingdom",
                              "Czech Republic", "Poland", "Lithuania", "Latvia", "Estonia", "Ukraine"])


_Unmet = tuple[int, list[str], list[str]]  # item, query words and name words not met (match keys)


@dataclass(frozen=True)
class _Met:
    """How a fuzzy candidate with every query word met it: its item, the name's words left
    unmet, whether the query meets the head of the name, whether the name's unmet words are all
    generic, and the short form it was (HALF, WITHOUT_GIVEN_NAME) with its text."""

    item: int
    absent: tuple[str, ...]  # the name's words not met (match keys)
    head: bool
    absent_generic: bool
    exact: bool  # every query word is a word of the name as it is, not an inflection or a typo
    short_form: str = ""
    form: str = ""  # the short form's text


class RegisterIndex:
    """Every entry's name parts under their keys, and their words for fuzzy scoring. Items
    (one per name part) are kept in parallel arrays: a 100 000-entry register has 400 000.
    To check several registers apart, build one index per register."""

    def __init__(self, entries: Iterable[Entry],
                 alias_sources: Mapping[tuple[str, str], str] | None = None) -> None:
        """`alias_sources`: (entry_id, name) → where a name the register does not print comes
        from (an announcement's URL, or a known name's source: see
        pipelines.announcements.articles.with_aliases)."""
        self.entries: list[Entry] = list(entries)
        self._alias_sources = dict(alias_sources or {})
        self._entry_of = array("I")  # item → position in self.entries
        self._part_of = bytearray()  # item → position in _PARTS
        self._text_of: list[str] = []  # item → the part as published (the entry's own string)
        self._short_of: dict[int, tuple[str, str]] = {}  # item → (short form kind, published part)
        self._keys: dict[str, dict[str, int | list[int]]] = {level: {} for level in _LEVELS}
        self._initials: dict[str, int | list[int]] = {}  # an acronym made of a name part → items (-item-1: weak)
        self._russian: dict[str, int | list[int]] = {}  # a Russian name's word keys → items
        # …and its words (`russian_words`, joined by spaces), folded once here rather than per query
        self._russian_words: dict[int, str] = {}
        self._scorer = TokenScorer()
        # The build makes millions of small lists and tuples, none of them in a cycle: the cyclic
        # garbage collector would walk them all again and again for nothing.
        with collector.paused():
            self._build(_Memo())
            self._scorer.freeze()

    def _build(self, memo: _Memo) -> None:
        """Every entry's items, keys and words. What depends only on a part's text (its keys'
        lists of items, its words) is worked out once per distinct text, before the items are
        added (`_read_names`): a large register repeats its Russian names. The lists are made
        compact once at the end."""
        wholes = self._read_names(memo)
        entry_of, part_of, text_of, russian_words = self._entry_of, self._part_of, self._text_of, self._russian_words
        read, english, numbers = memo.read, memo.english, _PART_NUMBER
        words_of: list[tuple[str, ...]] = []  # by item, for the scorer (an acronym has none)
        owner_of = array("I")  # by item, its entry's position
        for position, entry in enumerate(self.entries):
            parts = dict.fromkeys(name_parts(entry))
            # an entry whose English name is printed is not found by a translation of its Russian one
            translated = not any(map(english.__getitem__, entry.name_original))
            for part, text in parts:
                item = len(text_of)
                entry_of.append(position)
                part_of.append(numbers[part])
                text_of.append(text)
                owner_of.append(position)
                if part == ACRONYM:  # an acronym matches only as an acronym: «ФРЕ» is not «Free Belarus»
                    for items in memo.acronym(text):
                        items.append(item)
                    words_of.append(())
                    continue
                if part == NAME:
                    keys, words = wholes[position] if wholes else _whole_name(memo.parts, text, entry.country)
                    memo.add_whole(keys, item)
                    words_of.append(words)
                    continue
                found, words, forms, made = read[text]
                for items in found:
                    items.append(item)
                words_of.append(words)
                for items, weak in made:
                    items.append(-item - 1 if weak else item)  # a weak one negative
                if part == NAME_RU and translated:
                    russian_words[item], found = memo.russian(text)
                    for items in found:
                        items.append(item)
                for kind, form in forms:  # scored word by word only: listed when unrivalled (_short_form_rule)
                    self._short_of[self._new_item(position, part, form)] = (kind, text)
                    words_of.append(fuzzy_tokens(form))
                    owner_of.append(position)
        self._scorer.add_names(words_of, owner_of)
        self._keys = {level: _compact(table) for level, table in memo.keys.items()}
        self._initials, self._russian = _compact(memo.initials), _compact(memo.russian_keys)

    def _read_names(self, memo: _Memo) -> list[tuple[_Stored, tuple[str, ...]]] | None:
        """Every Russian and original name part read into `memo`; and, for a big register, every
        entry's whole published name (`_whole_names`) read meanwhile in a forked child (the
        machine has two cores); None when this process reads them itself, as it adds them."""
        child = (forked.started(functools.partial(_whole_names, self.entries), "reading the register's names")
                 if len(self.entries) >= FORK_ENTRIES else None)
        try:
            memo.read_parts(self.entries)
            return child.result() if child else None
        except forked.ChildDied as died:  # a child killed (out of memory?) loses nothing: read them here
            log.warning("%s; the index reads them itself", died)
            return None
        finally:
            if child:
                child.close()

    def __len__(self) -> int:
        return len(self.entries)

    def state(self) -> dict[str, object]:
        """The index but its entries as plain data, for pipelines.publish.name_index to store:
        every attribute the constructor builds (one added later is stored too), arrays as bytes."""
        found: dict[str, object] = {}
        for name, value in vars(self).items():
            if name != "entries":
                found[name] = (value.state() if isinstance(value, TokenScorer) else
                               value.tobytes() if isinstance(value, array) else
                               bytes(value) if isinstance(value, bytearray) else value)
        return found

    @classmethod
    def restore(cls, entries: list[Entry], state: dict) -> RegisterIndex:
        """The index of `entries` that `state` describes, without building it again."""
        index = cls.__new__(cls)
        index.entries = entries
        for name, value in state.items():
            if name == "entries":  # the caller's way of naming them
                continue
            if name == "_scorer":
                value = TokenScorer.restore(value)
            elif name == "_entry_of":
                value = unpack_ids(value)
            elif name == "_part_of":
                value = bytearray(value)
            setattr(index, name, value)
        return index

    def _new_item(self, position: int, part: str, text: str) -> int:
        item = len(self._text_of)
        self._entry_of.append(position)
        self._part_of.append(_PART_NUMBER[part])
        self._text_of.append(text)
        return item

    def _words(self, item: int) -> tuple[str, ...]:
        return self._scorer.words(item)

    def check(self, query: str, limit: int = 5,
              false_positives: Collection[tuple[str, str]] = ()) -> Verdict:
        """The verdict on one query (QueryError when empty or too long). `false_positives`:
        (query, entry_id) pairs a person ruled out, compared on the folded query."""
        text = clean_query(query)
        verdict = self._check(text, text, limit, false_positives)
        guess = None if verdict.listed else nominative_guess(text)
        if guess:  # «Медузу», «Международную федерацию…», as a Russian sentence declines them
            in_nominative = self._check(guess, text, limit, false_positives)
            if in_nominative.listed:
                return replace(in_nominative, query=text, explanation=Explained(
                    Phrase.of("check.rule.nominative", name=guess), in_nominative.explanation))
        return verdict

    def _check(self, text: str, asked: str, limit: int, false_positives: Collection[tuple[str, str]]) -> Verdict:
        """The verdict on `text`; a person's rules are for the query as `asked`."""
        fuzzy, rivalled, unmet = self._fuzzy_hits(text)
        candidates = self._key_hits(text) + fuzzy + self._unprinted(text)
        best = [c for c in _best_per_entry(candidates) if c.score >= POSSIBLE_SCORE]
        ruled = {entry_id for q, entry_id in false_positives if fold(q) == fold(asked)}
        kept = [c for c in best if c.entry.entry_id not in ruled]
        dropped = tuple(c for c in best if c.entry.entry_id in ruled)
        listed = bool(kept) and kept[0].score >= LISTED_SCORE and kept[0].entry.status == LISTED
        rule, explanation = _decision(kept, listed, rivalled)
        shown = [self._explained(c, text, unmet) for c in kept[: max(limit, 1)]]
        return Verdict(text, listed, shown, tuple(self._explained(c, text, unmet) for c in dropped),
                       rule, explanation)

    def _candidate(self, item: int, score: float, how: str, rule: str) -> Candidate:
        entry, text = self.entries[self._entry_of[item]], self._text_of[item]
        source = self._alias_sources.get((entry.entry_id, text), "")
        return Candidate(entry, score, text, _PARTS[self._part_of[item]], how, source,
                         RULE_KNOWN_NAME if source and score >= LISTED_SCORE else rule)

    def _key_hits(self, text: str) -> list[Candidate]:
        hows: dict[tuple[str, str], str] = {}  # once per text: a large register prints one part in hundreds
        found = []
        for level, keys in _query_keys(text).items():
            items = (self._exact(text, keys) if level == EXACT
                     else (item for key in keys for item in _items_of(self._keys[level].get(key))))
            for item in items:
                matched = self._text_of[item]
                if (level, matched) not in hows:
                    hows[level, matched] = _explain(level, text, matched)
                found.append(self._candidate(item, _LEVEL_SCORES[level], hows[level, matched], level))
        return found

    def _exact(self, text: str, keys: tuple[str, ...]) -> list[int]:
        """The name parts printed as the query is (`keys`: its exact key), in order: a short one under
        that key, any other under its fold (see `_stored`)."""
        printed = keys[0]
        folded = _query_keys(text)[FOLDED]
        found = [item for item in _items_of(self._keys[FOLDED].get(folded[0]))
                 if normalise_whitespace(self._text_of[item]) == printed] if folded else []
        return sorted(_items_of(self._keys[EXACT].get(printed)) + found)

    def _unprinted(self, text: str) -> list[Candidate]:
        """An acronym made of one entry's name part (`initials`), or a translation of one entry's
        Russian name (`pipelines.matching.translation`): listed just above the line
        (SHORT_FORM_SCORE) when no other entry has it; any key level outranks it."""
        found = []
        if typed_acronym(text):
            found.append((_items_of(self._initials.get(text)), RULE_INITIALS))
        english = english_words(text)
        if english:
            found.append((self._translations_of(english), RULE_TRANSLATION))
        candidates = []
        for items, rule in found:
            strong, weak = sorted(i for i in items if i >= 0), sorted(-i - 1 for i in items if i < 0)
            if len({self._entry_of[item] for item in strong + weak}) != 1:
                continue
            item = (strong or weak)[0]
            how = Explained(Phrase.of("match.how." + rule, form=self._text_of[item]))
            candidates.append(self._candidate(item, SHORT_FORM_SCORE if strong else NEAR_MISS_MAX, how,
                                              rule if strong else RULE_NEAR_MISS))
        return candidates

    def _translations_of(self, english: tuple[str, ...]) -> list[int]:
        """The Russian name parts whose words the English words translate one to one, among
        those that have the query's rarest word (none when even that is in too many names)."""
        postings = [[_items_of(self._russian.get(key)) for key in translation_keys(word)] for word in english]
        rarest = min(postings, key=lambda lists: sum(map(len, lists)))
        if sum(map(len, rarest)) > _MAX_TRANSLATED:
            return []
        words = self._russian_words
        met = {text: translates(english, text.split()) for text in {words[item] for items in rarest for item in items}}
        return [item for item in sorted({item for items in rarest for item in items}) if met[words[item]]]

    def _fuzzy_hits(self, text: str) -> tuple[list[Candidate], tuple[Candidate, ...], dict[int, _Unmet]]:
        """The fuzzy candidates, a short form of the query promoted when one rule allows it;
        the entries that rival it (every query word in each: none is promoted); and, by
        candidate, the words left unmet, to explain the few candidates shown (`_explained`)."""
        query = _query_tokens(text)
        met, found = self._scorer.best(query, at_least=POSSIBLE_SCORE)
        distinctive = self._distinctive(query)
        hits: list[tuple[Candidate, _Met | None]] = []
        unmet: dict[int, _Unmet] = {}
        needed = set(query) - OPTIONAL_WORDS
        for item, score, extra, absent in found:
            # a weaker candidate is shown only when it has every query word (then it is a
            # possible match at least)
            if score < POSSIBLE_SCORE and (extra or not distinctive):
                continue
            short = self._short_of.get(item)
            score = min(max(score, POSSIBLE_SCORE), NEAR_MISS_MAX if short else MAX_FUZZY_SCORE)
            candidate = self._candidate(item, score, "", RULE_FUZZY if score >= LISTED_SCORE else RULE_NEAR_MISS)
            if short:  # a short form is shown as the name part the register prints, the form in `how`
                candidate = replace(candidate, matched_on=short[1])
            cover = None
            if not extra:
                words = self._words(item)
                cover = _Met(item, tuple(absent), self._scorer.head_met(query, words, met),
                             all(self._scorer.is_generic(word) for word in absent),
                             needed <= set(words),
                             short[0] if short else "", self._text_of[item] if short else "")
            hits.append((candidate, cover))
            unmet[id(candidate)] = (item, extra, absent)
        candidates, rivalled = self._promoted(query, hits)
        return candidates, rivalled, unmet

    def _explained(self, candidate: Candidate, text: str, unmet: dict[int, _Unmet]) -> Candidate:
        """A fuzzy candidate with its `how`: the words unmet, as typed and as printed."""
        if candidate.how or id(candidate) not in unmet:
            return candidate
        item, extra, absent = unmet[id(candidate)]
        return replace(candidate, how=Explained(Phrase.of("match.how.fuzzy", score=f"{candidate.score:.0f}"), explain(
            list(_as_typed(extra, text)), list(_as_typed(absent, self._text_of[item])))))

    def _distinctive(self, query: tuple[str, ...]) -> bool:
        """A query with a word that is not generic, and no legal form of its own (a «GmbH»
        typed names that company, not the «Stiftung GmbH» beside it)."""
        words = set(query)
        return (any(not self._scorer.is_generic(word) for word in words)
                and not words & _LEGAL_FORM_TOKENS)

    def _promoted(self, query: tuple[str, ...], hits: list[tuple[Candidate, _Met | None]]
                  ) -> tuple[list[Candidate], tuple[Candidate, ...]]:
        """Every query word in one entry only, the head of its name or all its distinctive
        words, or a short form of it: that entry is listed (SHORT_FORM_SCORE), saying why."""
        whole = [(c, cover) for c, cover in hits if cover]
        owners = {c.entry.entry_id for c, _ in whole}
        candidates = [c for c, _ in hits]
        if not whole or not self._distinctive(query):
            return candidates, ()
        if len(owners) > 1:
            return candidates, tuple(_best_per_entry([c for c, _ in whole]))
        found = next(((c, cover, rule) for c, cover in whole if c.score < LISTED_SCORE
                      and (rule := _short_form_rule(cover))), None)
        if found is None:
            return candidates, ()
        candidate, cover, rule = found
        why = (Phrase.of("match.how.short_form." + cover.short_form, form=cover.form)
               if rule == RULE_SHORT_FORM else Phrase.of("match.how." + rule, words=" ".join(
                   _as_typed(list(cover.absent), self._text_of[cover.item]))))
        promoted = replace(candidate, score=SHORT_FORM_SCORE, how=Explained(why), rule=rule)
        return [promoted if c is candidate else c for c in candidates], ()


_LEGAL_FORM_TOKENS = frozenset(transliterate(word) for word in LEGAL_FORM_WORDS) - {"the", "as", "sa", "ab"}


def _short_form_rule(cover: _Met) -> str:
    """The rule that makes a candidate with every query word listed, or ""."""
    if cover.short_form:
        return RULE_SHORT_FORM if not cover.absent else ""
    if not cover.exact:  # «American Council on Education» is not «American Councils for …»
        return ""
    if cover.head:
        return RULE_LEADING
    return RULE_DISTINCTIVE if cover.absent_generic else ""


def _as_typed(tokens: list[str], text: str) -> tuple[str, ...]:
    """The words of `text` (as written there) whose fuzzy tokens are `tokens`: an explanation
    shows «Ingénieurs» and «Проект», not the keys «ingeneurs», «prokt»."""
    if not tokens:
        return ()
    wanted, found = set(tokens), dict[str, str]()
    for word in re.findall(r"[^\W_][\w'’.-]*", text):
        for token in fuzzy_tokens(word):
            if token in wanted:
                found.setdefault(token, word.strip(".-'’"))
        if len(found) == len(wanted):  # each written as first seen: the rest of a long name is not folded
            break
    return tuple(dict.fromkeys(found.get(token, token) for token in tokens))


def _decision(kept: list[Candidate], listed: bool, rivalled: tuple[Candidate, ...]) -> tuple[str, str]:
    """The rule that decided the verdict, and its explanation (catalog phrases check.rule.*)."""
    if not kept:
        return RULE_NOTHING, Explained(Phrase.of("check.rule." + RULE_NOTHING))
    best = kept[0]
    if listed:
        rule = best.rule or RULE_FUZZY
        values = {"matched": best.matched_on, "source": best.alias_source}
    elif best.score >= LISTED_SCORE:
        rule, values = RULE_EXCLUDED, {"day": best.entry.excluded_on or "?"}
    elif len(rivalled) > 1:
        rule, values = RULE_RIVALLED, {"numbers": ", ".join(f"№{c.entry.number}" for c in rivalled)}
    else:
        rule, values = RULE_NEAR_MISS, {}
    return rule, Explained(Phrase.of("check.rule." + rule, **values))


def _best_per_entry(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per entry (its best; the earlier on a tie), best first; on equal
    scores a listed entry before an excluded one."""
    best: dict[tuple[str, int], Candidate] = {}
    for candidate in candidates:
        key = (candidate.entry.entry_id, candidate.entry.number)
        if key not in best or candidate.score > best[key].score:
            best[key] = candidate
    return sorted(best.values(), key=lambda c: (-c.score, c.entry.status != LISTED, c.entry.number,
                                                c.entry.entry_id))


# --- explanations ----------------------------------------------------------------------------

_FOLDINGS = ("case", "diacritics", "punctuation", "look-alike letters", "legal form", "spacing")
# A candidate's `how` is English text made of catalog phrases (pipelines/i18n: match.how.*,
# match.folding.*), so a page can say it in Russian too.
_DIGIT_IN_WORD = re.compile(r"[^\W\d_]3[^\W\d_]")


def _has_marks(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", text)) or "ё" in text.lower()


def _mixes_scripts(text: str) -> bool:
    """Latin and Cyrillic letters in one word, or a 3 for a З."""
    return any(LATIN_LETTER.search(word) and CYRILLIC_LETTER.search(word)
               for word in text.split()) or bool(_DIGIT_IN_WORD.search(text))


def _capitals(text: str, words: set[str]) -> list[tuple[bool, ...]]:
    """Which letters are capitals, in the words of `text` whose fold is among `words`."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return [tuple(map(str.isupper, word)) for word in re.findall(r"\w+", plain) if fold(word) in words]


def _set_aside(query: str, matched: str) -> list[str]:
    """The differences between a query and the published text whose folds met."""
    shared = set(fold(query).split())
    differs = (_capitals(query, shared) != _capitals(matched, shared),
               _has_marks(query) != _has_marks(matched),
               re.findall(r"[^\w\s]", query) != re.findall(r"[^\w\s]", matched),
               _mixes_scripts(query) or _mixes_scripts(matched),
               fold(query) != fold(matched))
    return [step for step, differ in zip(_FOLDINGS, differs) if differ] or ["spacing"]


def _explain(level: str, query: str, matched: str) -> str:
    """What had to be set aside for the query to meet the published text."""
    if level == "folded":
        foldings = tuple(Phrase.of("match.folding." + re.sub("[ -]", "_", step))
                         for step in _set_aside(query, matched))
        return Explained(Phrase.of("match.how.folded", foldings=foldings))
    return Explained(Phrase.of(f"match.how.{level}"))


def verdict_record(verdict: Verdict) -> dict[str, object]:
    """The verdict as JSON-ready data (`regwatch check --json`, the web API): `rule`, the stable
    id of the rule that decided it (RULE_*), and `explanation`, that rule in words; each match
    also says which `part` matched, `how` and by which `rule`, and `alias_source`: where a
    name the register does not print comes from ("" otherwise)."""
    return {"query": verdict.query, "listed": verdict.listed, "rule": verdict.rule,
            "explanation": str(verdict.explanation), "matches": [
        {"entry_id": c.entry.entry_id, "number": c.entry.number, "name": c.entry.name,
         "status": c.entry.status, "designated_on": c.entry.designated_on,
         "listed_on": c.entry.listed_on, "score": round(c.score, 1), "matched_on": c.matched_on,
         "part": c.part, "how": c.how, "rule": c.rule, "alias_source": c.alias_source}
        for c in verdict.matches]}
