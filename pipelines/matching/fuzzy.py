"""Fuzzy scoring of a query against many names, word by word, words weighted by rarity. Pure.

A name is a bag of words: folded, transliterated (`pipelines.matching.keys`), and a few generic
words of the register's languages made one («Stiftung», «Fundacja», «Фонд» are all
«foundation»). A query word meets a name word when they are equal or, for words of four
letters or more, close (rapidfuzz `ratio` ≥ WORD_CUTOFF), for partial credit. A word
weighs its inverse document frequency in the register; function words and legal forms
almost nothing, and they may be missing on either side.

The score is the harmonic mean of the weighted share of the query's words met in the name
and of the name's words met in the query, so that a word too many on either side costs:
«Reporters sans Frontières» shares two rare words of three with «Ingénieurs Sans
Frontières» (67); «Foundation for Democracy and Liberal Values» only generic ones with
«Institute for Democracy and Human Rights». And a name is never more than a near miss
(NEAR_MISS_MAX) while one of its words, or one of the query's, meets no word as the same
word (ratio ≥ STRONG_WORD: a typo, an inflection): «Robert Bosch GmbH» is not «Robert
Bosch Stiftung GmbH», however rare «Robert» and «Bosch» are.

Names are found through an inverted index (word → names) from the query's rarest words,
then only a short list is scored, each name first bounded from the few words it shares with
the query (most are dropped so, unread), so a query costs milliseconds on 100 000 entries.
A word's close spellings in the register are found once, as the index is built, when its
vocabulary is small; else per query, many words in one matrix.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable
from itertools import accumulate, chain, count, groupby, repeat
from operator import add

from rapidfuzz import fuzz, process

from pipelines.i18n.phrase import Explained, Phrase
from pipelines.matching.keys import LEGAL_FORM_WORDS, fold, transliterate

WORD_CUTOFF = 80.0  # rapidfuzz ratio below which two words do not meet at all
STRONG_WORD = 88.0  # …and at or above which they are the same word mistyped or inflected
_STRONG = STRONG_WORD / 100  # …as a similarity (0–1)
NEAR_MISS_MAX = 89.0  # the best score of a name with a word that meets nothing on the other side
_MIN_FUZZY_WORD = 4  # shorter words meet only when equal («fond» ≠ «fund» is done by synonyms)
# A vocabulary up to this size has each long word's neighbours found as the index is built (a
# matrix of its size squared: 0.1 s for the real registers, none for 100 000 distinct names).
_KNOWN_VOCABULARY = 4000
_BATCH_WORDS = 4  # long query words from which their neighbours are found in one matrix (`_meetings`)
SHORTLIST = 40  # names scored precisely per query, out of those sharing its rarest words
_POSTINGS_BUDGET = 20000  # name ids visited per query before the commonest words are skipped
_SUMMED_IN_NUMPY = 4000  # name ids visited from which their sums are made in numpy (`_summed_in_numpy`)
_OPTIONAL_WEIGHT = 0.1
# A vocabulary up to this size has its word numbers sorted as 16-bit ones, by radix: four times
# faster than other numbers (a 100 000-entry register's names hold two million words).
_RADIX_WORDS = 1 << 16
# A word in at least this share of the register's entries says what kind of body a name is,
# not which one («international», «human», «rights» on a register of NGOs).
GENERIC_SHARE = 0.02

# Transliterated function words of English, German, French, Polish, Russian, Ukrainian…,
# and legal forms: they weigh almost nothing and may be missing on either side.
_OPTIONAL = frozenset(
    ["the", "of", "for", "and", "in", "on", "to", "a", "an", "at", "by", "with", "from", "or",
     "der", "die", "das", "den", "dem", "des", "und", "fur", "im", "zu", "von", "mit",
     "le", "la", "les", "de", "du", "et", "pour", "l", "d", "en",
     "i", "v", "vo", "na", "za", "po", "s", "so", "o", "ob", "ot", "dlia", "pri", "imeni", "im", "k",
     "w", "z", "dla", "oraz"]
) | frozenset(transliterate(word) for word in LEGAL_FORM_WORDS)
OPTIONAL_WORDS = _OPTIONAL

# Generic words written differently in the register's languages (after `transliterate`).
_SYNONYMS = {
    word: canonical
    for canonical, words in {
        "foundation": "fund fond fonds fonda stiftung fundacia fundacio fundacion fondation "
                      "fondazione fundatia fundacao",
        "institute": "institut instituta institutet istituto",
        "center": "centre centr tsentr zentrum tsentra centrum",
        "university": "universitat universitet universite universidad universita universitate",
        "association": "asociatia associazione asociacion assoziation asotsiatsia",
        "corporation": "corp",
        "project": "proct prokt",  # «project», «проект» after `transliterate`
    }.items()
    for word in [canonical, *words.split()]
}


def fuzzy_tokens(text: str) -> tuple[str, ...]:
    """The words of a name as the fuzzy level compares them."""
    return folded_tokens(fold(text))


def folded_tokens(folded: str) -> tuple[str, ...]:
    """`fuzzy_tokens` of a name already folded."""
    words = transliterate(folded).split()
    return tuple(map(_SYNONYMS.get, words, words))


# Words that name the kind of body whatever their frequency: the wrapper around a brand
# («Medusa Project», «Amnesty International»), never enough to name an entry alone.
GENERIC_WORDS = frozenset(fuzzy_tokens(
    "foundation institute center university association corporation project media radio international "
    "organisation organization company group network организация компания группа сеть радио медиа "
    "международная международный"))


# Each query word → the register's words it meets, with their similarity (0–1).
Meetings = dict[str, dict[str, float]]
# A query's word weights, and each register word's best similarity to any query word.
_Asked = tuple[dict[str, float], dict[str, float]]
# What `_may_reach` needs of a query: register word number → the query words it meets, with
# their similarity; each query word's weight times its count; their sum; the words to meet.
_Probe = tuple[dict[int, list[tuple[str, float]]], dict[str, float], float, frozenset[str]]
# `_may_reach` sums in another order than `_score`: a name this close to the line is scored.
_SLACK = 1e-6


class TokenScorer:
    """Names as word bags, with an inverted index from word to names and word weights."""

    def __init__(self) -> None:
        """`add_names`, then `freeze`."""
        # word → the names that have it, as bytes until a query needs them
        self._postings: dict[str, array | bytes] = {}
        # Each name's words, in order, as numbers into _spelling (4 bytes a word: a 100 000-entry
        # register's words as tuples of strings would take more than its postings); name i's
        # are _word_ids[_starts[i]:_starts[i + 1]] (an index's acronyms have none).
        self._spelling: list[str] = []
        self._word_ids, self._starts = array("I"), array("I")
        # Until `freeze`: by name, its words and its entry.
        self._added: list[tuple[str, ...]] = []
        self._owner_of = array("I")
        self._owners = 0
        self._weights: dict[str, float] = {}
        self._vocabulary: list[str] = []
        self._ids: dict[str, int] | None = None  # word → its number, made by the first query
        # by a word's length, the vocabulary's words long enough and short enough to meet it (in order)
        self._within: dict[int, list[str]] = {}
        # each long word's `_neighbours`, found once (`freeze`) when the vocabulary is small enough
        self._known: Meetings = {}
        self._unknown_weight = 0.0
        self._generic_weight = 0.0

    def add_names(self, words: list[tuple[str, ...]], owners: array) -> None:
        """Every name's words (name i's are words[i]: an index's acronyms have none) and the
        entry each is a name of (`owners`, by name; an entry's names are added together): a
        word's rarity counts entries."""
        self._added, self._owner_of = words, owners
        self._owners = sum(1 for _ in groupby(owners))

    def _number_words(self) -> None:
        """Every name's words as numbers, all at once (in C): words are numbered in the names' order,
        not a set's, so the vocabulary's order (which of two close spellings that score alike comes
        first) is the same in every process, whatever the hash seed."""
        number: defaultdict[str, int] = defaultdict(count().__next__)  # a word not seen yet: the next number
        self._word_ids = array("I", map(number.__getitem__, chain.from_iterable(self._added)))
        self._spelling = list(number)
        self._starts = array("I", accumulate(map(len, self._added), initial=0))
        self._added = []

    def freeze(self) -> None:
        """Weigh the words, once every name is added."""
        total = max(self._owners, 1)
        self._unknown_weight = math.log(1 + total)
        self._generic_weight = math.log(1 + 1 / GENERIC_SHARE)
        self._number_words()
        names, entries = self._inverted()
        self._weights = {word: self._weight(word, count, total) for word, count in zip(self._spelling, entries)}
        self._postings = dict(zip(self._spelling, names))
        self._vocabulary = list(self._postings)
        if len(self._vocabulary) <= _KNOWN_VOCABULARY:
            self._known = self._matrix([word for word in self._vocabulary if len(word) >= _MIN_FUZZY_WORD])
        self._owner_of = array("I")

    def _inverted(self) -> tuple[list[bytes], list[int]]:
        """By word number, the names that have it (in their order, as an array's bytes: made an
        array by the first query that reads them) and how many entries (a name's owner is its
        entry): sorted in numpy, not appended name by name."""
        import numpy as np

        ids = np.frombuffer(self._word_ids, dtype=np.uint32)
        starts = np.frombuffer(self._starts, dtype=np.uint32)
        names = np.repeat(np.arange(len(starts) - 1, dtype=np.uint32), np.diff(starts))
        # by word, each word's names in their order: a stable sort (by radix for 16-bit numbers)
        order = np.argsort(ids.astype(np.uint16) if len(self._spelling) <= _RADIX_WORDS else ids, kind="stable")
        words, found = ids[order], names[order]
        once = np.ones(len(words), dtype=bool)  # each name once per word
        once[1:] = (words[1:] != words[:-1]) | (found[1:] != found[:-1])
        words, found = words[once], found[once]
        bounds = np.searchsorted(words, np.arange(len(self._spelling) + 1, dtype=np.uint32)).tolist()
        by_word = [found[start:end].tobytes() for start, end in zip(bounds, bounds[1:])]
        # an entry's names are added together: by word, their owners come in order, each run one entry
        owners = np.frombuffer(self._owner_of, dtype=np.uint32)[found]
        first = np.ones(len(owners), dtype=bool)
        first[1:] = (owners[1:] != owners[:-1]) | (words[1:] != words[:-1])
        entries = np.bincount(words[first].astype(np.int64), minlength=len(self._spelling))
        return by_word, entries.tolist()

    def words(self, index: int) -> tuple[str, ...]:
        """The words of name `index`, as added."""
        return tuple(map(self._spelling.__getitem__, self._word_ids[self._starts[index]:self._starts[index + 1]]))

    def state(self) -> dict[str, object]:
        """The frozen scorer as plain data (pipelines.publish.name_index stores it)."""
        return {"postings": {word: found if isinstance(found, bytes) else found.tobytes()
                             for word, found in self._postings.items()},
                "spelling": self._spelling, "word_ids": self._word_ids.tobytes(), "starts": self._starts.tobytes(),
                "weights": self._weights, "unknown": self._unknown_weight, "generic": self._generic_weight,
                "known": self._known}

    @classmethod
    def restore(cls, state: dict) -> TokenScorer:
        """The frozen scorer `state` describes."""
        scorer = cls()
        scorer._postings = dict(state["postings"])
        scorer._vocabulary = list(scorer._postings)
        scorer._spelling = state["spelling"]
        scorer._word_ids, scorer._starts = unpack_ids(state["word_ids"]), unpack_ids(state["starts"])
        scorer._weights, scorer._unknown_weight = state["weights"], state["unknown"]
        scorer._generic_weight, scorer._known = state["generic"], state["known"]
        return scorer

    @staticmethod
    def _weight(word: str, frequency: int, total: int) -> float:
        if word in _OPTIONAL:
            return _OPTIONAL_WEIGHT
        return math.log(1 + total / frequency)

    def weight(self, word: str) -> float:
        return self._weights.get(word, self._unknown_weight)

    def _names(self, word: str) -> array:
        found = self._postings[word]
        if isinstance(found, bytes):
            found = self._postings[word] = unpack_ids(found)
        return found

    def _neighbours(self, word: str) -> dict[str, float]:
        """The register's words that meet this one, with their similarity (0–1)."""
        if len(word) < _MIN_FUZZY_WORD:
            return {word: 1.0} if word in self._postings else {}
        found = process.extract(word, self._lengthwise(len(word)), scorer=fuzz.ratio,
                                score_cutoff=WORD_CUTOFF, limit=None)
        return {choice: score / 100.0 for choice, score, _ in found
                if len(choice) >= _MIN_FUZZY_WORD or choice == word}

    def _lengthwise(self, length: int) -> list[str]:
        """The vocabulary's words of _MIN_FUZZY_WORD letters or more whose length lets them meet a word of
        `length`: `ratio` is at most 200·(the shorter length)/(the sum of the lengths), so at 80 neither
        is more than half again as long as the other (with a point's slack for rounding)."""
        found = self._within.get(length)
        if found is None:
            found = self._within[length] = [
                word for word in self._vocabulary if len(word) >= _MIN_FUZZY_WORD
                and 200 * min(len(word), length) + (len(word) + length) >= WORD_CUTOFF * (len(word) + length)]
        return found

    def _meetings(self, query: tuple[str, ...]) -> Meetings:
        """Each query word's `_neighbours`: a word of the register's vocabulary has them in the
        index (`_known`); many other long words (a published name pasted whole) are compared
        with the vocabulary in one matrix, in C."""
        words = list(dict.fromkeys(query))  # in the query's order: ties break the same way under any hash seed
        unknown = [word for word in words if len(word) >= _MIN_FUZZY_WORD and word not in self._known]
        found = self._matrix(unknown) if len(unknown) >= _BATCH_WORDS else {}
        return {word: self._known[word] if word in self._known else found[word] if word in found
                else self._neighbours(word) for word in words}

    def _matrix(self, batch: list[str]) -> Meetings:
        """`_neighbours` of each of these long words, found in one matrix."""
        from numpy import float32, nonzero  # only here: `regwatch check` of a short name starts without it

        found: dict[str, list[tuple[float, int, str]]] = {word: [] for word in batch}
        # a little below the cut-off, in single precision: each pair is scored again as `_neighbours` does
        matrix = process.cdist(batch, self._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF - 0.5,
                               dtype=float32)
        for row, column in zip(*(axis.tolist() for axis in nonzero(matrix))):
            word, choice = batch[row], self._vocabulary[column]
            score = fuzz.ratio(word, choice, score_cutoff=WORD_CUTOFF)
            if score and (len(choice) >= _MIN_FUZZY_WORD or choice == word):
                found[word].append((-score, column, choice))
        # in `process.extract`'s order: best first, then as in the vocabulary
        return {word: {choice: -score / 100.0 for score, _, choice in sorted(pairs)} for word, pairs in found.items()}

    def _shortlist(self, met: Meetings) -> list[int]:
        """The names sharing the query's rarest words, by the weight they share (first seen
        first on a tie)."""
        gains = [(self.weight(choice) * similarity, choice)
                 for neighbours in met.values() for choice, similarity in neighbours.items()]
        gains.sort(key=lambda pair: len(self._names(pair[1])))  # rarest first
        visits: list[tuple[float, array]] = []
        visited = 0
        for gain, choice in gains:
            names = self._names(choice)
            if visited and visited + len(names) > _POSTINGS_BUDGET:
                break
            visited += len(names)
            visits.append((gain, names))
        if visited >= _SUMMED_IN_NUMPY:
            return _summed_in_numpy(visits)
        shared: dict[int, float] = {}
        for gain, names in visits:
            # shared[index] += gain for each name (a word names each once), in C
            shared.update(zip(names, map(add, map(shared.get, names, repeat(0.0)), repeat(gain))))
        # heapq.nlargest's answer (the earlier name on a tie), but sorted in C: its loop is Python's
        return sorted(shared, key=shared.__getitem__, reverse=True)[:SHORTLIST]

    def _query_weight(self, word: str, neighbours: dict[str, float]) -> float:
        """A word unknown to the register weighs as the word it resembles most, if any:
        «fundation» is as common as «foundation»."""
        if word in self._weights or not neighbours:
            return self.weight(word)
        return self.weight(max(neighbours, key=neighbours.__getitem__))

    @staticmethod
    def _coverage(words: Iterable[str], weights: Iterable[float], bests: Iterable[float]) -> tuple[float, list[str]]:
        """Words, their weights and their best similarities on the other side → the weighted
        share of the words met, and those that meet no word as the same word (optional words aside)."""
        total = found = 0.0
        missing = []
        strong, optional = _STRONG, _OPTIONAL  # locals: this loop reads every word of every name scored
        for word, weight, best in zip(words, weights, bests):
            total += weight
            found += weight * best
            if best < strong and word not in optional:
                missing.append(word)
        return (found / total if total else 0.0), missing

    def score(self, query: tuple[str, ...], index: int, met: Meetings,
              asked: _Asked | None = None) -> tuple[float, list[str], list[str]]:
        """0–100, the query's words that meet no word of the name and the name's words that
        meet none of the query's. A name is more than a near miss only when every word on
        each side meets the same word on the other. `asked`: what `_asked` knows of the query."""
        asked = asked or self._asked(query, met)
        probe = self._probe(query, met, asked)
        found = self._score(query, index, asked, self._bests(index, probe), 0.0)
        assert found is not None  # nothing is below 0
        return found

    def _score(self, query: tuple[str, ...], index: int, asked: _Asked, bests: dict[str, float],
               at_least: float) -> tuple[float, list[str], list[str]] | None:
        """`score`, or None as soon as the name can neither reach `at_least` nor meet every
        query word (`best` would drop it). `bests`: each query word's best similarity in the name."""
        weights, reach = asked
        precision, extra = self._coverage(query, map(weights.__getitem__, query), map(bests.get, query, repeat(0.0)))
        if extra and 200 * precision / (precision + 1) < at_least:  # the best a perfect recall gives
            return None
        name = self.words(index)
        recall, absent = self._coverage(name, map(self._weights.__getitem__, name), map(reach.get, name, repeat(0.0)))
        score = 0.0 if not precision + recall else 200 * precision * recall / (precision + recall)
        if extra or absent:
            score = min(score, NEAR_MISS_MAX)
        return score, extra, absent

    def _asked(self, query: tuple[str, ...], met: Meetings) -> _Asked:
        """What every name's score needs of the query, worked out once: each query word's
        weight, and each register word's best similarity to any query word."""
        reach: dict[str, float] = {}
        for neighbours in met.values():
            for word, similarity in neighbours.items():
                if similarity > reach.get(word, 0.0):
                    reach[word] = similarity
        return {word: self._query_weight(word, met[word]) for word in dict.fromkeys(query)}, reach

    def _probe(self, query: tuple[str, ...], met: Meetings, asked: _Asked) -> _Probe:
        """What `_may_reach` needs of the query, worked out once."""
        if self._ids is None:
            self._ids = dict(zip(self._spelling, range(len(self._spelling))))
        ids, weights = self._ids, asked[0]
        meets: dict[int, list[tuple[str, float]]] = {}
        for word, neighbours in met.items():
            for choice, similarity in neighbours.items():
                meets.setdefault(ids[choice], []).append((word, similarity))
        mass = {word: weights[word] * query.count(word) for word in weights}
        return meets, mass, sum(mass.values()), frozenset(weights) - _OPTIONAL

    def _bests(self, index: int, probe: _Probe) -> dict[str, float]:
        """Each query word's best similarity to a word of name `index` (none: not met), from the
        name's words the query meets: a row of the extremist list names two hundred."""
        meets = probe[0]
        best: dict[str, float] = {}
        for number in set(self._word_ids[self._starts[index]:self._starts[index + 1]]).intersection(meets):
            for word, similarity in meets[number]:
                if similarity > best.get(word, 0.0):
                    best[word] = similarity
        return best

    @staticmethod
    def _may_reach(best: dict[str, float], probe: _Probe, at_least: float) -> bool:
        """False when `_score` would drop the name (a query word unmet, and too few met to
        reach `at_least`): most of a short list is dropped so, before a long name is read word by word."""
        _, mass, total, needed = probe
        # (fewer words met than needed: most names of a short list, told without a set)
        if len(needed) <= len(best) and needed <= {word for word, similarity in best.items() if similarity >= _STRONG}:
            return True
        precision = sum(mass[word] * similarity for word, similarity in best.items()) / total if total else 0.0
        return 200 * precision / (precision + 1) >= at_least - _SLACK

    def is_generic(self, word: str) -> bool:
        """A function word, a legal form, a word for a kind of body, or one that many entries share."""
        return word in _OPTIONAL or word in GENERIC_WORDS or self.weight(word) < self._generic_weight

    @staticmethod
    def head_met(query: tuple[str, ...], words: tuple[str, ...], met: Meetings) -> bool:
        """Whether the name words (`words`) the query meets are the name's first words (function
        words and legal forms aside): «National Democratic Institute» of «… for International Affairs»."""
        name = [word for word in words if word not in _OPTIONAL]
        strong = {word for q in set(query) for word, similarity in met[q].items() if similarity >= _STRONG}
        hit = [word in strong for word in name]
        count = sum(hit)
        return 0 < count < len(name) and all(hit[:count])

    def best(self, query: tuple[str, ...], limit: int = SHORTLIST,
             at_least: float = 0.0) -> tuple[Meetings, list[tuple[int, float, list[str], list[str]]]]:
        """The query's meetings, and (name index, score, query words not met, name words not met)
        of the best-scoring names, best first, that score above 0 and at least `at_least`, or
        that meet every query word (an entry with all the words is always a candidate)."""
        if not query:
            return {}, []
        met = self._meetings(query)
        asked = self._asked(query, met)
        probe = self._probe(query, met, asked)
        scored = [(index, *found) for index in self._shortlist(met)
                  if self._may_reach(bests := self._bests(index, probe), probe, at_least)
                  and (found := self._score(query, index, asked, bests, at_least)) is not None]
        scored.sort(key=lambda found: -found[1])
        return met, [(index, score, extra, absent) for index, score, extra, absent in scored[:limit]
                     if score > 0 and (score >= at_least or not extra)]


def _summed_in_numpy(visits: list[tuple[float, array]]) -> list[int]:
    """`_shortlist`'s sums and order, for a query whose words name thousands: each name's
    gains added in the same order (bincount adds them one by one), the same ties."""
    import numpy as np

    names = np.concatenate([np.frombuffer(found, dtype=np.uint32) for _, found in visits])
    gains = np.repeat([gain for gain, _ in visits], [len(found) for _, found in visits])
    unique, first, inverse = np.unique(names, return_index=True, return_inverse=True)
    shared = np.bincount(inverse, weights=gains)
    # the largest sums first, a tie by when the name was first met (`_shortlist`'s order)
    order = np.lexsort((first, -shared))[:SHORTLIST]
    return unique[order].tolist()


def unpack_ids(data: bytes) -> array:
    """Numbers stored as an array's bytes (`array.tobytes`), as an array again."""
    found = array("I")
    found.frombytes(data)
    return found


def explain(extra: list[str], absent: list[str]) -> Explained:
    """What kept the name from meeting the query word for word (nothing when nothing did);
    `extra` and `absent` are the words as the person typed them and as the register prints them."""
    unmet = [Phrase.of(msgid, words=" ".join(dict.fromkeys(words)))
             for msgid, words in (("match.how.extra_words", extra), ("match.how.absent_words", absent)) if words]
    return Explained(*unmet)
