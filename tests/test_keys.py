"""The one name-key builder: where the status check and watchlists key a name alike, and
the two places they differ on purpose (see pipelines/matching/keys.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.matching.keys import (
    ACRONYM_ANY_CASE,
    ACRONYM_EXACT,
    EXACT,
    FOLDED,
    TRANSLITERATED,
    acronym_keys,
    core_keys,
    fold,
    letters,
    loose_enough,
    name_keys,
    name_parts,
    short_forms,
)
from pipelines.register.models import Entry


def test_a_name_is_keyed_as_published_folded_without_its_legal_form_and_transliterated():
    keys = name_keys("Stichting  Bellingcat")
    assert keys[EXACT] == ("Stichting Bellingcat",)
    assert keys[FOLDED] == ("stichting bellingcat", "bellingcat")
    assert keys[TRANSLITERATED] == ("stichting belingcat", "belingcat")


def test_the_status_check_ignores_spaces_in_transliterations_and_keeps_the_rest():
    watched, checked = name_keys("Crimea SOS"), name_keys("Crimea SOS", spaces_ignored=True)
    assert watched[TRANSLITERATED] == ("crimea sos",)
    assert checked[TRANSLITERATED] == ("crimeasos",)
    assert (watched[EXACT], watched[FOLDED]) == (checked[EXACT], checked[FOLDED])


def test_a_given_fold_is_used_as_is():
    assert name_keys("Bellingcat", fold("Bellingcat"), spaces_ignored=True) == \
        name_keys("Bellingcat", spaces_ignored=True)


def test_loose_keys_need_three_letters_counted_where_each_caller_counts_them():
    # Watchlists count the transliteration's letters («щи» is «shchi»), the status check the fold's.
    assert name_keys("Щи")[FOLDED] == name_keys("Щи", spaces_ignored=True)[FOLDED] == ()
    assert name_keys("Щи")[TRANSLITERATED] == ("shchi",)
    assert name_keys("Щи", spaces_ignored=True)[TRANSLITERATED] == ()


@given(st.text(alphabet="aЩ1 .-'", max_size=12))
def test_a_loose_key_has_three_letters_wherever_they_are(key):
    assert loose_enough(key) == (letters(key) >= 3)


def test_an_acronym_ignores_case_for_watchlists_and_also_lookalikes_for_the_status_check():
    assert acronym_keys("ОМСТ") == {ACRONYM_EXACT: ("ОМСТ",), ACRONYM_ANY_CASE: ("омст",)}
    assert acronym_keys("ОМСТ", lookalikes=True) == {ACRONYM_EXACT: ("ОМСТ",),
                                                     ACRONYM_ANY_CASE: ("омст", "omct")}
    assert acronym_keys("G.e.V.")[ACRONYM_ANY_CASE] == ("g.e.v.",)
    assert acronym_keys("G.e.V.", lookalikes=True)[ACRONYM_ANY_CASE] == ("gev",)
    assert acronym_keys("OR")[ACRONYM_ANY_CASE] == acronym_keys("OR", lookalikes=True)[ACRONYM_ANY_CASE] == ()


def test_the_proper_name_is_the_quoted_end_or_the_latin_end_of_a_russian_name():
    assert core_keys("Фонд «Свободная Россия»") == ("свободная россия", "svobodnaiarosia")
    assert core_keys("медиакорпорация Deutsche Welle") == ("deutsche welle", "deutschewele")
    assert core_keys("Bellingcat") == ()


def test_an_entrys_name_parts_come_most_specific_first():
    entry = Entry("x/1", 1, "Whole name", name_ru=("Имя",), name_original=("Name",), acronyms=("WN",))
    assert name_parts(entry) == (("name_ru", "Имя"), ("name_original", "Name"), ("acronym", "WN"),
                                 ("name", "Whole name"))


@pytest.mark.parametrize(("text", "forms"), [
    ("Radio Free Europe/Radio Liberty", (("half", "Radio Free Europe"), ("half", "Radio Liberty"))),
    ("Радио Свободная Европа/Радио Свобода", (("half", "Радио Свободная Европа"), ("half", "Радио Свобода"))),
    ("Fundacja im. Stefana Batorego", (("without_given_name", "Fundacja Batorego"),)),
    ("Фонд имени Генриха Бёлля", (("without_given_name", "Фонд Бёлля"),)),
    ("Содружество журналистов-расследователей – Фонд 19/29", ()),  # a number, not two names
    ("Open Society Foundation", ()),
])
def test_the_short_forms_people_write_for_a_published_name(text, forms):
    assert short_forms(text) == forms


def test_a_half_that_is_a_country_is_no_short_form():
    assert short_forms("Институт/Нидерланды", lambda form: form == "Нидерланды") == (("half", "Институт"),)
