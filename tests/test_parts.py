"""A name part's keys made of its words' (pipelines/matching/parts.py) are the keys the
functions that read it whole give: the status check's answers rest on it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.matching.fuzzy import OPTIONAL_WORDS, fuzzy_tokens
from pipelines.matching.keys import CORE, core_keys, initials, name_keys
from pipelines.matching.parts import PartWords
from pipelines.matching.translation import english_name, russian_words

# Words that fold, join, transliterate, translate or make initials in every way the functions know.
WORDS = ["Фонд", "«Свободная", "Россия»", "Open", "Society", "Foundation", "U.S.", "U.", "S.", "e.V.", "в", "и",
         "1", "129", "Inc.", "The", "the", "GmbH", "gemeinnützige", "Stichting", "Ltd", "ООО", "«", "»", "—", "(",
         "(США)", "ОРГАНIЗАЦIЯ", "ОРГАНI3АЦIЯ", "Transparеncy", "КрымSOS", "Ъ", "объединение", "Miljøstiftelsen",
         "Women’s", "War", "&", "Peace", "Deutsche", "Welle", "медиакорпорация", "Demokrati-JA", "im.", "Stefana",
         "Batorego", "IWPR/", "A/B", "o.p.s", "ſ", "İstanbul", "Böll", "x", "ü", "Human", "Rights", "Watch"]
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_keys_made_of_the_words_are_those_of_the_whole_text(text):
    parts = PartWords()
    for _ in range(2):  # the second time from its memory of each word
        keys, tokens = parts.name(text)
        assert keys == {**name_keys(text, spaces_ignored=True), CORE: core_keys(text)}
        assert tokens == parts.tokens(text) == fuzzy_tokens(text)
        assert parts.russian(text) == russian_words(text)
        assert parts.read(text) == (keys, tokens, initials(text, OPTIONAL_WORDS), english_name(text))


def test_one_letter_words_in_a_row_are_joined_as_fold_joins_them():
    parts = PartWords()
    assert parts.name("Фонд U. S. A. в и")[0] == {**name_keys("Фонд U. S. A. в и", spaces_ignored=True),
                                                   CORE: ()}
    assert parts.tokens("Forum e.V.") == fuzzy_tokens("Forum e.V.") == ("forum", "ev")


COUNTRIES = ["США", "Чешская Республика", "U.S.", "ФРГ", "Великобритания"]


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from(COUNTRIES), st.sampled_from(["", " ", "(", " (", " «", ", ", "-", "x"]),
       st.sampled_from(["", ")", ").", "»)", ") x", "x", ")-"]))
def test_a_name_without_its_country_has_the_words_of_that_text(text, country, before, after):
    name = f"{text}{before}{country}{after}"
    head, _, tail = name.rpartition(country)
    parts = PartWords()
    assert parts.tokens_without(name, country, parts.name(name)[1]) == fuzzy_tokens(f"{head} {tail}")
    assert parts.tokens_without(text, "Бельгия", parts.tokens(text)) == fuzzy_tokens(text)


