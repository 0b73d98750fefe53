"""The check's shortcuts give the answers of the long way, on every real row of the register:
neighbours found in one matrix, names dropped from their bound before they are scored,
people not looked for in a query too long to name one."""

from __future__ import annotations

import json
import math
from array import array
from types import SimpleNamespace

import pytest
from rapidfuzz import fuzz, process

from pipelines.matching.fuzzy import WORD_CUTOFF, TokenScorer, fuzzy_tokens
from pipelines.matching.index import POSSIBLE_SCORE, RegisterIndex
from pipelines.matching.persons import PersonIndex, _match_typed, typed_words
from pipelines.register.normalise import normalise_rows
from tests.conftest import SHARED
from tests.test_normalise import combined_rows


def _typos(words: tuple[str, ...]) -> tuple[str, ...]:
    """Every other long word mistyped: its last letter doubled, or its last two swapped."""
    return tuple(w[:-2] + w[-1] + w[-2] if i % 4 == 1 and len(w) > 3 else w + w[-1] if i % 4 == 3 else w
                 for i, w in enumerate(words))


@pytest.fixture(scope="module")
def scorer() -> TokenScorer:
    return RegisterIndex(normalise_rows(combined_rows())[0])._scorer


@pytest.fixture(scope="module")
def queries(scorer: TokenScorer) -> list[tuple[str, ...]]:
    """Each name the register prints (the longest have forty words), as printed and mistyped."""
    names = sorted({scorer.words(i) for i in range(0, len(scorer._starts) - 1, 7)} - {()})
    return [q for name in names for q in (name, _typos(name), name[:3], name[-4:])]


def test_the_matrices_find_each_words_neighbours_in_the_same_order(scorer, queries):
    unknown = [q for q in queries if len({w for w in q if len(w) >= 4} - set(scorer._known)) >= 4]
    assert len(unknown) > 30 and len(scorer._known) > 1000  # both matrices were used: the index's, the query's
    for query in queries:
        one_by_one = {word: scorer._neighbours(word) for word in dict.fromkeys(query)}
        assert [(w, list(n.items())) for w, n in scorer._meetings(query).items()] == \
               [(w, list(n.items())) for w, n in one_by_one.items()], query


def test_a_word_is_compared_only_with_the_words_whose_length_can_meet_it(scorer, queries):
    words = sorted({w for q in queries for w in (*q, *_typos(q), *(w[:-1] for w in q)) if len(w) >= 4})
    for word in words:
        whole = process.extract(word, scorer._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None)
        assert list(scorer._neighbours(word).items()) == [
            (choice, score / 100.0) for choice, score, _ in whole if len(choice) >= 4], word
    assert len(words) > 500 and min(map(len, scorer._within.values())) < len(scorer._vocabulary) / 4


def test_a_name_dropped_by_its_bound_is_one_the_score_drops(scorer, queries):
    kept = dropped = 0
    for query in queries:
        met = scorer._meetings(query)
        asked = scorer._asked(query, met)
        probe = scorer._probe(query, met, asked)
        for index in scorer._shortlist(met):
            bests = scorer._bests(index, probe)
            exact = scorer._score(query, index, asked, bests, POSSIBLE_SCORE)
            if scorer._may_reach(bests, probe, POSSIBLE_SCORE):
                kept += 1
            else:
                dropped += 1
                assert exact is None, (query, scorer.words(index))
    assert kept and dropped > kept  # most of a short list is dropped unscored


def test_people_are_looked_for_only_in_a_query_that_could_name_one():
    mirror = SHARED / "data" / "ru_registries_mirror" / "minjust_foreign_agents_2026-07-31.json"
    people = [SimpleNamespace(name=e["name"], entity_type="person")
              for e in json.loads(mirror.read_text(encoding="utf-8"))["entries"] if e["kind"] == "person"]
    index = PersonIndex(people)
    names = [p.name for p in people[::25]]
    long = " ".join(names[:4])  # more words than any person's name
    for query in [*names, long, "Шульман Екатерина", "Ekaterina Schulmann", "Фонд «Свободная Россия»"]:
        typed = typed_words(query)
        slow = [(e, m) for e, person in index._people if (m := _match_typed(typed, person))]
        assert index.find(query) == sorted(slow, key=lambda pair: not pair[1].exact)
    assert index.find(names[0]) and not index.find(long)
    assert PersonIndex(()).find(names[0]) == []


def test_a_scorer_restored_from_its_state_answers_alike(scorer, queries):
    restored = TokenScorer.restore(scorer.state())
    for query in queries[::7]:
        assert restored.best(query, at_least=POSSIBLE_SCORE) == scorer.best(query, at_least=POSSIBLE_SCORE)
    assert fuzzy_tokens("Фонд «Свободная Россия»") in {scorer.words(i) for i in range(len(scorer._starts) - 1)}


def test_the_shortlist_summed_in_numpy_is_the_one_summed_in_a_dict(scorer, queries, monkeypatch):
    from pipelines.matching import fuzzy

    monkeypatch.setattr(fuzzy, "_SUMMED_IN_NUMPY", 10**9)
    in_a_dict = [scorer._shortlist(scorer._meetings(query)) for query in queries]
    monkeypatch.setattr(fuzzy, "_SUMMED_IN_NUMPY", 0)
    assert [scorer._shortlist(scorer._meetings(query)) for query in queries] == in_a_dict
    assert sum(len(names) == fuzzy.SHORTLIST for names in in_a_dict) > 100  # ties at the cut were broken alike


def test_a_words_weight_counts_the_entries_that_have_it_not_their_names():
    scorer = TokenScorer()
    scorer.add_names([("memorial", "centre"), (), ("memorial", "human", "rights"),  # 1: an acronym
                      ("human", "rights", "watch")], array("I", [0, 0, 0, 1]))  # 2: the same entry's other name
    scorer.freeze()
    assert scorer._vocabulary == ["memorial", "centre", "human", "rights", "watch"]  # as first met
    assert scorer.weight("memorial") == scorer.weight("watch") == math.log(1 + 2 / 1)  # in one entry of two
    assert scorer.weight("human") == math.log(1 + 2 / 2)  # in both, however many names
    assert scorer.words(1) == () and scorer.words(2) == ("memorial", "human", "rights")
    assert list(scorer._names("human")) == [2, 3]


def test_postings_sorted_by_radix_are_those_of_any_vocabulary(monkeypatch):
    from pipelines.matching import fuzzy

    entries = normalise_rows(combined_rows())[0]
    by_radix = RegisterIndex(entries)._scorer.state()
    assert 1000 < len(by_radix["spelling"]) <= fuzzy._RADIX_WORDS  # type: ignore[arg-type]
    monkeypatch.setattr(fuzzy, "_RADIX_WORDS", 0)
    assert RegisterIndex(entries)._scorer.state() == by_radix
